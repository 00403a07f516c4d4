package io.syncnode.node.engine;

import static io.syncnode.node.engine.EngineParts.FOLDER;
import static io.syncnode.node.engine.EngineParts.PEER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.os.NativeFs;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.VersionVector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A receiver that holds a hard-link group (two names, one inode) gets the group's next state in
 * any order and split in any way: announcements are hints, and the digest exchange sends what
 * differs, record by record. Whatever the order, the names end as the group's one inode, with
 * the content and the records announced, and nothing is taken for a local change (no rescan)
 * and no problem is recorded. Table-driven over every order of the three records, each in an
 * update of its own, and all in one update; with the new first name's content inline or not.
 */
class HardLinkGroupOrderTest {
    private static final long T = 1_790_000_000_000_000_000L;
    private static final byte[] CONTENT = "one inode, three names\n".getBytes(StandardCharsets.UTF_8);
    private static final String ONE = "hl/a/one";
    private static final String TWO = "hl/b/two";
    private static final String THREE = "hl-three"; // '-' < '/': the smallest path, the first name once it joins

    @TempDir
    Path tmp;
    private EngineParts parts;
    private RemoteApplier remote;

    @BeforeEach
    void build() throws Exception {
        parts = new EngineParts(tmp);
        remote = parts.remoteApplier(ConflictPolicy.NEWEST);
        // the group as the writer announced it first: hl/a/one, then hl/b/two linked to it
        announce(List.of(new Message.Announced(record(ONE, 1, null), CONTENT)));
        announce(List.of(new Message.Announced(record(TWO, 1, ONE), null)));
        assertEquals(NativeFs.inode(file(ONE)), NativeFs.inode(file(TWO)), "the starting pair is one inode");
        assertEquals(2, NativeFs.nlink(file(ONE)));
    }

    @AfterEach
    void close() {
        parts.close();
    }

