package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conflict rules of PROTOCOL.md section 6, loser-side resolution: on a conflict the winner's
 * node does nothing ({@link Plan.KeepLocal}); the loser's node takes the winner's entry under the
 * merge of both vectors and announces it; the winner's node then sees that record as a plain newer
 * version (BEFORE) and takes it. Every concurrent case is played out between the two nodes that
 * made the versions: both must end with the same record under the same vector, with no loop.
 */
class ReconcilerTest {
    static final long A = 0x0a0a0a0a0a0a0a0aL;
    static final long B = 0x0b0b0b0b0b0b0b0bL;
    static final long C = 0x0c0c0c0c0c0c0c0cL;
    /** Negative as a signed long: smaller than A in a signed comparison, greater in an unsigned one. */
    static final long NEG = 0xf0f0f0f0f0f0f0f0L;
    static final long T = 1_700_000_000_000_000_000L;
    static final ContentHash H_LOW = ContentHash.ofHex("11".repeat(32));
    static final ContentHash H_MID = ContentHash.ofHex("77".repeat(32));
    static final ContentHash H_HIGH = ContentHash.ofHex("ee".repeat(32));
    static final String PATH = "docs/report.txt";

    /** The local and the remote side of a concurrent pair: {a:2,b:1} vs {a:1,b:2}. */
    static final VersionVector VL = vv(A, 2, B, 1);
    static final VersionVector VR = vv(A, 1, B, 2);

    static final ToIntFunction<Long> UNRANKED = id -> Integer.MAX_VALUE;
    /** A priority list "A, B": C and NEG are unlisted. */
    static final ToIntFunction<Long> A_THEN_B = id -> id == A ? 0 : id == B ? 1 : Integer.MAX_VALUE;

    /** The policies that always settle a conflict by themselves (no operator, no script). */
    static final List<ConflictPolicy> SETTLING = Arrays.stream(ConflictPolicy.values())
            .filter(p -> p != ConflictPolicy.MANUAL && p != ConflictPolicy.SCRIPT).toList();

    enum Winner { LOCAL, REMOTE }

    // ------------------------------------------------------------------ fixtures

    static VersionVector vv(long... pairs) {
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return VersionVector.of(m);
    }

    static Reconciler reconciler(ConflictPolicy p, DeleteConflict d, ToIntFunction<Long> rank, long self) {
        return new Reconciler(p, d, self, rank);
    }

    static R r() {
        return new R();
    }

    /** A record under construction: a regular file by A at mtime T, 10 bytes, hash H_MID, 0644 1000:1000. */
    static final class R {
        long by = A;
        FileType type = FileType.REGULAR;
        int mode = 0644;
        int uid = 1000;
        int gid = 1000;
        long mtime = T;
        long size = 10;
        ContentHash hash = H_MID;
        String target;
        long rdev;

        R by(long v) { by = v; return this; }
        R mode(int v) { mode = v; return this; }
        R uid(int v) { uid = v; return this; }
        R gid(int v) { gid = v; return this; }
        R mtime(long v) { mtime = v; return this; }
        R size(long v) { size = v; return this; }
        R hash(ContentHash v) { hash = v; return this; }
        R target(String v) { target = v; return this; }
        R rdev(long v) { rdev = v; return this; }

        /** Switches to a non-regular type: no hash, no size; symlinks point at "target". */
        R type(FileType t) {
            type = t;
            if (t != FileType.REGULAR) {
                hash = null;
                size = 0;
            }
            if (t == FileType.SYMLINK && target == null) {
                target = "target";
            }
            return this;
        }

        FileRecord at(VersionVector v) {
            return new FileRecord(PATH, type, mode, uid, gid, mtime, size, hash, target, rdev, v, false, by);
        }

        FileRecord local() { return at(VL); }
        FileRecord remote() { return at(VR); }
        FileRecord deletedLocal() { return local().asDeleted(VL, by); }
        FileRecord deletedRemote() { return remote().asDeleted(VR, by); }
    }

    /**
     * Node {@code localNode} holds {@code local} and receives {@code remote}; node {@code remoteNode}
     * holds {@code remote}. By default each version sits on the node that made it.
     */
    record Case(ConflictPolicy policy, DeleteConflict onDelete, ToIntFunction<Long> rank,
                FileRecord local, long localNode, FileRecord remote, long remoteNode) {
        static Case of(ConflictPolicy p, DeleteConflict d, FileRecord local, FileRecord remote) {
            return new Case(p, d, UNRANKED, local, local == null ? C : local.modifiedBy(), remote, remote.modifiedBy());
        }

        Case ranked(ToIntFunction<Long> r) {
            return new Case(policy, onDelete, r, local, localNode, remote, remoteNode);
        }

        Case onNodes(long l, long r) {
            return new Case(policy, onDelete, rank, local, l, remote, r);
        }

        Case mirror() {
            return new Case(policy, onDelete, rank, remote, remoteNode, local, localNode);
        }

        Reconciler on(long node) {
            return reconciler(policy, onDelete, rank, node);
        }

        Plan plan() {
            return on(localNode).plan(local, remote);
        }

        VersionVector merged() {
            return local.version().merge(remote.version());
        }
    }

    static String tag(ConflictPolicy p, DeleteConflict d) {
        return " [" + p.configName() + ", " + d.configName() + "]";
    }

    static Arguments row(String name, Case c, Object... expected) {
        Object[] args = new Object[expected.length + 1];
        args[0] = named(name + tag(c.policy(), c.onDelete()), c);
        System.arraycopy(expected, 0, args, 1, expected.length);
        return Arguments.of(args);
    }

    /** What a node stores after carrying out {@code plan} with {@code local} as its record. */
    static FileRecord stored(Plan plan, FileRecord local) {
        if (plan instanceof Plan.TakeRemote t) {
            return t.target();
        }
        if (plan instanceof Plan.MergeVersions m) {
            return m.merged();
        }
        return local; // Acknowledge, KeepLocal, Conflict, RunScript: nothing changes
    }

    static void assertConcurrent(Case c) {
        assertEquals(VersionVector.Ordering.CONCURRENT, c.local().version().compare(c.remote().version()),
                "fixture must be concurrent");
    }

