package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole-folder verdict: the right side wins per policy, the sides are weighed symmetrically, and one node of two decides. */
class FolderVerdictTest {
    private static final long A = 0xa0L;
    private static final long B = 0xb0L;

    static FileRecord rec(String path, long by, long mtime, long size, String hashHex) {
        return new FileRecord(path, FileType.REGULAR, 0644, 0, 0, mtime, size,
                ContentHash.ofHex(hashHex.repeat(64 / hashHex.length())), null, 0,
                VersionVector.EMPTY.bump(by, 1), false, by);
    }

    static Stream<Arguments> cases() {
        List<FileRecord> older = List.of(rec("a", A, 100, 10, "aa"), rec("b", A, 200, 10, "ab"));
        List<FileRecord> newer = List.of(rec("b", B, 150, 5, "ba"), rec("c", B, 300, 5, "bb"));
        List<FileRecord> tieNewest = List.of(rec("b", B, 200, 10, "cc"));
        return Stream.of(
                Arguments.of("newest: the side with the newest change anywhere wins", ConflictPolicy.NEWEST, older, newer, false),
                Arguments.of("keep-both at folder scope acts as newest", ConflictPolicy.KEEP_BOTH, older, newer, false),
                Arguments.of("oldest: the side with the oldest change wins", ConflictPolicy.OLDEST, older, newer, true),
                Arguments.of("bigger: the larger total size wins", ConflictPolicy.BIGGER, older, newer, true),
                Arguments.of("smaller: the smaller total size wins", ConflictPolicy.SMALLER, older, newer, false),
                Arguments.of("priority: the side with the best-ranked author wins", ConflictPolicy.PRIORITY, older, newer, true),
                Arguments.of("tie on newest mtime: the greater author id wins", ConflictPolicy.NEWEST,
                        List.of(rec("b", A, 200, 10, "dd")), tieNewest, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void policyPicksTheSideAndBothNodesAgree(String name, ConflictPolicy policy, List<FileRecord> local,
                                             List<FileRecord> remote, boolean localWins) {
        java.util.function.ToIntFunction<Long> rank = id -> id == A ? 0 : id == B ? 1 : Integer.MAX_VALUE;
        assertEquals(localWins, FolderVerdict.localWins(policy, local, remote, rank), name);
        assertEquals(!localWins, FolderVerdict.localWins(policy, remote, local, rank), "mirrored on the other node");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void twoDifferentSidesAlwaysHaveExactlyOneWinner(String name, ConflictPolicy policy, List<FileRecord> local,
                                                     List<FileRecord> remote, boolean ignored) {
        for (ConflictPolicy p : ConflictPolicy.values()) {
            assertNotEquals(FolderVerdict.localWins(p, local, remote, id -> Integer.MAX_VALUE),
                    FolderVerdict.localWins(p, remote, local, id -> Integer.MAX_VALUE), p + ": " + name);
        }
    }

    @ParameterizedTest(name = "{0} and {1}")
    @CsvSource({"160, 176", "-5, 3", "-9223372036854775808, 9223372036854775807",
            "-1, 1"})
    void exactlyOneOfTwoNodesDecidesTheirVerdict(long a, long b) {
        assertNotEquals(FolderVerdict.decides(a, b), FolderVerdict.decides(b, a));
        assertEquals(a < b, FolderVerdict.decides(a, b), "the smaller id (signed) decides");
    }
}