    static Stream<Arguments> orders() {
        List<Arguments> out = new ArrayList<>();
        List<List<String>> perms = List.of(List.of(THREE, ONE, TWO), List.of(THREE, TWO, ONE),
                List.of(ONE, THREE, TWO), List.of(ONE, TWO, THREE), List.of(TWO, THREE, ONE), List.of(TWO, ONE, THREE));
        for (boolean inline : List.of(true, false)) {
            for (List<String> p : perms) {
                out.add(Arguments.of(p, false, inline));
            }
            out.add(Arguments.of(List.of(THREE, ONE, TWO), true, inline));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, one update: {1}, first name inline: {2}")
    @MethodSource("orders")
    void aNewFirstNameJoinsInAnyOrder(List<String> order, boolean oneUpdate, boolean inline) throws Exception {
        Map<String, Message.Announced> next = Map.of(
                THREE, new Message.Announced(record(THREE, 1, null), inline ? CONTENT : null),
                ONE, new Message.Announced(record(ONE, 2, THREE), null),
                TWO, new Message.Announced(record(TWO, 2, THREE), null));
        deliver(order, next, oneUpdate);

        long ino = NativeFs.inode(file(THREE));
        for (String n : List.of(ONE, TWO, THREE)) {
            assertEquals(ino, NativeFs.inode(file(n)), n + " is a name of the group's inode");
            assertArrayEquals(CONTENT, Files.readAllBytes(file(n)), n);
            FileRecord stored = parts.store.get(FOLDER, n).orElseThrow().record();
            assertEquals(next.get(n).record().version(), stored.version(), n + "'s version");
            assertEquals(next.get(n).record().hardLink(), stored.hardLink(), n + "'s first name");
        }
        assertEquals(3, NativeFs.nlink(file(THREE)));
        settled();
    }

    /**
     * The later names came first and are in the index, each its own file; the first name then comes
     * in a batch with an unrelated file (the batch's link checks are read together): the later
     * names, read from the index, become names of its inode.
     */
    @Test
    void aFirstNameComingAfterItsIndexedLaterNamesInABatchGathersThem() throws Exception {
        announce(List.of(new Message.Announced(record(ONE, 2, THREE), null)));
        announce(List.of(new Message.Announced(record(TWO, 2, THREE), null)));
        assertTrue(parts.store.get(FOLDER, ONE).isPresent() && parts.store.get(FOLDER, TWO).isPresent(), "indexed");
        announce(List.of(new Message.Announced(record(THREE, 1, null), CONTENT),
                new Message.Announced(parts.file("other", "unrelated\n".getBytes(), 0644, T, PEER, 1),
                        "unrelated\n".getBytes())));

        long ino = NativeFs.inode(file(THREE));
        for (String n : List.of(ONE, TWO)) {
            assertEquals(ino, NativeFs.inode(file(n)), n + " is a name of the first name's inode");
        }
        assertEquals(3, NativeFs.nlink(file(THREE)));
        assertArrayEquals("unrelated\n".getBytes(), Files.readAllBytes(file("other")));
        settled();
    }

    @ParameterizedTest(name = "{0}, one update: {1}")
    @MethodSource("removals")
    void theFirstNameGoesInAnyOrder(List<String> order, boolean oneUpdate) throws Exception {
        announce(List.of(new Message.Announced(record(THREE, 1, null), CONTENT),
                new Message.Announced(record(ONE, 2, THREE), null), new Message.Announced(record(TWO, 2, THREE), null)));
        assertEquals(3, NativeFs.nlink(file(THREE)));
        FileRecord gone = record(THREE, 1, null);
        Map<String, Message.Announced> next = Map.of(
                THREE, new Message.Announced(gone.asDeleted(VersionVector.of(Map.of(PEER, 2L)), PEER), null),
                ONE, new Message.Announced(record(ONE, 3, null), null),
                TWO, new Message.Announced(record(TWO, 3, ONE), null));
        deliver(order, next, oneUpdate);

        assertFalse(Files.exists(file(THREE)));
        assertEquals(NativeFs.inode(file(ONE)), NativeFs.inode(file(TWO)), "the two names left are one inode");
        assertEquals(2, NativeFs.nlink(file(ONE)));
        assertArrayEquals(CONTENT, Files.readAllBytes(file(TWO)));
        settled();
    }

    static Stream<Arguments> removals() {
        return Stream.of(Arguments.of(List.of(THREE, ONE, TWO), false), Arguments.of(List.of(ONE, TWO, THREE), false),
                Arguments.of(List.of(TWO, ONE, THREE), false), Arguments.of(List.of(TWO, THREE, ONE), false),
                Arguments.of(List.of(THREE, ONE, TWO), true));
    }

    private void deliver(List<String> order, Map<String, Message.Announced> next, boolean oneUpdate) throws Exception {
        if (oneUpdate) {
            announce(order.stream().map(next::get).toList());
        } else {
            for (String n : order) {
                announce(List.of(next.get(n)));
            }
        }
    }

    /** Nothing taken for a local change, no problem, and every name's signature recorded as on disk. */
    private void settled() throws Exception {
        assertEquals(List.of(), parts.rescans, "the receiver took its own relinks for local changes");
        assertEquals(0, parts.problems.size(), "problems recorded");
        for (String n : List.of(ONE, TWO, THREE)) {
            var f = parts.store.get(FOLDER, n);
            if (f.isPresent() && !f.get().record().deleted()) {
                assertEquals(io.syncnode.node.scan.EntryReader.lstat(file(n)).orElseThrow().signature(), f.get().stat(),
                        n + ": the recorded signature is what is on disk (a scan sees nothing)");
            }
        }
    }

    private FileRecord record(String path, long clock, String hardLink) throws Exception {
        return parts.file(path, CONTENT, 0644, T, PEER, clock).withHardLink(hardLink);
    }

    private Path file(String rel) {
        return parts.root.resolve(rel);
    }

    private void announce(List<Message.Announced> records) throws Exception {
        parts.onWorker(() -> {
            remote.applyUpdate("peer", new Message.IndexUpdate(FOLDER, records, false, false));
            return null;
        });
    }
}