    /**
     * Plays a settled conflict out between the two nodes: exactly one KeepLocal, one
     * TakeRemote(concurrent) of the winner's entry under the merged vector; the winner's node then
     * sees the loser's announcement as BEFORE and takes it; both end with the same record, the next
     * exchange acknowledges both ways, and a node still holding either old version takes it too.
     */
    static void assertConverges(Case c) {
        Plan onL = c.plan();
        Plan onR = c.mirror().plan();
        boolean localWins = onL instanceof Plan.KeepLocal;
        boolean remoteWins = onR instanceof Plan.KeepLocal;
        assertNotEquals(localWins, remoteWins, "exactly one KeepLocal: " + onL + " / " + onR);
        FileRecord winner = localWins ? c.local() : c.remote();
        long winnerNode = localWins ? c.localNode() : c.remoteNode();
        Plan loserPlan = localWins ? onR : onL;
        long loserNode = localWins ? c.remoteNode() : c.localNode();

        Plan.TakeRemote take = assertInstanceOf(Plan.TakeRemote.class, loserPlan, "the loser takes the winner");
        assertTrue(take.concurrent(), "the loser's take is concurrent (it announces)");
        FileRecord settled = take.target();
        assertEquals(winner.withVersion(c.merged(), winner.modifiedBy()), settled,
                "the winner's entry and author under the merged vector");

        Plan back = c.on(winnerNode).plan(winner, settled);
        assertEquals(new Plan.TakeRemote(settled, false, false), back, "the winner's node sees BEFORE");
        assertTrue(settled.sameEntry(winner), "the winner's node keeps its content");

        FileRecord onWinner = stored(back, winner);
        assertEquals(onWinner.version(), settled.version());
        assertTrue(onWinner.sameEntry(settled));
        assertEquals(onWinner, settled, "both nodes store the same record");

        assertInstanceOf(Plan.Acknowledge.class, c.on(winnerNode).plan(onWinner, settled), "no loop, winner's side");
        assertInstanceOf(Plan.Acknowledge.class, c.on(loserNode).plan(settled, onWinner), "no loop, loser's side");
        for (FileRecord old : List.of(c.local(), c.remote())) {
            assertEquals(new Plan.TakeRemote(settled, false, false), c.on(C).plan(old, settled),
                    "a node still holding an old version takes the settled one as newer");
        }
    }

    // ------------------------------------------------------------------ not concurrent

