package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Folder-scope conflicts: which records wait for the folder verdict, what becomes of a waiting
 * record at verdict time, which side a full index's path counts for, and that directories weigh
 * nothing.
 */
class FolderScopeDeferralTest {
    private static final long A = 0xa0L;
    private static final long B = 0xb0L;
    private static final VersionVector BASE = VersionVector.EMPTY.bump(A, 1);
    private static final VersionVector MINE = BASE.bump(A, 2);
    private static final VersionVector THEIRS = BASE.bump(B, 3);

    static FileRecord file(VersionVector v, long by, long mtime, String hashHex) {
        return new FileRecord("d/f", FileType.REGULAR, 0644, 0, 0, mtime, 1,
                ContentHash.ofHex(hashHex.repeat(64 / hashHex.length())), null, 0, v, false, by);
    }

    static FileRecord dir(String path, VersionVector v, long by, long mtime) {
        return new FileRecord(path, FileType.DIRECTORY, 0755, 0, 0, mtime, 0, null, null, 0, v, false, by);
    }

    static Stream<Arguments> deferrals() {
        FileRecord local = file(MINE, A, 100, "aa");
        FileRecord remote = file(THEIRS, B, 200, "bb");
        FileRecord merged = remote.withVersion(MINE.merge(THEIRS), B);
        return Stream.of(
                Arguments.of("local wins a conflict: waits", new Plan.KeepLocal(), local, remote, true),
                Arguments.of("remote wins a conflict: waits", new Plan.TakeRemote(merged, true, false), local, remote, true),
                Arguments.of("keep-both copy: waits", new Plan.TakeRemote(merged, true, true), local, remote, true),
                Arguments.of("remote simply newer: applied", new Plan.TakeRemote(remote), null, remote, false),
                Arguments.of("nothing to do: acknowledged", new Plan.Acknowledge(), local, local, false),
                Arguments.of("same entry: merged", new Plan.MergeVersions(merged), local, remote, false),
                Arguments.of("manual conflict: left open", new Plan.Conflict(local, remote), local, remote, false),
                Arguments.of("script: run", new Plan.RunScript(local, remote), local, remote, false),
                Arguments.of("two directories: settled per path", new Plan.KeepLocal(), dir("d", MINE, A, 100),
                        dir("d", THEIRS, B, 50), false),
                Arguments.of("directory against a file: waits", new Plan.KeepLocal(), dir("d/f", MINE, A, 100),
                        remote, true),
                Arguments.of("deleted directory against a directory: waits", new Plan.KeepLocal(),
                        dir("d", MINE, A, 100).asDeleted(MINE, A), dir("d", THEIRS, B, 50), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deferrals")
    void whatWaitsForTheVerdict(String name, Plan plan, FileRecord local, FileRecord remote, boolean waits) {
        assertEquals(waits, FolderVerdict.defers(plan, local, remote));
    }

    static Stream<Arguments> classifications() {
        FileRecord local = file(MINE, A, 100, "aa");
        FileRecord remote = file(THEIRS, B, 200, "bb");
        FileRecord sameContent = file(THEIRS, B, 300, "aa");
        FileRecord newer = file(MINE.merge(THEIRS).bump(B, 4), B, 300, "cc");
        FileRecord taken = file(MINE.merge(THEIRS).bump(A, 4), A, 200, "bb");
        return Stream.of(
                Arguments.of("concurrent and contested: weighed", local, remote, null, null, FolderVerdict.Deferred.CONTESTED),
                Arguments.of("a verdict won against this very version: stays decided", local, remote, THEIRS, null,
                        FolderVerdict.Deferred.WON_ALREADY),
                Arguments.of("won against an older version: weighed again", local, remote, BASE, null,
                        FolderVerdict.Deferred.CONTESTED),
                Arguments.of("a lost verdict is taking this very version: stays decided", local, remote, null,
                        THEIRS, FolderVerdict.Deferred.LOST_ALREADY),
                Arguments.of("a lost verdict took an older version: weighed again", local, remote, null, BASE,
                        FolderVerdict.Deferred.CONTESTED),
                Arguments.of("taken already: no longer concurrent, per path", taken, remote, null, THEIRS,
                        FolderVerdict.Deferred.ORDINARY),
                Arguments.of("same content, other metadata: per path", local, sameContent, null, null,
                        FolderVerdict.Deferred.ORDINARY),
                Arguments.of("no longer concurrent: per path", local, newer, null, null, FolderVerdict.Deferred.ORDINARY),
                Arguments.of("no local version any more: per path", null, remote, THEIRS, null, FolderVerdict.Deferred.ORDINARY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classifications")
    void aWaitingRecordAtVerdictTime(String name, FileRecord local, FileRecord remote, VersionVector wonAgainst,
                                     VersionVector taking, FolderVerdict.Deferred expected) {
        assertEquals(expected, FolderVerdict.classify(local, remote, wonAgainst, taking));
    }

    static Stream<Arguments> sides() {
        FileRecord local = file(MINE, A, 100, "aa");
        return Stream.of(
                Arguments.of("new to this node: the remote side's change", null, file(THEIRS, B, 1, "bb"),
                        FolderVerdict.Newer.REMOTE),
                Arguments.of("remote newer", file(BASE, A, 1, "aa"), local, FolderVerdict.Newer.REMOTE),
                Arguments.of("local newer", local, file(BASE, A, 1, "aa"), FolderVerdict.Newer.LOCAL),
                Arguments.of("equal: nobody's change", local, local, FolderVerdict.Newer.NEITHER),
                Arguments.of("concurrent: weighed as a deferred record", local, file(THEIRS, B, 1, "bb"),
                        FolderVerdict.Newer.NEITHER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sides")
    void whichSideChangedAPath(String name, FileRecord local, FileRecord remote, FolderVerdict.Newer expected) {
        assertEquals(expected, FolderVerdict.newer(local, remote));
    }

    static Stream<Arguments> directoriesWeighNothing() {
        // the local side has only an old file, but a directory whose mtime is the newest of all
        List<FileRecord> local = List.of(file(MINE, A, 100, "aa"), dir("d", MINE, A, 900));
        List<FileRecord> remote = List.of(file(THEIRS, B, 200, "bb"));
        return Stream.of(Arguments.of("newest: a directory's mtime does not make its side newer",
                ConflictPolicy.NEWEST, local, remote, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directoriesWeighNothing")
    void sidesLeaveDirectoriesOut(String name, ConflictPolicy policy, List<FileRecord> local, List<FileRecord> remote,
                                  boolean localWins) {
        assertEquals(localWins, FolderVerdict.localSideWins(policy, local, remote, id -> Integer.MAX_VALUE));
        assertEquals(!localWins, FolderVerdict.localSideWins(policy, remote, local, id -> Integer.MAX_VALUE));
    }
}
