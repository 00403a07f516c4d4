package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** PendingPuts against the obvious model: one ordered map, every lookup a walk over all of it. */
class PendingPutsTest {
    static final String[] NAMES = {"a", "a b", "a-b", "a.b", "a0", "a/b", "a/b/c", "a/bc", "a/b0", "ab", "a/b/c/d",
            "b", "b/a", "\uEF80", "a/\uEF80", "a\uEF80"};

    @Test
    void lookupsMatchAWalkOverEveryPendingChangeThroughRandomPutsRemovesAndClears() {
        Random rnd = new Random(20261121);
        for (int round = 0; round < 200; round++) {
            PendingPuts pending = new PendingPuts();
            LinkedHashMap<String, IndexBuffer.Put> model = new LinkedHashMap<>();
            for (int op = 0; op < 300; op++) {
                int kind = rnd.nextInt(20);
                if (kind == 0) {
                    pending.clear();
                    model.clear();
                } else if (kind < 4) {
                    String path = NAMES[rnd.nextInt(NAMES.length)];
                    assertEquals(model.remove(path), pending.remove(path));
                } else {
                    IndexBuffer.Put p = randomPut(rnd);
                    String path = p.record().path();
                    assertEquals(model.remove(path), pending.remove(path));
                    pending.add(p);
                    model.put(path, p);
                }
                check(model, pending, rnd);
            }
        }
    }

    @Test
    void addingASecondChangeOfAPathWithoutRemovingTheFirstIsRefused() {
        PendingPuts pending = new PendingPuts();
        pending.add(put("x", null, 1, 1, false));
        assertThrows(IllegalStateException.class, () -> pending.add(put("x", null, 1, 2, false)));
        assertEquals(1, pending.size());
        assertNull(pending.get("y"));
    }

    private static void check(LinkedHashMap<String, IndexBuffer.Put> model, PendingPuts pending, Random rnd) {
        assertEquals(new ArrayList<>(model.values()), new ArrayList<>(pending.inOrder()), "order of the changes");
        assertEquals(model.size(), pending.size());
        assertEquals(model.isEmpty(), pending.isEmpty());
        assertEquals(model.values().stream().mapToLong(p -> p.inline() == null ? 0 : p.inline().length).sum(),
                pending.inlineBytes(), "inline bytes held");
        String probe = NAMES[rnd.nextInt(NAMES.length)];
        assertEquals(model.get(probe), pending.get(probe));
        assertEquals(model.containsKey(probe), pending.contains(probe));
        List<IndexBuffer.Put> live = model.values().stream().filter(p -> !p.record().deleted()).toList();
        assertEquals(live.stream().filter(p -> p.record().path().startsWith(probe + "/"))
                        .sorted(java.util.Comparator.comparing(p -> p.record().path())).toList(),
                pending.liveUnder(probe), "under " + probe);
        assertEquals(paths(live.stream().filter(p -> probe.equals(p.record().hardLink())).toList()),
                paths(pending.liveLinkingTo(probe)), "linking to " + probe);
        long ino = rnd.nextInt(4);
        long dev = rnd.nextInt(2);
        assertEquals(paths(live.stream().filter(p -> p.stat() != null && p.stat().ino() == ino
                        && p.stat().dev() == dev).toList()),
                paths(pending.liveOnInode(dev, ino)), "inode " + dev + ":" + ino);
    }

    private static List<String> paths(List<IndexBuffer.Put> puts) {
        return puts.stream().map(p -> p.record().path()).sorted().collect(Collectors.toList());
    }

    private static IndexBuffer.Put randomPut(Random rnd) {
        String path = NAMES[rnd.nextInt(NAMES.length)];
        String first = null;
        if (rnd.nextBoolean()) {
            String candidate = NAMES[rnd.nextInt(NAMES.length)];
            if (candidate.compareTo(path) < 0) {
                first = candidate;
            }
        }
        boolean deleted = rnd.nextInt(5) == 0;
        IndexBuffer.Put p = put(path, deleted ? null : first, rnd.nextInt(2), rnd.nextInt(4), deleted);
        if (!deleted && rnd.nextBoolean()) { // a new version of a small file: its content goes with it
            p = IndexBuffer.Put.local(p.record(), p.stat(), new byte[rnd.nextInt(100)]);
        }
        return p;
    }

    private static IndexBuffer.Put put(String path, String first, long dev, long ino, boolean deleted) {
        FileRecord r = new FileRecord(path, FileType.REGULAR, 0644, 0, 0, 1, 1, ContentHash.of(new byte[ContentHash.LENGTH]), null,
                0, VersionVector.of(Map.of(1L, 1L)), false, 1L);
        if (first != null) {
            r = r.withHardLink(first);
        }
        if (deleted) {
            return IndexBuffer.Put.local(r.asDeleted(VersionVector.of(Map.of(1L, 2L)), 1L), null, null);
        }
        StatSignature stat = ino == 3 ? null : new StatSignature(dev, ino, 1, 1, 1, 0100644, 0, 0);
        return IndexBuffer.Put.quiet(r, stat);
    }
}
