package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conflict rules of PROTOCOL.md section 6. Every concurrent case is also checked from the
 * other node's side (local and remote swapped): both nodes must store the same record, or the
 * cluster would keep two versions of the file under one EQUAL vector.
 */
class ReconcilerTest {
    static final long A = 0x0a0a0a0a0a0a0a0aL;
    static final long B = 0x0b0b0b0b0b0b0b0bL;
    static final long C = 0x0c0c0c0c0c0c0c0cL;
    /** Negative as a signed long: loses to A in a signed comparison, would win an unsigned one. */
    static final long NEG = 0xf0f0f0f0f0f0f0f0L;
    static final long T = 1_700_000_000_000_000_000L;
    static final ContentHash H_LOW = ContentHash.ofHex("11".repeat(32));
    static final ContentHash H_MID = ContentHash.ofHex("77".repeat(32));
    static final ContentHash H_HIGH = ContentHash.ofHex("ee".repeat(32));
    static final String PATH = "docs/report.txt";

    /** The local and the remote side of a concurrent pair: {a:2,b:1} vs {a:1,b:2}. */
    static final VersionVector VL = vv(A, 2, B, 1);
    static final VersionVector VR = vv(A, 1, B, 2);

    /** The main policies and those that act as {@code newest} in this version. */
    static final List<ConflictPolicy> AS_NEWEST = List.of(ConflictPolicy.NEWEST, ConflictPolicy.KEEP_BOTH,
            ConflictPolicy.MANUAL, ConflictPolicy.SCRIPT, ConflictPolicy.PRIORITY);

    enum Winner { LOCAL, REMOTE }

    record Case(ConflictPolicy policy, DeleteConflict onDelete, FileRecord local, FileRecord remote) {
        Case mirror() {
            return new Case(policy, onDelete, remote, local);
        }

        Plan plan() {
            return new Reconciler(policy, onDelete).plan(local, remote);
        }
    }

    static VersionVector vv(long... pairs) {
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return VersionVector.of(m);
    }

    static FileRecord file(long by, VersionVector v, long mtime, long size, ContentHash hash) {
        return new FileRecord(PATH, FileType.REGULAR, 0644, 1000, 1000, mtime, size, hash, null, 0, v, false, by);
    }

    static FileRecord local(long by, long mtime, long size, ContentHash hash) {
        return file(by, VL, mtime, size, hash);
    }

    static FileRecord remote(long by, long mtime, long size, ContentHash hash) {
        return file(by, VR, mtime, size, hash);
    }

    static FileRecord withMode(FileRecord r, int mode) {
        return new FileRecord(r.path(), r.type(), mode, r.uid(), r.gid(), r.mtimeNs(), r.size(), r.hash(),
                r.symlinkTarget(), r.rdev(), r.version(), r.deleted(), r.modifiedBy());
    }

    static FileRecord directory(long by, VersionVector v, long mtime) {
        return new FileRecord(PATH, FileType.DIRECTORY, 0755, 0, 0, mtime, 0, null, null, 0, v, false, by);
    }

    /** What a node stores after carrying out {@code plan} with {@code local} as its record. */
    static FileRecord stored(Plan plan, FileRecord local) {
        if (plan instanceof Plan.TakeRemote t) {
            return t.target();
        }
        if (plan instanceof Plan.KeepLocal k) {
            return k.updated();
        }
        if (plan instanceof Plan.MergeVersions m) {
            return m.merged();
        }
        return local;
    }

    // ------------------------------------------------------------------ not concurrent