    static Stream<Arguments> sequential() {
        FileRecord older = r().by(A).mtime(T + 50).size(99).hash(H_HIGH).at(vv(A, 1));
        FileRecord newer = r().by(B).mtime(T).size(1).hash(H_LOW).at(vv(A, 1, B, 1));
        FileRecord tombstone = newer.asDeleted(vv(A, 1, B, 2), B);
        FileRecord sameVectorOtherEntry = r().by(A).mtime(T + 99).size(7).at(newer.version());
        List<Arguments> rows = new ArrayList<>();
        for (ConflictPolicy p : ConflictPolicy.values()) {
            for (DeleteConflict d : DeleteConflict.values()) {
                Case[] none = {Case.of(p, d, null, newer), Case.of(p, d, null, tombstone)};
                rows.add(row("no local record", none[0], new Plan.TakeRemote(newer, false, false)));
                rows.add(row("no local record, remote tombstone is stored", none[1],
                        new Plan.TakeRemote(tombstone, false, false)));
                rows.add(row("EQUAL", Case.of(p, d, newer, newer), new Plan.Acknowledge()));
                rows.add(row("EQUAL vectors, entries differ: still acknowledged",
                        Case.of(p, d, newer, sameVectorOtherEntry), new Plan.Acknowledge()));
                rows.add(row("AFTER, although the remote one is newer and bigger", Case.of(p, d, newer, older),
                        new Plan.Acknowledge()));
                rows.add(row("AFTER, local tombstone", Case.of(p, d, tombstone, newer), new Plan.Acknowledge()));
                rows.add(row("BEFORE, although the local one is newer and bigger", Case.of(p, d, older, newer),
                        new Plan.TakeRemote(newer, false, false)));
                rows.add(row("BEFORE, remote tombstone", Case.of(p, d, newer, tombstone),
                        new Plan.TakeRemote(tombstone, false, false)));
                rows.add(row("BEFORE, the local version made here, keep-both makes no copy",
                        Case.of(p, d, older, newer).onNodes(A, B), new Plan.TakeRemote(newer, false, false)));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequential")
    void notConcurrentIsTheSameUnderEveryPolicyOnEveryNode(Case c, Plan expected) {
        for (long self : new long[] {A, B, C, NEG}) {
            assertEquals(expected, c.on(self).plan(c.local(), c.remote()), "on node " + Long.toHexString(self));
            assertEquals(expected, c.ranked(A_THEN_B).on(self).plan(c.local(), c.remote()), "ranked");
        }
    }

    // ------------------------------------------------------------------ concurrent, same entry

    static Stream<Arguments> sameEntries() {
        List<Arguments> rows = new ArrayList<>();
        for (ConflictPolicy p : ConflictPolicy.values()) {
            for (DeleteConflict d : DeleteConflict.values()) {
                FileRecord byA = r().by(A).local();
                FileRecord byB = r().by(B).remote();
                rows.add(row("same file written on both nodes", Case.of(p, d, byA, byB), byB, B));
                rows.add(row("same file, mirrored", Case.of(p, d, r().by(B).local(), r().by(A).remote()),
                        r().by(B).local(), B));
                rows.add(row("same directory made on both nodes",
                        Case.of(p, d, r().type(FileType.DIRECTORY).by(B).mtime(T + 123).local(),
                                r().type(FileType.DIRECTORY).by(A).mtime(T + 123).remote()),
                        r().type(FileType.DIRECTORY).by(B).mtime(T + 123).local(), B));
                rows.add(row("both deleted, tombstones' metadata differ",
                        Case.of(p, d, r().by(A).deletedLocal(), r().type(FileType.DIRECTORY).by(B).deletedRemote()),
                        r().type(FileType.DIRECTORY).by(B).deletedRemote(), B));
                rows.add(row("author compared signed: the negative id is the smaller",
                        Case.of(p, d, r().by(NEG).local(), r().by(B).remote()), r().by(B).remote(), B));
                rows.add(row("same symlink on both nodes",
                        Case.of(p, d, r().type(FileType.SYMLINK).by(C).local(), r().type(FileType.SYMLINK).by(A).remote()),
                        r().type(FileType.SYMLINK).by(C).local(), C));
            }
        }
        return rows.stream();
    }

    /**
     * Concurrent writes of children give a directory concurrent versions that differ in mtime:
     * under every policy both nodes agree on one winner without a person or a script, and the
     * loser takes it without a conflict copy.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(ConflictPolicy.class)
    void directoriesDifferingInMtimeAlwaysHaveAWinner(ConflictPolicy p) {
        FileRecord onA = r().type(FileType.DIRECTORY).by(A).mtime(T + 5).at(vv(A, 1));
        FileRecord onB = r().type(FileType.DIRECTORY).by(B).mtime(T).at(vv(B, 1));
        Plan atA = reconciler(p, DeleteConflict.KEEP_MODIFIED, UNRANKED, A).plan(onA, onB);
        Plan atB = reconciler(p, DeleteConflict.KEEP_MODIFIED, UNRANKED, B).plan(onB, onA);
        boolean aWins = atA instanceof Plan.KeepLocal;
        Plan loser = aWins ? atB : atA;
        assertTrue(loser instanceof Plan.TakeRemote, p + ": the other side takes the winner, got " + loser);
        Plan.TakeRemote take = (Plan.TakeRemote) loser;
        assertTrue(take.concurrent() && !take.keepLocalCopy(), p + ": no conflict copy of a directory");
        assertEquals(vv(A, 1, B, 1), take.target().version());
        assertEquals(aWins ? T + 5 : T, take.target().mtimeNs());
        if (p == ConflictPolicy.MANUAL || p == ConflictPolicy.SCRIPT || p == ConflictPolicy.NEWEST
                || p == ConflictPolicy.KEEP_BOTH) {
            assertTrue(aWins, p + ": the newer mtime wins");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sameEntries")
    void concurrentSameEntryMergesVersionsOnBothNodes(Case c, FileRecord base, long author) {
        assertConcurrent(c);
        Plan.MergeVersions first = (Plan.MergeVersions) c.on(c.localNode()).plan(c.local(), c.remote());
        FileRecord expected = first.merged();
        assertEquals(c.merged(), expected.version(), "the merged vector");
        assertTrue(expected.equals(c.local().withVersion(c.merged(), c.local().modifiedBy()))
                || expected.equals(c.remote().withVersion(c.merged(), c.remote().modifiedBy())),
                "one side's entry, under its own author");
        for (long self : new long[] {c.localNode(), c.remoteNode(), C}) {
            assertEquals(new Plan.MergeVersions(expected), c.on(self).plan(c.local(), c.remote()));
            assertEquals(new Plan.MergeVersions(expected), c.on(self).plan(c.remote(), c.local()), "mirrored");
        }
        Reconciler any = c.on(A);
        assertInstanceOf(Plan.Acknowledge.class, any.plan(expected, expected), "no loop");
        assertEquals(new Plan.TakeRemote(expected, false, false), any.plan(c.local(), expected));
        assertEquals(new Plan.TakeRemote(expected, false, false), any.plan(c.remote(), expected));
    }

    // ------------------------------------------------------------------ content conflicts

    /** Regular files differing in content; every content policy, each node holding its own version. */
    static List<ConflictPolicy> contentPolicies() {
        return SETTLING;
    }

    /** Rows where the policy's own key decides, against every later tie step. */
    static void primaryKeyRows(List<Arguments> rows) {
        DeleteConflict d = DeleteConflict.KEEP_MODIFIED;
        for (ConflictPolicy p : List.of(ConflictPolicy.NEWEST, ConflictPolicy.KEEP_BOTH, ConflictPolicy.PRIORITY)) {
            rows.add(row("newest: local newer (smaller id, hash, size)", Case.of(p, d,
                    r().by(A).mtime(T + 1).size(1).hash(H_LOW).local(), r().by(B).size(99).hash(H_HIGH).remote()),
                    Winner.LOCAL));
            rows.add(row("newest: remote newer by 1 ns (local bigger, greater id and hash)", Case.of(p, d,
                    r().by(B).size(99).hash(H_HIGH).local(), r().by(A).mtime(T + 1).size(1).hash(H_LOW).remote()),
                    Winner.REMOTE));
            rows.add(row("newest: directory vs regular file, the file is newer", Case.of(p, d,
                    r().type(FileType.DIRECTORY).by(B).mtime(0).local(), r().by(A).remote()), Winner.REMOTE));
        }
        ConflictPolicy p = ConflictPolicy.OLDEST;
        rows.add(row("oldest: local older (smaller id, hash, size)", Case.of(p, d,
                r().by(A).size(1).hash(H_LOW).local(), r().by(B).mtime(T + 1).size(99).hash(H_HIGH).remote()),
                Winner.LOCAL));
        rows.add(row("oldest: remote older by 1 ns (local greater id and hash)", Case.of(p, d,
                r().by(B).mtime(T + 1).size(99).hash(H_HIGH).local(), r().by(A).size(1).hash(H_LOW).remote()),
                Winner.REMOTE));
        p = ConflictPolicy.BIGGER;
        rows.add(row("bigger: local bigger by 1 byte (older, smaller id and hash)", Case.of(p, d,
                r().by(A).size(11).hash(H_LOW).local(), r().by(B).mtime(T + 1).hash(H_HIGH).remote()),
                Winner.LOCAL));
        rows.add(row("bigger: remote bigger by 1 byte", Case.of(p, d,
                r().by(B).mtime(T + 1).hash(H_HIGH).local(), r().by(A).size(11).hash(H_LOW).remote()),
                Winner.REMOTE));
        p = ConflictPolicy.SMALLER;
        rows.add(row("smaller: local smaller by 1 byte (older, smaller id and hash)", Case.of(p, d,
                r().by(A).hash(H_LOW).local(), r().by(B).mtime(T + 1).size(11).hash(H_HIGH).remote()),
                Winner.LOCAL));
        rows.add(row("smaller: remote smaller by 1 byte", Case.of(p, d,
                r().by(B).mtime(T + 1).size(11).hash(H_HIGH).local(), r().by(A).hash(H_LOW).remote()),
                Winner.REMOTE));
    }

    /** Rows where the policy's key ties, so mtime is the first tie step (bigger, smaller). */
    static void mtimeTieStepRows(List<Arguments> rows) {
        DeleteConflict d = DeleteConflict.KEEP_MODIFIED;
        for (ConflictPolicy p : List.of(ConflictPolicy.BIGGER, ConflictPolicy.SMALLER)) {
            String k = p.configName() + ": equal size, ";
            rows.add(row(k + "newer mtime wins (local, smaller id and hash)", Case.of(p, d,
                    r().by(A).mtime(T + 1).hash(H_LOW).local(), r().by(B).hash(H_HIGH).remote()), Winner.LOCAL));
            rows.add(row(k + "newer mtime wins (remote, smaller id and hash)", Case.of(p, d,
                    r().by(B).hash(H_HIGH).local(), r().by(A).mtime(T + 1).hash(H_LOW).remote()), Winner.REMOTE));
        }
        // oldest: reversed mtime first, then mtime again: never reached with differing mtimes
    }

    /** Rows with equal mtime and size, so every policy goes through the later tie steps. */
    static void laterTieStepRows(List<Arguments> rows) {
        DeleteConflict d = DeleteConflict.KEEP_MODIFIED;
        for (ConflictPolicy p : contentPolicies()) {
            rows.add(row("tie: greater modifiedBy wins (local, smaller hash)", Case.of(p, d,
                    r().by(B).hash(H_LOW).local(), r().by(A).hash(H_HIGH).remote()), Winner.LOCAL));
            rows.add(row("tie: greater modifiedBy wins (remote, smaller hash)", Case.of(p, d,
                    r().by(A).hash(H_HIGH).local(), r().by(B).hash(H_LOW).remote()), Winner.REMOTE));
            rows.add(row("tie: modifiedBy compared signed, negative id loses", Case.of(p, d,
                    r().by(NEG).hash(H_HIGH).local(), r().by(A).hash(H_LOW).remote()), Winner.REMOTE));
            rows.add(row("tie: modifiedBy compared signed, mirrored", Case.of(p, d,
                    r().by(A).hash(H_LOW).local(), r().by(NEG).hash(H_HIGH).remote()), Winner.LOCAL));
            // same author from here on: the pair is on nodes A (local) and B (remote), see caseOnTwoNodes
            rows.add(row("tie: greater hash wins (local)", sameAuthor(p, d,
                    r().hash(H_HIGH), r().hash(H_LOW)), Winner.LOCAL));
            rows.add(row("tie: greater hash wins (remote)", sameAuthor(p, d,
                    r().hash(H_LOW), r().hash(H_HIGH)), Winner.REMOTE));
            rows.add(row("tie: type ordinal, symlink beats directory", sameAuthor(p, d,
                    r().type(FileType.DIRECTORY), r().type(FileType.SYMLINK)), Winner.REMOTE));
            rows.add(row("tie: type ordinal, fifo beats char device", sameAuthor(p, d,
                    r().type(FileType.FIFO), r().type(FileType.CHAR_DEVICE)), Winner.LOCAL));
            rows.add(row("tie: mode (chmod on both), greater mode wins", sameAuthor(p, d,
                    r().mode(0600), r().mode(0644)), Winner.REMOTE));
            rows.add(row("tie: uid (chown on both), greater uid wins", sameAuthor(p, d,
                    r().uid(1001), r().uid(1000)), Winner.LOCAL));
            rows.add(row("tie: gid, greater gid wins", sameAuthor(p, d,
                    r().gid(1000), r().gid(1001)), Winner.REMOTE));
            rows.add(row("tie: symlink target, greater target wins", sameAuthor(p, d,
                    r().type(FileType.SYMLINK).target("b"), r().type(FileType.SYMLINK).target("a")), Winner.LOCAL));
            rows.add(row("tie: rdev, greater device number wins", sameAuthor(p, d,
                    r().type(FileType.CHAR_DEVICE).rdev(0x0501), r().type(FileType.CHAR_DEVICE).rdev(0x0502)),
                    Winner.REMOTE));
        }
        // the last step: only size differs (bigger and smaller already decided on it first)
        for (ConflictPolicy p : contentPolicies()) {
            Winner w = p == ConflictPolicy.SMALLER ? Winner.REMOTE : Winner.LOCAL;
            rows.add(row("tie: only size differs, last step", sameAuthor(p, d,
                    r().type(FileType.FIFO).size(1), r().type(FileType.FIFO).size(0)), w));
        }
    }

    /** Both versions by A, held by nodes A (local) and B (remote). */
    static Case sameAuthor(ConflictPolicy p, DeleteConflict d, R local, R remote) {
        return Case.of(p, d, local.by(A).local(), remote.by(A).remote()).onNodes(A, B);
    }

    /** priority: the node ranked first wins whatever the mtimes; unranked and ties fall back to newest. */
    static void priorityRows(List<Arguments> rows) {
        ConflictPolicy p = ConflictPolicy.PRIORITY;
        DeleteConflict d = DeleteConflict.KEEP_MODIFIED;
        rows.add(row("priority A,B: A's older, smaller version beats B's (local)", Case.of(p, d,
                r().by(A).size(1).hash(H_LOW).local(), r().by(B).mtime(T + 100).size(99).hash(H_HIGH).remote())
                .ranked(A_THEN_B), Winner.LOCAL));
        rows.add(row("priority A,B: A's older, smaller version beats B's (remote)", Case.of(p, d,
                r().by(B).mtime(T + 100).size(99).hash(H_HIGH).local(), r().by(A).size(1).hash(H_LOW).remote())
                .ranked(A_THEN_B), Winner.REMOTE));
        rows.add(row("priority A,B: listed B beats unlisted, newer C", Case.of(p, d,
                r().by(C).mtime(T + 100).hash(H_HIGH).local(), r().by(B).hash(H_LOW).remote())
                .ranked(A_THEN_B), Winner.REMOTE));
        rows.add(row("priority A,B: listed A beats unlisted NEG (newer)", Case.of(p, d,
                r().by(A).local(), r().by(NEG).mtime(T + 1).remote()).ranked(A_THEN_B), Winner.LOCAL));
        rows.add(row("priority A,B: both unlisted, newest wins", Case.of(p, d,
                r().by(C).local(), r().by(NEG).mtime(T + 1).remote()).ranked(A_THEN_B), Winner.REMOTE));
        rows.add(row("priority A,B: both unlisted, equal mtime, signed author (C over NEG)", Case.of(p, d,
                r().by(C).hash(H_LOW).local(), r().by(NEG).hash(H_HIGH).remote()).ranked(A_THEN_B), Winner.LOCAL));
        rows.add(row("priority A,B: same author A, tie steps decide (hash)", Case.of(p, d,
                r().by(A).hash(H_HIGH).local(), r().by(A).hash(H_LOW).remote()).onNodes(A, B).ranked(A_THEN_B),
                Winner.LOCAL));
        ToIntFunction<Long> bOnly = id -> id == B ? 0 : Integer.MAX_VALUE;
        rows.add(row("priority B: B's oldest version beats A's", Case.of(p, d,
                r().by(A).mtime(T + 100).local(), r().by(B).hash(H_LOW).remote()).ranked(bOnly), Winner.REMOTE));
        ToIntFunction<Long> tied = id -> 3;
        rows.add(row("priority with equal ranks: newest wins", Case.of(p, d,
                r().by(B).local(), r().by(A).mtime(T + 1).remote()).ranked(tied), Winner.REMOTE));
    }

    static Stream<Arguments> contentConflicts() {
        List<Arguments> rows = new ArrayList<>();
        primaryKeyRows(rows);
        mtimeTieStepRows(rows);
        laterTieStepRows(rows);
        priorityRows(rows);
        return rows.stream();
    }

    /**
     * The copy flag of keep-both: the losing local version is copied when it is a live regular file
     * or symlink whose content differs from the winner's (the dedicated table below pins the literal
     * values; the same content with other metadata is no conflict).
     */
    static boolean copyExpected(Case c) {
        FileRecord l = c.local();
        return c.policy() == ConflictPolicy.KEEP_BOTH && !l.deleted() && !c.remote().deleted()
                && !l.sameContent(c.remote()) && (l.type() == FileType.REGULAR || l.type() == FileType.SYMLINK);
    }

    static Plan expectedPlan(Case c, Winner w) {
        if (w == Winner.LOCAL) {
            return new Plan.KeepLocal();
        }
        return new Plan.TakeRemote(c.remote().withVersion(c.merged(), c.remote().modifiedBy()), true, copyExpected(c));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("contentConflicts")
    void contentConflictHasOneWinnerAndBothNodesConverge(Case c, Winner winner) {
        assertConcurrent(c);
        assertFalse(c.local().sameEntry(c.remote()));
        assertEquals(expectedPlan(c, winner), c.plan());
        Winner other = winner == Winner.LOCAL ? Winner.REMOTE : Winner.LOCAL;
        assertEquals(expectedPlan(c.mirror(), other), c.mirror().plan(), "the other node's side");
        assertEquals(winner == Winner.LOCAL, c.on(A).localWins(c.local(), c.remote()));
        assertConverges(c);
    }

    // ------------------------------------------------------------------ keep-both copies

    static Stream<Arguments> keepBoth() {
        ConflictPolicy kb = ConflictPolicy.KEEP_BOTH;
        DeleteConflict keep = DeleteConflict.KEEP_MODIFIED;
        DeleteConflict del = DeleteConflict.DELETE;
        FileRecord winsR = r().by(B).mtime(T + 1).hash(H_HIGH).remote();
        List<Arguments> rows = new ArrayList<>();
        rows.add(row("local file made here loses: copy", Case.of(kb, keep, r().by(A).local(), winsR), true));
        rows.add(row("local file made here loses to the same content with a newer mtime: no copy",
                Case.of(kb, keep, r().by(A).local(), r().by(B).mtime(T + 1).remote()), false));
        rows.add(row("local file made here loses to a directory: copy", Case.of(kb, keep, r().by(A).local(),
                r().type(FileType.DIRECTORY).by(B).mtime(T + 1).remote()), true));
        rows.add(row("local symlink made here loses: copy", Case.of(kb, keep,
                r().type(FileType.SYMLINK).by(A).local(), winsR), true));
        rows.add(row("local file made by a third node loses: every holder keeps a copy", Case.of(kb, keep,
                r().by(C).local(), winsR).onNodes(A, B), true));
        rows.add(row("local file made by the remote's author loses: the holder keeps a copy", Case.of(kb, keep,
                r().by(B).hash(H_LOW).local(), r().by(B).hash(H_HIGH).remote()).onNodes(A, C), true));
        rows.add(row("local directory made here loses: no copy", Case.of(kb, keep,
                r().type(FileType.DIRECTORY).by(A).mtime(0).local(), winsR), false));
        rows.add(row("directories differing in mode: no copy", Case.of(kb, keep,
                r().type(FileType.DIRECTORY).by(A).mode(0700).local(),
                r().type(FileType.DIRECTORY).by(B).mode(0755).remote()), false));
        rows.add(row("local fifo made here loses: no copy", Case.of(kb, keep,
                r().type(FileType.FIFO).by(A).local(), winsR), false));
        rows.add(row("local char device made here loses: no copy", Case.of(kb, keep,
                r().type(FileType.CHAR_DEVICE).by(A).local(), winsR), false));
        rows.add(row("local file made here, remote tombstone wins: no copy", Case.of(kb, del,
                r().by(A).mtime(T + 9).local(), r().by(B).deletedRemote()), false));
        rows.add(row("local tombstone made here, remote modification wins: no copy", Case.of(kb, keep,
                r().by(A).deletedLocal(), winsR), false));
        for (ConflictPolicy p : SETTLING) {
            if (p != kb) {
                FileRecord wins = r().by(B).mtime(p == ConflictPolicy.OLDEST ? T - 1 : T + 1)
                        .size(p == ConflictPolicy.SMALLER ? 9 : 11).remote();
                rows.add(row("other policy, local file made here loses: no copy",
                        Case.of(p, keep, r().by(A).local(), wins).ranked(id -> id == B ? 0 : 1), false));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} -> copy {1}")
    @MethodSource("keepBoth")
    void keepBothCopiesOnlyTheLosingVersionItsOwnNodeMade(Case c, boolean copy) {
        assertConcurrent(c);
        assertEquals(new Plan.TakeRemote(c.remote().withVersion(c.merged(), c.remote().modifiedBy()), true, copy),
                c.plan());
        assertConverges(c);
    }

    @Test
    void keepBothWinnerKeepsItsVersionWithoutAnyRecord() {
        Case c = Case.of(ConflictPolicy.KEEP_BOTH, DeleteConflict.KEEP_MODIFIED,
                r().by(A).mtime(T + 1).local(), r().by(B).hash(H_LOW).remote());
        assertEquals(new Plan.KeepLocal(), c.plan());
        assertEquals(new Plan.TakeRemote(c.local().withVersion(c.merged(), A), true, true), c.mirror().plan());
        assertConverges(c);
    }

    // ------------------------------------------------------------------ manual and script

    static Stream<Arguments> operatorConflicts() {
        List<Arguments> rows = new ArrayList<>();
        for (ConflictPolicy p : List.of(ConflictPolicy.MANUAL, ConflictPolicy.SCRIPT)) {
            for (DeleteConflict d : DeleteConflict.values()) {
                rows.add(row("content differs, A newer", Case.of(p, d,
                        r().by(A).mtime(T + 1).hash(H_LOW).local(), r().by(B).hash(H_HIGH).remote())));
                rows.add(row("content differs, B newer", Case.of(p, d,
                        r().by(A).hash(H_LOW).local(), r().by(B).mtime(T + 1).hash(H_HIGH).remote())));
                rows.add(row("directory vs file", Case.of(p, d,
                        r().type(FileType.DIRECTORY).by(A).local(), r().by(B).remote())));
                rows.add(row("authors NEG and B (NEG is the smaller, signed)", Case.of(p, d,
                        r().by(B).local(), r().by(NEG).size(3).remote())));
                rows.add(row("same author A on both (held by A and B)", Case.of(p, d,
                        r().by(A).hash(H_LOW).local(), r().by(A).hash(H_HIGH).remote()).onNodes(A, B)));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operatorConflicts")
    void manualAndScriptNeverOverwriteAndExactlyOneNodeRunsTheScript(Case c) {
        assertConcurrent(c);
        long runner = Math.min(c.local().modifiedBy(), c.remote().modifiedBy());
        Set<Long> nodes = new HashSet<>(List.of(c.localNode(), c.remoteNode(), A, B, C, NEG));
        Set<Long> runners = new HashSet<>();
        for (long self : nodes) {
            for (boolean mirrored : new boolean[] {false, true}) {
                FileRecord l = mirrored ? c.remote() : c.local();
                FileRecord rem = mirrored ? c.local() : c.remote();
                Plan plan = c.on(self).plan(l, rem);
                boolean runs = c.policy() == ConflictPolicy.SCRIPT && self == runner;
                assertEquals(runs ? new Plan.RunScript(l, rem) : new Plan.Conflict(l, rem), plan,
                        "on node " + Long.toHexString(self));
                if (plan instanceof Plan.RunScript) {
                    runners.add(self);
                }
            }
        }
        if (c.policy() == ConflictPolicy.SCRIPT) {
            assertEquals(Set.of(runner), runners, "exactly one node runs the script");
            assertTrue(runner == c.local().modifiedBy() || runner == c.remote().modifiedBy(), "an author's node");
        }
    }

    @Test
    void scriptRunsOnTheSmallerAuthorsNodeOnly() {
        FileRecord a = r().by(A).mtime(T + 1).local();
        FileRecord b = r().by(B).hash(H_LOW).remote();
        DeleteConflict d = DeleteConflict.KEEP_MODIFIED;
        Reconciler onA = reconciler(ConflictPolicy.SCRIPT, d, UNRANKED, A);
        Reconciler onB = reconciler(ConflictPolicy.SCRIPT, d, UNRANKED, B);
        Reconciler onC = reconciler(ConflictPolicy.SCRIPT, d, UNRANKED, C);
        assertEquals(new Plan.RunScript(a, b), onA.plan(a, b));
        assertEquals(new Plan.Conflict(b, a), onB.plan(b, a));
        assertEquals(new Plan.Conflict(a, b), onC.plan(a, b), "a third node holding A's version waits");
        assertEquals(new Plan.Conflict(b, a), onC.plan(b, a), "a third node holding B's version waits");
        FileRecord neg = r().by(NEG).size(3).remote();
        assertEquals(new Plan.RunScript(neg, a), reconciler(ConflictPolicy.SCRIPT, d, UNRANKED, NEG).plan(neg, a),
                "signed: NEG is the smaller id");
        assertEquals(new Plan.Conflict(a, neg), onA.plan(a, neg));
    }

    // ------------------------------------------------------------------ delete vs modify

    static Stream<Arguments> deleteVsModify() {
        List<Arguments> rows = new ArrayList<>();
        for (ConflictPolicy p : ConflictPolicy.values()) {
            // the tombstone is the newer, bigger, greater-author side: none of it matters
            FileRecord deletedHere = r().by(B).mtime(T + 5).size(99).hash(H_HIGH).deletedLocal();
            FileRecord modifiedThere = r().by(A).remote();
            FileRecord modifiedHere = r().by(A).local();
            FileRecord deletedThere = r().by(B).mtime(T + 5).size(99).hash(H_HIGH).deletedRemote();
            DeleteConflict keep = DeleteConflict.KEEP_MODIFIED;
            DeleteConflict del = DeleteConflict.DELETE;
            rows.add(row("local deleted, remote modified", Case.of(p, keep, deletedHere, modifiedThere)
                    .ranked(id -> id == B ? 0 : 1), Winner.REMOTE));
            rows.add(row("local deleted, remote modified", Case.of(p, del, deletedHere, modifiedThere)
                    .ranked(id -> id == A ? 0 : 1), Winner.LOCAL));
            rows.add(row("local modified, remote deleted", Case.of(p, keep, modifiedHere, deletedThere)
                    .ranked(id -> id == B ? 0 : 1), Winner.LOCAL));
            rows.add(row("local modified, remote deleted", Case.of(p, del, modifiedHere, deletedThere)
                    .ranked(id -> id == A ? 0 : 1), Winner.REMOTE));
            rows.add(row("local directory deleted, remote directory chmod", Case.of(p, keep,
                    r().type(FileType.DIRECTORY).by(A).deletedLocal(),
                    r().type(FileType.DIRECTORY).by(B).mode(0700).remote()), Winner.REMOTE));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("deleteVsModify")
    void deleteAgainstModifyIsSettledByTheDeleteSettingUnderEveryPolicy(Case c, Winner winner) {
        assertConcurrent(c);
        assertEquals(expectedPlan(c, winner), c.plan());
        assertConverges(c);
        for (long self : new long[] {A, B, C}) {
            Plan onOther = c.on(self).plan(c.local(), c.remote());
            assertEquals(winner == Winner.LOCAL, onOther instanceof Plan.KeepLocal, "the same on every node");
        }
    }

    // ------------------------------------------------------------------ winner order

    /**
     * Node A made {a:2} (a chmod: mtime and content unchanged); node B holds {a:1,b:1} made by A too
     * (B merged A's identical write). They differ in mode only, with equal mtime, author and hash: the
     * winner order must still pick exactly one, or both nodes would take the other's record and end
     * at EQUAL vectors with different modes, which the digest never notices.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConflictPolicy.class)
    void concurrentChmodWithSameAuthorAndMtimePicksOneWinner(ConflictPolicy p) {
        FileRecord chmodOnA = r().by(A).mode(0600).at(vv(A, 2));
        FileRecord mergedOnB = r().by(A).at(vv(A, 1, B, 1));
        Case c = Case.of(p, DeleteConflict.KEEP_MODIFIED, chmodOnA, mergedOnB).onNodes(A, B).ranked(A_THEN_B);
        assertConcurrent(c);
        assertNotEquals(c.on(A).localWins(chmodOnA, mergedOnB), c.on(B).localWins(mergedOnB, chmodOnA));
        // the same content: no conflict even under manual and script; the order settles the mode
        assertConverges(c);
        assertEquals(new Plan.KeepLocal(), c.mirror().plan(), "B's record wins: the greater mode");
    }

    static Stream<Arguments> sameContentOtherMetadata() {
        List<Arguments> rows = new ArrayList<>();
        for (ConflictPolicy p : ConflictPolicy.values()) {
            Winner newer = p == ConflictPolicy.OLDEST ? Winner.REMOTE : Winner.LOCAL;
            rows.add(row("mtime differs", Case.of(p, DeleteConflict.KEEP_MODIFIED,
                    r().by(A).mtime(T + 9).local(), r().by(B).remote()), newer));
            rows.add(row("mtime and mode differ", Case.of(p, DeleteConflict.KEEP_MODIFIED,
                    r().by(A).mtime(T + 9).mode(0600).local(), r().by(B).remote()), newer));
            rows.add(row("owner differs, remote newer", Case.of(p, DeleteConflict.KEEP_MODIFIED,
                    r().by(A).uid(0).local(), r().by(B).mtime(T + 9).remote()),
                    newer == Winner.LOCAL ? Winner.REMOTE : Winner.LOCAL));
            rows.add(row("symlink to the same target, mtime differs", Case.of(p, DeleteConflict.KEEP_MODIFIED,
                    r().type(FileType.SYMLINK).by(A).mtime(T + 9).local(), r().type(FileType.SYMLINK).by(B).remote()),
                    newer));
            rows.add(row("a lost index meets its own file again: same content, new vector, other mtime",
                    Case.of(p, DeleteConflict.KEEP_MODIFIED, r().by(C).mtime(T + 9).at(vv(C, 5)),
                            r().by(A).at(vv(A, 3, B, 2))), newer));
        }
        return rows.stream();
    }

    /**
     * Issue 10: equal content is not a conflict. Concurrent versions with the same content hash and
     * type settle without a copy, a manual entry or a script run, under every policy; whose metadata
     * stays follows the policy's order, the same on every node.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("sameContentOtherMetadata")
    void sameContentWithOtherMetadataIsNoConflictUnderEveryPolicy(Case c, Winner winner) {
        assertConcurrent(c);
        Case ranked = c.policy() == ConflictPolicy.PRIORITY ? c.ranked(id -> id == c.local().modifiedBy()
                == (winner == Winner.LOCAL) ? 0 : 1) : c;
        for (Case k : List.of(c, ranked)) {
            Plan onL = k.plan();
            Plan onR = k.mirror().plan();
            for (Plan plan : List.of(onL, onR)) {
                assertFalse(plan instanceof Plan.Conflict || plan instanceof Plan.RunScript, "no operator, no script: " + plan);
                if (plan instanceof Plan.TakeRemote t) {
                    assertFalse(t.keepLocalCopy(), "no conflict copy of the same content");
                }
            }
            assertFalse(Reconciler.contested(k.local(), k.remote()));
            assertConverges(k);
        }
        if (c.policy() != ConflictPolicy.PRIORITY) {
            assertEquals(winner == Winner.LOCAL, c.plan() instanceof Plan.KeepLocal, "the policy's order picks " + winner);
        }
    }

    /** Every pair of distinct test records has exactly one winner under every policy, both ways round. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConflictPolicy.class)
    void winnerOrderIsAntisymmetricOnDistinctEntries(ConflictPolicy p) {
        List<FileRecord> all = List.of(
                r().by(A).local(), r().by(B).local(), r().by(NEG).local(), r().by(A).hash(H_LOW).local(),
                r().by(A).mtime(T + 1).local(), r().by(A).size(11).local(), r().by(A).mode(0600).local(),
                r().by(A).uid(0).local(), r().by(A).gid(0).local(), r().type(FileType.SYMLINK).by(A).local(),
                r().type(FileType.SYMLINK).target("x").by(A).local(), r().type(FileType.DIRECTORY).by(A).local(),
                r().type(FileType.CHAR_DEVICE).rdev(1).by(A).local(), r().type(FileType.CHAR_DEVICE).by(A).local(),
                r().type(FileType.FIFO).by(A).local(), r().type(FileType.FIFO).size(1).by(A).local());
        for (DeleteConflict d : DeleteConflict.values()) {
            Reconciler rec = reconciler(p, d, A_THEN_B, A);
            for (FileRecord x : all) {
                for (FileRecord y : all) {
                    if (x != y) {
                        assertNotEquals(rec.localWins(x, y), rec.localWins(y, x), x + " / " + y);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ three nodes

    /** A wrote the newest and middle-sized, B the oldest and biggest, C the smallest. */
    static final FileRecord BY_A = r().by(A).mtime(T + 2).size(20).hash(H_LOW).at(vv(A, 1));
    static final FileRecord BY_B = r().by(B).mtime(T).size(30).hash(H_MID).at(vv(B, 1));
    static final FileRecord BY_C = r().by(C).mtime(T + 1).size(10).hash(H_HIGH).at(vv(C, 1));
    static final FileRecord GONE_C = BY_C.asDeleted(vv(C, 1), C);
    static final VersionVector ALL = vv(A, 1, B, 1, C, 1);
    static final long[] NODES = {A, B, C};
    static final int[][] LINKS = {{0, 1}, {1, 0}, {0, 2}, {2, 0}, {1, 2}, {2, 1}};

    static Stream<Arguments> threeWriters() {
        ToIntFunction<Long> bFirst = id -> id == B ? 0 : Integer.MAX_VALUE;
        ToIntFunction<Long> cThenB = id -> id == C ? 0 : id == B ? 1 : Integer.MAX_VALUE;
        DeleteConflict keep = DeleteConflict.KEEP_MODIFIED;
        DeleteConflict del = DeleteConflict.DELETE;
        List<Arguments> rows = new ArrayList<>();
        for (DeleteConflict d : DeleteConflict.values()) {
            rows.add(three("newest", ConflictPolicy.NEWEST, d, UNRANKED, BY_C, BY_A));
            rows.add(three("keep-both picks like newest", ConflictPolicy.KEEP_BOTH, d, UNRANKED, BY_C, BY_A));
            rows.add(three("oldest", ConflictPolicy.OLDEST, d, UNRANKED, BY_C, BY_B));
            rows.add(three("bigger", ConflictPolicy.BIGGER, d, UNRANKED, BY_C, BY_B));
            rows.add(three("smaller", ConflictPolicy.SMALLER, d, UNRANKED, BY_C, BY_C));
            rows.add(three("priority unranked: newest", ConflictPolicy.PRIORITY, d, UNRANKED, BY_C, BY_A));
            rows.add(three("priority B first: the oldest wins", ConflictPolicy.PRIORITY, d, bFirst, BY_C, BY_B));
            rows.add(three("priority C, B: the middle one wins", ConflictPolicy.PRIORITY, d, cThenB, BY_C, BY_C));
        }
        // C deleted while A and B wrote
        rows.add(three("newest, C deleted", ConflictPolicy.NEWEST, keep, UNRANKED, GONE_C, BY_A));
        rows.add(three("oldest, C deleted", ConflictPolicy.OLDEST, keep, UNRANKED, GONE_C, BY_B));
        rows.add(three("smaller, C deleted", ConflictPolicy.SMALLER, keep, UNRANKED, GONE_C, BY_A));
        rows.add(three("priority C, B, C deleted", ConflictPolicy.PRIORITY, keep, cThenB, GONE_C, BY_B));
        rows.add(three("keep-both, C deleted", ConflictPolicy.KEEP_BOTH, keep, UNRANKED, GONE_C, BY_A));
        for (ConflictPolicy p : SETTLING) {
            rows.add(three("C deleted, delete wins", p, del, cThenB, GONE_C, GONE_C));
        }
        return rows.stream();
    }

    static Arguments three(String name, ConflictPolicy p, DeleteConflict d, ToIntFunction<Long> rank,
                           FileRecord third, FileRecord winner) {
        return Arguments.of(named(name + tag(p, d), p), d, rank, third, winner);
    }

    /** The result of one simulated run. */
    record Run(FileRecord[] nodes, List<String> copies) {
    }

    /**
     * Three nodes exchange their records pairwise along the six directed links in {@code order},
     * round after round until nothing changes. A link (from, to) means: {@code to} plans against
     * {@code from}'s current record and carries the plan out.
     */
    static Run simulate(ConflictPolicy p, DeleteConflict d, ToIntFunction<Long> rank, FileRecord[] start,
                        int[] order) {
        Reconciler[] on = new Reconciler[NODES.length];
        for (int i = 0; i < NODES.length; i++) {
            on[i] = reconciler(p, d, rank, NODES[i]);
        }
        FileRecord[] nodes = start.clone();
        List<String> copies = new ArrayList<>();
        boolean changed = true;
        for (int round = 0; changed; round++) {
            assertTrue(round < 10, "no convergence for order " + Arrays.toString(order));
            changed = false;
            for (int i : order) {
                int from = LINKS[i][0];
                int to = LINKS[i][1];
                Plan plan = on[to].plan(nodes[to], nodes[from]);
                assertFalse(plan instanceof Plan.Conflict || plan instanceof Plan.RunScript, plan.toString());
                if (plan instanceof Plan.TakeRemote t && t.keepLocalCopy()) {
                    copies.add(Long.toHexString(NODES[to]) + " keeps " + Long.toHexString(nodes[to].modifiedBy()));
                }
                FileRecord next = stored(plan, nodes[to]);
                changed |= !next.equals(nodes[to]);
                nodes[to] = next;
            }
        }
        return new Run(nodes, copies);
    }

    /**
     * Every one of the 720 orders of the six links ends with every node holding the same record:
     * the winner's entry and author under {a:1,b:1,c:1}, whichever order the pairs met in.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("threeWriters")
    void threeWritersConvergeToTheSameWinnerInEveryExchangeOrder(ConflictPolicy p, DeleteConflict d,
                                                                 ToIntFunction<Long> rank, FileRecord third,
                                                                 FileRecord winner) {
        FileRecord expected = winner.withVersion(ALL, winner.modifiedBy());
        for (int[] order : permutations(LINKS.length)) {
            Run run = simulate(p, d, rank, new FileRecord[] {BY_A, BY_B, third}, order);
            for (FileRecord n : run.nodes()) {
                assertEquals(expected, n, "order " + Arrays.toString(order));
            }
            if (p != ConflictPolicy.KEEP_BOTH) {
                assertEquals(List.of(), run.copies(), "only keep-both keeps copies");
            }
        }
    }

    /** Each pair of the three writes, played out on the two authors' nodes, agrees with the overall winner. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("threeWriters")
    void threeWritersEveryPairAgreesWithTheOverallWinner(ConflictPolicy p, DeleteConflict d,
                                                         ToIntFunction<Long> rank, FileRecord third,
                                                         FileRecord winner) {
        List<FileRecord> writes = List.of(BY_A, BY_B, third);
        for (FileRecord x : writes) {
            for (FileRecord y : writes) {
                if (x != y) {
                    Case c = new Case(p, d, rank, x, x.modifiedBy(), y, y.modifiedBy());
                    assertConverges(c);
                    if (x == winner) {
                        assertEquals(new Plan.KeepLocal(), c.plan(), "the overall winner wins every pair");
                    }
                }
            }
        }
    }

    /**
     * A and C wrote the same content X, B wrote Y, all at the same mtime and size: X by A loses to
     * Y by B, which loses to X by C. Merging X's two versions moves its author to C; every order
     * must still end at X by C.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConflictPolicy.class)
    void threeWritersTwoOfThemIdenticalConvergeToTheGreatestAuthor(ConflictPolicy p) {
        if (p == ConflictPolicy.MANUAL || p == ConflictPolicy.SCRIPT) {
            return;
        }
        FileRecord xByA = r().by(A).hash(H_LOW).at(vv(A, 1));
        FileRecord yByB = r().by(B).hash(H_HIGH).at(vv(B, 1));
        FileRecord xByC = r().by(C).hash(H_LOW).at(vv(C, 1));
        FileRecord expected = xByC.withVersion(ALL, C);
        for (int[] order : permutations(LINKS.length)) {
            Run run = simulate(p, DeleteConflict.KEEP_MODIFIED, UNRANKED, new FileRecord[] {xByA, yByB, xByC}, order);
            for (FileRecord n : run.nodes()) {
                assertEquals(expected, n, "order " + Arrays.toString(order));
            }
        }
    }

    /**
     * keep-both keeps every losing write in every order of exchange (three writers, 720 orders):
     * B's write loses to C's, so B keeps a copy of its own content and takes C's entry; B then
     * loses to A and, holding C's content, keeps a copy of C's before taking A's. C later receives
     * the merged version as a plain newer one and loses nothing: its content is already kept.
     * Regression: the copy used to be kept only by the losing version's own author.
     */
    @Test
    void keepBothEveryLosingWriteIsKeptAsACopyInEveryOrder() {
        List<String> failures = new ArrayList<>();
        for (int[] order : permutations(LINKS.length)) {
            Run run = simulate(ConflictPolicy.KEEP_BOTH, DeleteConflict.KEEP_MODIFIED, UNRANKED,
                    new FileRecord[] {BY_A, BY_B, BY_C}, order);
            for (long loser : new long[] {B, C}) {
                String suffix = " keeps " + Long.toHexString(loser);
                if (run.copies().stream().noneMatch(c -> c.endsWith(suffix))) {
                    failures.add(Arrays.toString(order) + ": no copy of " + Long.toHexString(loser) + "'s write");
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    /** The relay case: a third node holding B's write keeps it when A's concurrent write wins. */
    @Test
    void keepBothRelayKeepsTheRelayedLoserBeforeOverwriting() {
        Reconciler onB = reconciler(ConflictPolicy.KEEP_BOTH, DeleteConflict.KEEP_MODIFIED, UNRANKED, B);
        Reconciler onC = reconciler(ConflictPolicy.KEEP_BOTH, DeleteConflict.KEEP_MODIFIED, UNRANKED, C);
        FileRecord onCNode = stored(onC.plan(null, BY_B), null);
        Plan cTakesA = onC.plan(onCNode, BY_A);
        assertEquals(new Plan.TakeRemote(BY_A.withVersion(vv(A, 1, B, 1), A), true, true), cTakesA,
                "C keeps B's content as a copy before taking A's");
        Plan bTakes = onB.plan(BY_B, ((Plan.TakeRemote) cTakesA).target());
        assertEquals(new Plan.TakeRemote(BY_A.withVersion(vv(A, 1, B, 1), A), false, false), bTakes,
                "B then takes the merged version as a plain newer one; its write is already kept");
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
