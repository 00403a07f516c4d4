package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FileRecordTest {
    static final long A = 0x0a0a0a0a0a0a0a0aL;
    static final long B = 0x0b0b0b0b0b0b0b0bL;
    static final long T = 1_700_000_000_123_456_789L;
    static final ContentHash H1 = ContentHash.ofHex("11".repeat(32));
    static final ContentHash H2 = ContentHash.ofHex("22".repeat(32));
    static final VersionVector V1 = VersionVector.of(Map.of(A, 1L));
    static final VersionVector V2 = VersionVector.of(Map.of(B, 7L));

    /** The fields that make up an entry; versions are set by {@link #rec}. */
    record Entry(FileType type, int mode, int uid, int gid, long mtimeNs, long size, ContentHash hash,
                 String target, long rdev, boolean deleted) {
        Entry mode(int m) {
            return new Entry(type, m, uid, gid, mtimeNs, size, hash, target, rdev, deleted);
        }

        Entry uid(int u) {
            return new Entry(type, mode, u, gid, mtimeNs, size, hash, target, rdev, deleted);
        }

        Entry gid(int g) {
            return new Entry(type, mode, uid, g, mtimeNs, size, hash, target, rdev, deleted);
        }

        Entry mtime(long m) {
            return new Entry(type, mode, uid, gid, m, size, hash, target, rdev, deleted);
        }

        Entry content(long s, ContentHash h) {
            return new Entry(type, mode, uid, gid, mtimeNs, s, h, target, rdev, deleted);
        }

        Entry target(String t) {
            return new Entry(type, mode, uid, gid, mtimeNs, size, hash, t, rdev, deleted);
        }

        Entry rdev(long r) {
            return new Entry(type, mode, uid, gid, mtimeNs, size, hash, target, r, deleted);
        }

        Entry tombstone() {
            return new Entry(type, mode, uid, gid, mtimeNs, 0, null, null, 0, true);
        }

        FileRecord rec(VersionVector v, long by) {
            return new FileRecord("p/x", type, mode, uid, gid, mtimeNs, size, hash, target, rdev, v, deleted, by);
        }
    }

    static final Entry FILE = new Entry(FileType.REGULAR, 0644, 1000, 1000, T, 5, H1, null, 0, false);
    static final Entry DIR = new Entry(FileType.DIRECTORY, 0755, 0, 0, T, 0, null, null, 0, false);
    static final Entry LINK = new Entry(FileType.SYMLINK, 0777, 0, 0, T, 0, null, "../target", 0, false);
    static final Entry DEV = new Entry(FileType.CHAR_DEVICE, 0600, 0, 0, T, 0, null, null, 0x0501, false);

    static Arguments row(String name, Entry left, Entry right, boolean sameEntry, boolean sameContent) {
        return Arguments.of(named(name, left), right, sameEntry, sameContent);
    }

    static Stream<Arguments> pairs() {
        return Stream.of(
                row("identical files", FILE, FILE, true, true),
                row("file mode differs", FILE, FILE.mode(0600), false, true),
                row("file setuid bit differs", FILE, FILE.mode(04644), false, true),
                row("file uid differs", FILE, FILE.uid(0), false, true),
                row("file gid differs", FILE, FILE.gid(0), false, true),
                row("file mtime differs", FILE, FILE.mtime(T + 1), false, true),
                row("file hash differs, same size", FILE, FILE.content(5, H2), false, false),
                row("file size differs", FILE, FILE.content(6, H1), false, false),
                row("directory mtime differs (tracked)", DIR, DIR.mtime(0), false, true),
                row("directory mode differs", DIR, DIR.mode(0700), false, true),
                row("directory owner differs", DIR, DIR.uid(33), false, true),
                row("file vs directory", FILE, DIR, false, false),
                row("symlink target differs", LINK, LINK.target("elsewhere"), false, false),
                row("symlink mtime differs (tracked)", LINK, LINK.mtime(T + 1), false, true),
                row("device rdev differs", DEV, DEV.rdev(0x0502), false, false),
                row("identical devices", DEV, DEV, true, true),
                row("deleted vs deleted with other metadata", FILE.tombstone(), DIR.mode(0700).tombstone(), true, false),
                row("deleted vs deleted, same", FILE.tombstone(), FILE.tombstone(), true, false),
                row("deleted vs live", FILE.tombstone(), FILE, false, false),
                row("live vs deleted", FILE, FILE.tombstone(), false, false));
    }

    @ParameterizedTest(name = "{0}: sameEntry={2}, sameContent={3}")
    @MethodSource("pairs")
    void sameEntryAndSameContent(Entry left, Entry right, boolean sameEntry, boolean sameContent) {
        // versions and authors differ on purpose: they are not part of the entry
        FileRecord l = left.rec(V1, A);
        FileRecord r = right.rec(V2, B);
        assertEquals(sameEntry, l.sameEntry(r), "sameEntry");
        assertEquals(sameEntry, r.sameEntry(l), "sameEntry, mirrored");
        assertEquals(sameContent, l.sameContent(r), "sameContent");
        assertEquals(sameContent, r.sameContent(l), "sameContent, mirrored");
    }

    @Test
    void constructorRejectsALiveRegularFileWithoutHash() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FILE.content(5, null).rec(V1, A));
        assertTrue(e.getMessage().contains("hash") && e.getMessage().contains("p/x"), e.getMessage());
    }

    @Test
    void constructorAcceptsRecordsThatNeedNoHash() {
        assertDoesNotThrow(() -> FILE.tombstone().rec(V1, A), "a regular-file tombstone");
        assertDoesNotThrow(() -> DIR.rec(V1, A));
        assertDoesNotThrow(() -> LINK.rec(V1, A));
        assertDoesNotThrow(() -> FILE.content(0, H1).rec(V1, A), "an empty file still has a hash");
    }

    @Test
    void constructorRejectsMissingPathTypeOrVersion() {
        assertThrows(NullPointerException.class,
                () -> new FileRecord(null, FileType.DIRECTORY, 0, 0, 0, 0, 0, null, null, 0, V1, false, A));
        assertThrows(NullPointerException.class,
                () -> new FileRecord("d", null, 0, 0, 0, 0, 0, null, null, 0, V1, false, A));
        assertThrows(NullPointerException.class,
                () -> new FileRecord("d", FileType.DIRECTORY, 0, 0, 0, 0, 0, null, null, 0, null, false, A));
    }

    @Test
    void asDeletedDropsContentKeepsIdentityAndTakesTheNewVersion() {
        FileRecord live = FILE.rec(V1, A);
        VersionVector v = V1.bump(B, 1_800_000_000L);
        FileRecord gone = live.asDeleted(v, B);
        assertTrue(gone.deleted());
        assertEquals(0, gone.size());
        assertNull(gone.hash());
        assertNull(gone.symlinkTarget());
        assertEquals(0, gone.rdev());
        assertEquals(v, gone.version());
        assertEquals(B, gone.modifiedBy());
        assertEquals(live.path(), gone.path());
        assertEquals(live.type(), gone.type());
        assertEquals(live.mode(), gone.mode());
    }

    @Test
    void asDeletedOfASymlinkAndADeviceDropsTargetAndRdev() {
        assertNull(LINK.rec(V1, A).asDeleted(V2, B).symlinkTarget());
        assertEquals(0, DEV.rec(V1, A).asDeleted(V2, B).rdev());
    }

    @Test
    void withVersionChangesOnlyVersionAndAuthor() {
        FileRecord r = FILE.rec(V1, A);
        FileRecord w = r.withVersion(V2, B);
        assertEquals(new FileRecord(r.path(), r.type(), r.mode(), r.uid(), r.gid(), r.mtimeNs(), r.size(), r.hash(),
                r.symlinkTarget(), r.rdev(), V2, r.deleted(), B), w);
        assertTrue(r.sameEntry(w));
    }

    @Test
    void extendedAttributesAndHardLinksAreMetadata() {
        FileRecord plain = FILE.rec(V1, A);
        FileRecord acl = plain.withXattrs(Xattrs.of(java.util.Map.of("system.posix_acl_access", new byte[] {2, 0, 0, 0})));
        FileRecord otherAcl = plain.withXattrs(Xattrs.of(java.util.Map.of("system.posix_acl_access", new byte[] {2, 0, 0, 1})));
        assertTrue(!plain.sameEntry(acl) && plain.sameContent(acl), "an added ACL is a metadata change");
        assertTrue(!acl.sameEntry(otherAcl) && acl.sameContent(otherAcl), "another ACL value is a metadata change");
        assertTrue(acl.sameEntry(plain.withXattrs(Xattrs.of(java.util.Map.of("system.posix_acl_access",
                new byte[] {2, 0, 0, 0})))), "equal values are the same entry");
        FileRecord linked = new FileRecord("p/y", FileType.REGULAR, 0644, 1000, 1000, T, 5, H1, null, 0, V1, false, A)
                .withHardLink("p/x");
        FileRecord alone = new FileRecord("p/y", FileType.REGULAR, 0644, 1000, 1000, T, 5, H1, null, 0, V1, false, A);
        assertTrue(!linked.sameEntry(alone) && linked.sameContent(alone), "joining a hard-link group is metadata");
        assertEquals("p/x", linked.withVersion(V2, B).hardLink(), "withVersion keeps the group");
        assertNull(linked.asDeleted(V2, B).hardLink(), "a tombstone is in no group");
        assertThrows(IllegalArgumentException.class, () -> alone.withHardLink("p/z"), "links go to a smaller path");
        assertThrows(IllegalArgumentException.class, () -> DIR.rec(V1, A).withHardLink("a"), "only regular files link");
    }

    @Test
    void theRootRecordIsAValidPath() {
        assertEquals(null, RelativePath.problem(RelativePath.ROOT));
        assertEquals(RelativePath.ROOT, RelativePath.parentRecord("top"));
        assertEquals("a/b", RelativePath.parentRecord("a/b/c"));
        assertNull(RelativePath.parentRecord(RelativePath.ROOT));
        assertTrue(RelativePath.problem("./a") != null && RelativePath.problem("a/.") != null);
    }
}