    static Stream<Arguments> sequential() {
        FileRecord older = file(A, vv(A, 1), T + 50, 99, H_HIGH);
        FileRecord newer = file(B, vv(A, 1, B, 1), T, 1, H_LOW);
        FileRecord tombstone = newer.asDeleted(vv(A, 1, B, 2), B);
        List<Arguments> rows = new ArrayList<>();
        for (ConflictPolicy p : ConflictPolicy.values()) {
            for (DeleteConflict d : DeleteConflict.values()) {
                String s = " [" + p.configName() + ", " + d.configName() + "]";
                rows.add(row("no local record" + s, new Case(p, d, null, newer), new Plan.TakeRemote(newer, false)));
                rows.add(row("no local record, remote tombstone is stored" + s, new Case(p, d, null, tombstone),
                        new Plan.TakeRemote(tombstone, false)));
                rows.add(row("EQUAL" + s, new Case(p, d, newer, newer), new Plan.Acknowledge()));
                rows.add(row("EQUAL vectors, entries differ: still acknowledged" + s,
                        new Case(p, d, newer, file(A, newer.version(), T + 99, 7, H_MID)), new Plan.Acknowledge()));
                rows.add(row("AFTER, although the remote one is newer and bigger" + s,
                        new Case(p, d, newer, older), new Plan.Acknowledge()));
                rows.add(row("AFTER, local tombstone" + s, new Case(p, d, tombstone, newer), new Plan.Acknowledge()));
                rows.add(row("BEFORE, although the local one is newer and bigger" + s,
                        new Case(p, d, older, newer), new Plan.TakeRemote(newer, false)));
                rows.add(row("BEFORE, remote tombstone" + s, new Case(p, d, newer, tombstone),
                        new Plan.TakeRemote(tombstone, false)));
            }
        }
        return rows.stream();
    }

