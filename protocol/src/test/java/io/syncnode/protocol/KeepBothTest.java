package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Keep-both ordering: which of two versions keeps the name, the other becoming the conflict copy. */
class KeepBothTest {
    private static final long A = 0xa0L;
    private static final long B = 0xb0L;

    static FileRecord rec(long by, long mtime) {
        return new FileRecord("d/f", FileType.REGULAR, 0644, 0, 0, mtime, 1, ContentHash.ofHex("ab".repeat(32)),
                null, 0, VersionVector.EMPTY.bump(by, 1), false, by);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("no local version: the remote one keeps the name", null, rec(B, 100), true),
                Arguments.of("local deleted: the remote one keeps the name",
                        rec(A, 500).asDeleted(VersionVector.EMPTY.bump(A, 2), A), rec(B, 100), true),
                Arguments.of("remote newer: it keeps the name", rec(A, 100), rec(B, 200), true),
                Arguments.of("local newer: it keeps the name", rec(B, 200), rec(A, 100), false),
                Arguments.of("same mtime, remote author greater: remote keeps it", rec(A, 100), rec(B, 100), true),
                Arguments.of("same mtime, local author greater: local keeps it", rec(B, 100), rec(A, 100), false),
                Arguments.of("same mtime, same author: local keeps it", rec(A, 100), rec(A, 100), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void newerKeepsTheName(String name, FileRecord local, FileRecord remote, boolean remoteKeeps) {
        assertEquals(remoteKeeps, KeepBoth.remoteKeepsName(local, remote));
    }

    @ParameterizedTest(name = "{0}: the other node orders the pair the same way")
    @MethodSource("cases")
    void bothNodesAgree(String name, FileRecord local, FileRecord remote, boolean remoteKeeps) {
        if (local != null && !local.deleted() && (local.mtimeNs() != remote.mtimeNs()
                || local.modifiedBy() != remote.modifiedBy())) {
            assertEquals(!remoteKeeps, KeepBoth.remoteKeepsName(remote, local));
        }
    }
}
