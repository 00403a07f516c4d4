package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.IndexDiff.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** {@link IndexDiff}: each kind of difference alone, tombstones, and the order of the output. */
class IndexDiffTest {
    static final long A = 1;
    static final long B = 2;
    static final long T = 1_700_000_000_000_000_000L;
    static final ContentHash H1 = ContentHash.ofHex("11".repeat(32));
    static final ContentHash H2 = ContentHash.ofHex("22".repeat(32));
    static final VersionVector V1 = VersionVector.of(Map.of(A, 5L));
    static final VersionVector V2 = VersionVector.of(Map.of(B, 7L));

    static FileRecord file(String path) {
        return new FileRecord(path, FileType.REGULAR, 0644, 1000, 1000, T, 3, H1, null, 0, V1, false, A);
    }

    static FileRecord of(String path, FileType type) {
        return new FileRecord(path, type, 0755, 0, 0, T, 0, null, type == FileType.SYMLINK ? "target" : null,
                type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE ? 0x0103 : 0, V1, false, A);
    }

    static FileRecord with(FileRecord r, UnaryOperator<FileRecord> change) {
        return change.apply(r);
    }

    static FileRecord copy(FileRecord r, int mode, int uid, int gid, long mtime, long size, ContentHash hash,
                           String target, long rdev) {
        return new FileRecord(r.path(), r.type(), mode, uid, gid, mtime, size, hash, target, rdev, V2, r.deleted(), B,
                r.xattrs(), r.hardLink());
    }

    static Stream<Arguments> pairs() {
        FileRecord f = file("f");
        FileRecord link = of("l", FileType.SYMLINK);
        FileRecord dev = of("d", FileType.CHAR_DEVICE);
        FileRecord dir = of("f", FileType.DIRECTORY);
        return Stream.of(
                Arguments.of("same entry, other version and author", f, f.withVersion(V2, B), Set.of()),
                Arguments.of("missing here", null, f, Set.of(Kind.MISSING_HERE)),
                Arguments.of("missing there", f, null, Set.of(Kind.MISSING_THERE)),
                Arguments.of("tombstone here is missing here", f.asDeleted(V2, A), f, Set.of(Kind.MISSING_HERE)),
                Arguments.of("tombstone there is missing there", f, f.asDeleted(V2, B), Set.of(Kind.MISSING_THERE)),
                Arguments.of("tombstones on both sides are no difference", f.asDeleted(V1, A), f.asDeleted(V2, B),
                        Set.of()),
                Arguments.of("tombstone against nothing is no difference", f.asDeleted(V1, A), null, Set.of()),
                Arguments.of("content: hash", f, copy(f, 0644, 1000, 1000, T, 3, H2, null, 0), Set.of(Kind.CONTENT)),
                Arguments.of("content: size", f, copy(f, 0644, 1000, 1000, T, 4, H1, null, 0), Set.of(Kind.CONTENT)),
                Arguments.of("mode", f, copy(f, 04755, 1000, 1000, T, 3, H1, null, 0), Set.of(Kind.MODE)),
                Arguments.of("owner: uid", f, copy(f, 0644, 0, 1000, T, 3, H1, null, 0), Set.of(Kind.OWNER)),
                Arguments.of("owner: gid", f, copy(f, 0644, 1000, 0, T, 3, H1, null, 0), Set.of(Kind.OWNER)),
                Arguments.of("mtime", f, copy(f, 0644, 1000, 1000, T + 1, 3, H1, null, 0), Set.of(Kind.MTIME)),
                Arguments.of("xattrs", f, f.withXattrs(Xattrs.of(Map.of("user.a", new byte[] {1}))),
                        Set.of(Kind.XATTRS)),
                Arguments.of("hard link", file("g"), file("g").withHardLink("f"), Set.of(Kind.HARD_LINK)),
                Arguments.of("type: file against directory", f, dir, Set.of(Kind.TYPE)),
                Arguments.of("symlink target", link, copy(link, 0755, 0, 0, T, 0, null, "elsewhere", 0),
                        Set.of(Kind.TARGET)),
                Arguments.of("device number", dev, copy(dev, 0755, 0, 0, T, 0, null, null, 0x0104),
                        Set.of(Kind.DEVICE)),
                Arguments.of("several at once", f, copy(f, 0600, 0, 1000, T + 5, 9, H2, null, 0),
                        Set.of(Kind.CONTENT, Kind.MODE, Kind.OWNER, Kind.MTIME)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void kindsOfDifference(String name, FileRecord here, FileRecord there, Set<Kind> expected) {
        assertEquals(expected.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(expected),
                IndexDiff.kinds(here, there));
    }

    @Test
    void compareListsOnlyDifferingPathsInOrderWithBothSides() {
        FileRecord same = file("a");
        FileRecord onlyHere = file("z/here");
        FileRecord onlyThere = file("m");
        FileRecord changed = file("b");
        FileRecord changedThere = copy(changed, 0600, 1000, 1000, T, 3, H1, null, 0);
        List<IndexDiff.Difference> d = IndexDiff.compare(List.of(onlyHere, same, changed),
                List.of(changedThere, same.withVersion(V2, B), onlyThere, file("gone").asDeleted(V2, B)));
        assertEquals(List.of("b", "m", "z/here"), d.stream().map(IndexDiff.Difference::path).toList());
        assertEquals(Set.of(Kind.MODE), d.get(0).kinds());
        assertEquals(changed, d.get(0).here());
        assertEquals(changedThere, d.get(0).there());
        assertNull(d.get(1).here());
        assertEquals(Set.of(Kind.MISSING_HERE), d.get(1).kinds());
        assertNull(d.get(2).there());
        assertTrue(IndexDiff.compare(List.of(same), List.of(same)).isEmpty());
    }

    @Test
    void labelsAreLowerCaseWords() {
        assertEquals("missing-here", Kind.MISSING_HERE.label());
        assertEquals("hard-link", Kind.HARD_LINK.label());
    }
}