    static Arguments row(String name, Case c, Object expected) {
        return Arguments.of(named(name, c), expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequential")
    void notConcurrent(Case c, Plan expected) {
        assertEquals(expected, c.plan());
    }

    // ------------------------------------------------------------------ concurrent, same entry

    static Stream<Arguments> sameEntries() {
        FileRecord byA = local(A, T, 10, H_MID);
        FileRecord byB = remote(B, T, 10, H_MID);
        FileRecord dirByB = directory(B, VL, T + 123);
        FileRecord dirByA = directory(A, VR, 0);
        FileRecord goneByA = local(A, T, 10, H_MID).asDeleted(VL, A);
        FileRecord goneByB = directory(C, VR, T).asDeleted(VR, B);
        FileRecord byNeg = local(NEG, T, 10, H_MID);
        List<Arguments> rows = new ArrayList<>();
        for (ConflictPolicy p : ConflictPolicy.values()) {
            String s = " [" + p.configName() + "]";
            DeleteConflict d = DeleteConflict.KEEP_MODIFIED;
            rows.add(row("same file written on both nodes" + s, new Case(p, d, byA, byB), byB));
            rows.add(row("same file, mirrored" + s, new Case(p, d, byB, byA), byB));
            rows.add(row("directories differing only in mtime" + s, new Case(p, d, dirByB, dirByA), dirByB));
            rows.add(row("both deleted, tombstones' metadata differ" + s,
                    new Case(p, DeleteConflict.DELETE, goneByA, goneByB), goneByB));
            rows.add(row("author compared signed: negative id loses" + s, new Case(p, d, byNeg, byB), byB));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sameEntries")
    void concurrentSameEntryMergesVersions(Case c, FileRecord base) {
        VersionVector merged = c.local().version().merge(c.remote().version());
        Plan plan = c.plan();
        FileRecord expected = base.withVersion(merged, Math.max(c.local().modifiedBy(), c.remote().modifiedBy()));
        assertEquals(new Plan.MergeVersions(expected), plan);
        assertEquals(base.modifiedBy(), expected.modifiedBy(), "modifiedBy = max of both");
        assertTrue(merged.covers(c.local().version()) && merged.covers(c.remote().version()));
        assertBothNodesStoreTheSame(c);
    }

    // ------------------------------------------------------------------ concurrent, content differs

    static Arguments conflict(String name, ConflictPolicy p, FileRecord local, FileRecord remote, Winner w) {
        return conflict(name, p, DeleteConflict.KEEP_MODIFIED, local, remote, w);
    }

    static Arguments conflict(String name, ConflictPolicy p, DeleteConflict d, FileRecord local, FileRecord remote,
                              Winner w) {
        return Arguments.of(named(name + " [" + p.configName() + ", " + d.configName() + "]",
                new Case(p, d, local, remote)), w);
    }

    static Stream<Arguments> conflicts() {
        List<Arguments> rows = new ArrayList<>();
        for (ConflictPolicy p : AS_NEWEST) {
            rows.add(conflict("newest: local newer (smaller id, smaller hash)", p,
                    local(A, T + 1, 10, H_LOW), remote(B, T, 10, H_HIGH), Winner.LOCAL));
            rows.add(conflict("newest: remote newer by 1 ns (local bigger, greater id and hash)", p,
                    local(B, T, 99, H_HIGH), remote(A, T + 1, 10, H_LOW), Winner.REMOTE));
            rows.add(conflict("newest: equal mtime, greater modifiedBy wins (local)", p,
                    local(B, T, 10, H_LOW), remote(A, T, 10, H_HIGH), Winner.LOCAL));
            rows.add(conflict("newest: equal mtime, greater modifiedBy wins (remote)", p,
                    local(A, T, 99, H_HIGH), remote(B, T, 10, H_LOW), Winner.REMOTE));
            rows.add(conflict("newest: equal mtime, modifiedBy compared signed", p,
                    local(NEG, T, 10, H_HIGH), remote(A, T, 10, H_LOW), Winner.REMOTE));
            rows.add(conflict("newest: equal but hash, greater hash wins (local)", p,
                    local(A, T, 10, H_HIGH), remote(A, T, 10, H_LOW), Winner.LOCAL));
            rows.add(conflict("newest: equal but hash, greater hash wins (remote)", p,
                    local(A, T, 10, H_LOW), remote(A, T, 10, H_HIGH), Winner.REMOTE));
            rows.add(conflict("newest: metadata-only conflict (chmod on both), greater modifiedBy wins", p,
                    withMode(local(A, T, 10, H_MID), 0600), remote(B, T, 10, H_MID), Winner.REMOTE));
            rows.add(conflict("newest: directory vs regular file, the file is newer", p,
                    directory(A, VL, 0), remote(B, T, 10, H_MID), Winner.REMOTE));
        }
        ConflictPolicy p = ConflictPolicy.OLDEST;
        rows.add(conflict("oldest: local older (smaller id, smaller hash)", p,
                local(A, T, 10, H_LOW), remote(B, T + 1, 10, H_HIGH), Winner.LOCAL));
        rows.add(conflict("oldest: remote older (local bigger, greater id and hash)", p,
                local(B, T + 1, 99, H_HIGH), remote(A, T, 10, H_LOW), Winner.REMOTE));
        rows.add(conflict("oldest: equal mtime, greater modifiedBy wins (local)", p,
                local(B, T, 10, H_LOW), remote(A, T, 10, H_HIGH), Winner.LOCAL));
        rows.add(conflict("oldest: equal mtime, greater modifiedBy wins (remote)", p,
                local(A, T, 10, H_HIGH), remote(B, T, 10, H_LOW), Winner.REMOTE));
        rows.add(conflict("oldest: equal but hash, greater hash wins", p,
                local(A, T, 10, H_LOW), remote(A, T, 10, H_HIGH), Winner.REMOTE));
        p = ConflictPolicy.BIGGER;
        rows.add(conflict("bigger: local bigger (older, smaller id and hash)", p,
                local(A, T, 11, H_LOW), remote(B, T + 1, 10, H_HIGH), Winner.LOCAL));
        rows.add(conflict("bigger: remote bigger (older, smaller id and hash)", p,
                local(B, T + 1, 10, H_HIGH), remote(A, T, 11, H_LOW), Winner.REMOTE));
        rows.add(conflict("bigger: equal size, newer mtime wins", p,
                local(A, T + 1, 10, H_LOW), remote(B, T, 10, H_HIGH), Winner.LOCAL));
        rows.add(conflict("bigger: equal size and mtime, greater modifiedBy wins", p,
                local(A, T, 10, H_HIGH), remote(B, T, 10, H_LOW), Winner.REMOTE));
        rows.add(conflict("bigger: equal but hash, greater hash wins", p,
                local(A, T, 10, H_HIGH), remote(A, T, 10, H_LOW), Winner.LOCAL));
        p = ConflictPolicy.SMALLER;
        rows.add(conflict("smaller: local smaller (older, smaller id and hash)", p,
                local(A, T, 10, H_LOW), remote(B, T + 1, 11, H_HIGH), Winner.LOCAL));
        rows.add(conflict("smaller: remote smaller", p,
                local(B, T + 1, 11, H_HIGH), remote(A, T, 10, H_LOW), Winner.REMOTE));
        rows.add(conflict("smaller: equal size, newer mtime wins", p,
                local(A, T, 10, H_LOW), remote(B, T + 1, 10, H_HIGH), Winner.REMOTE));
        rows.add(conflict("smaller: equal size and mtime, greater modifiedBy wins", p,
                local(B, T, 10, H_LOW), remote(A, T, 10, H_HIGH), Winner.LOCAL));
        rows.add(conflict("smaller: equal but hash, greater hash wins", p,
                local(A, T, 10, H_LOW), remote(A, T, 10, H_HIGH), Winner.REMOTE));
        // delete vs modify: the policy does not matter, only the delete-conflict setting
        for (ConflictPolicy q : List.of(ConflictPolicy.NEWEST, ConflictPolicy.OLDEST, ConflictPolicy.BIGGER)) {
            FileRecord modified = remote(A, T, 10, H_MID);
            FileRecord deleted = local(B, T + 5, 99, H_HIGH).asDeleted(VL, B);
            rows.add(conflict("local deleted, remote modified", q, DeleteConflict.KEEP_MODIFIED,
                    deleted, modified, Winner.REMOTE));
            rows.add(conflict("local deleted, remote modified", q, DeleteConflict.DELETE,
                    deleted, modified, Winner.LOCAL));
            FileRecord modifiedHere = local(A, T, 10, H_MID);
            FileRecord deletedThere = remote(B, T + 5, 99, H_HIGH).asDeleted(VR, B);
            rows.add(conflict("local modified, remote deleted", q, DeleteConflict.KEEP_MODIFIED,
                    modifiedHere, deletedThere, Winner.LOCAL));
            rows.add(conflict("local modified, remote deleted", q, DeleteConflict.DELETE,
                    modifiedHere, deletedThere, Winner.REMOTE));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("conflicts")
    void concurrentConflictPicksTheWinnerUnderTheMergedVector(Case c, Winner winner) {
        assertEquals(VersionVector.Ordering.CONCURRENT, c.local().version().compare(c.remote().version()));
        VersionVector merged = c.local().version().merge(c.remote().version());
        Plan expected = winner == Winner.LOCAL
                ? new Plan.KeepLocal(c.local().withVersion(merged, c.local().modifiedBy()))
                : new Plan.TakeRemote(c.remote().withVersion(merged, c.remote().modifiedBy()), true);
        assertEquals(expected, c.plan());
        assertBothNodesStoreTheSame(c);
    }

    /**
     * Node L holds {@code c.local()} and sees {@code c.remote()}; node R holds {@code c.remote()}
     * and sees {@code c.local()}. Both must end with the same record, and the next exchange in
     * either direction must be a plain Acknowledge (no loop).
     */
    static void assertBothNodesStoreTheSame(Case c) {
        FileRecord onL = stored(c.plan(), c.local());
        FileRecord onR = stored(c.mirror().plan(), c.remote());
        assertEquals(onL, onR, "both nodes store the same record");
        Reconciler r = new Reconciler(c.policy(), c.onDelete());
        assertInstanceOf(Plan.Acknowledge.class, r.plan(onL, onR), "next exchange, L's side");
        assertInstanceOf(Plan.Acknowledge.class, r.plan(onR, onL), "next exchange, R's side");
        assertEquals(onL, stored(new Reconciler(c.policy(), c.onDelete()).plan(c.local(), onR), c.local()),
                "a node that still holds its old record takes the settled one");
    }

    // ------------------------------------------------------------------ known bug

    /**
     * Node A made version {a:2} (a chmod: mtime and content unchanged); node B holds {a:1,b:1}
     * made by A too (B merged A's identical write). The two differ in mode only, with equal mtime,
     * author and hash: the winner order ties, each node takes the other's record, and both end at
     * the EQUAL vector {a:2,b:1} with different modes. The digest covers only path, vector and
     * deleted flag, so anti-entropy never notices.
     */
    @Test
    void concurrentChmodWithSameAuthorAndMtimePicksOneWinner() {
        FileRecord chmodOnA = withMode(file(A, vv(A, 2), T, 10, H_MID), 0600);
        FileRecord mergedOnB = file(A, vv(A, 1, B, 1), T, 10, H_MID);
        for (ConflictPolicy p : ConflictPolicy.values()) {
            assertBothNodesStoreTheSame(new Case(p, DeleteConflict.KEEP_MODIFIED, chmodOnA, mergedOnB));
        }
    }

    // ------------------------------------------------------------------ three nodes

    /** A wrote the newest and middle-sized, B the oldest and biggest, C the smallest. */
    static final FileRecord BY_A = file(A, vv(A, 1), T + 2, 20, H_LOW);
    static final FileRecord BY_B = file(B, vv(B, 1), T, 30, H_MID);
    static final FileRecord BY_C = file(C, vv(C, 1), T + 1, 10, H_HIGH);

    /** The three writes, best first, as each policy ranks them. */
    static List<FileRecord> ranking(ConflictPolicy p) {
        return switch (p) {
            case OLDEST -> List.of(BY_B, BY_C, BY_A);
            case BIGGER -> List.of(BY_B, BY_A, BY_C);
            case SMALLER -> List.of(BY_C, BY_A, BY_B);
            default -> List.of(BY_A, BY_C, BY_B);
        };
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConflictPolicy.class)
    void threeWritersEveryPairAgreesOnTheWinner(ConflictPolicy p) {
        List<FileRecord> ranking = ranking(p);
        for (FileRecord x : ranking) {
            for (FileRecord y : ranking) {
                if (x != y) {
                    Case c = new Case(p, DeleteConflict.KEEP_MODIFIED, x, y);
                    assertBothNodesStoreTheSame(c);
                    FileRecord pairWinner = ranking.indexOf(x) < ranking.indexOf(y) ? x : y;
                    assertEquals(pairWinner.withVersion(x.version().merge(y.version()), pairWinner.modifiedBy()),
                            stored(c.plan(), x), x.modifiedBy() + " vs " + y.modifiedBy());
                }
            }
        }
    }

    /**
     * Three nodes exchange their records pairwise in every possible order of the six directed
     * links, round after round until nothing changes: all orders end with every node holding the
     * winner's content under {a:1,b:1,c:1}.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConflictPolicy.class)
    void threeWritersConvergeInEveryExchangeOrder(ConflictPolicy p) {
        Reconciler reconciler = new Reconciler(p, DeleteConflict.KEEP_MODIFIED);
        FileRecord winner = ranking(p).get(0);
        FileRecord expected = winner.withVersion(vv(A, 1, B, 1, C, 1), winner.modifiedBy());
        int[][] links = {{0, 1}, {1, 0}, {0, 2}, {2, 0}, {1, 2}, {2, 1}};
        for (int[] order : permutations(links.length)) {
            FileRecord[] nodes = {BY_A, BY_B, BY_C};
            boolean changed = true;
            for (int round = 0; changed; round++) {
                assertTrue(round < 10, "no convergence for order " + Arrays.toString(order));
                changed = false;
                for (int i : order) {
                    int from = links[i][0];
                    int to = links[i][1];
                    FileRecord next = stored(reconciler.plan(nodes[to], nodes[from]), nodes[to]);
                    changed |= !next.equals(nodes[to]);
                    nodes[to] = next;
                }
            }
            for (FileRecord n : nodes) {
                assertEquals(expected, n, "order " + Arrays.toString(order));
            }
        }
    }

    static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    static void permute(int[] current, boolean[] used, int depth, List<int[]> out) {
        if (depth == current.length) {
            out.add(current.clone());
            return;
        }
        for (int i = 0; i < current.length; i++) {
            if (!used[i]) {
                used[i] = true;
                current[depth] = i;
                permute(current, used, depth + 1, out);
                used[i] = false;
            }
        }
    }
}
