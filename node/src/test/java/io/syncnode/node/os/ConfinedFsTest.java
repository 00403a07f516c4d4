package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The confined calls on real directories: a symlinked parent refuses every call and leaves the
 * directory behind it untouched; the last component is never followed; new files are 0600.
 */
class ConfinedFsTest {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path tmp;
    Path root;
    Path outside;
    ConfinedFs fs;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("folder"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("victim"), "not the folder's");
        Files.createDirectories(outside.resolve("dir"));
        Files.createSymbolicLink(root.resolve("d"), outside); // a parent swapped for a symlink
        fs = new ConfinedFs(root);
    }

    @FunctionalInterface
    interface Call {
        void run() throws IOException;
    }

    @Test
    void aSymlinkedParentRefusesEveryCallAndNothingBehindItChanges() throws Exception {
        Map<String, String> before = snapshot(outside);
        Path in = root.resolve("d/victim");
        Path fresh = root.resolve("d/new");
        Files.writeString(root.resolve("mine"), "the folder's");
        Call[] calls = {
            () -> fs.createExclusive(fresh).close(),
            () -> fs.createNew(fresh).close(),
            () -> fs.openRegular(in, true, true).close(),
            () -> fs.openRegular(in, false, false).close(),
            () -> fs.fsync(in),
            () -> fs.syncfs(root.resolve("d/dir")),
            () -> fs.rename(root.resolve("mine"), in),
            () -> fs.rename(in, root.resolve("taken")),
            () -> fs.rename(in, root.resolve("d/other")), // both in the symlinked directory: one walk, refused
            () -> fs.delete(in),
            () -> fs.delete(root.resolve("d/dir")),
            () -> fs.mkdir(fresh, 0755),
            () -> fs.mknod(fresh, LibC.S_IFIFO | 0644, 0),
            () -> fs.symlink("/etc".getBytes(StandardCharsets.UTF_8), fresh),
            () -> fs.link(root.resolve("mine"), fresh),
            () -> fs.link(in, root.resolve("stolen")),
            () -> fs.chown(in, 4242, 4242),
            () -> fs.chmod(in, 04777),
            () -> fs.setMtime(in, 1_000_000_000L),
            () -> fs.setXattr(in, "user.evil", new byte[] {1}),
            () -> fs.removeXattr(in, "user.evil"),
            () -> fs.listXattrs(in),
        };
        for (Call call : calls) {
            NativeFs.ErrnoException e = assertThrows(NativeFs.ErrnoException.class, call::run);
            // openat(O_DIRECTORY|O_NOFOLLOW) on a symlink: ENOTDIR (the O_DIRECTORY check), else ELOOP
            assertTrue(e.errno() == LibC.ENOTDIR || e.errno() == LibC.ELOOP, e.getMessage());
            assertTrue(e.getMessage().contains("is a symlink or not a directory"), e.getMessage());
        }
        assertEquals(before, snapshot(outside), "nothing outside the folder was created or changed");
        assertFalse(Files.exists(root.resolve("taken")) || Files.exists(root.resolve("stolen")));
    }

    @Test
    void aSymlinkDeepInThePathIsRefusedByOpenat2AndByTheComponentWalk() throws Exception {
        Files.createDirectories(root.resolve("a/b"));
        Files.createDirectories(outside.resolve("c"));
        Files.createSymbolicLink(root.resolve("a/b/link"), outside); // a/b/link/c is outside/c
        Map<String, String> before = snapshot(outside);
        try {
            for (boolean openat2 : new boolean[] {true, false}) {
                BeneathWalk.useOpenat2(openat2);
                NativeFs.ErrnoException e = assertThrows(NativeFs.ErrnoException.class,
                        () -> fs.mkdir(root.resolve("a/b/link/c/new"), 0755), "openat2 " + openat2);
                assertTrue(e.errno() == LibC.ENOTDIR || e.errno() == LibC.ELOOP, e.getMessage());
                assertThrows(IOException.class, () -> fs.createExclusive(root.resolve("a/b/link/new")).close());
                assertThrows(IOException.class, () -> fs.createNew(root.resolve("a/b/link/new")).close());
                fs.mkdir(root.resolve("a/b/ok" + openat2), 0700); // a real path still works
                fs.delete(root.resolve("a/b/ok" + openat2));
            }
        } finally {
            BeneathWalk.useOpenat2(true);
        }
        assertEquals(before, snapshot(outside));
    }

    @Test
    void syncfsTakesADirectoryOfTheFolderAndNamesWhatIsWrongWithAnyOther() throws Exception {
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("file"), "x");
        fs.syncfs(root);
        fs.syncfs(root.resolve("sub"));
        assertThrows(NoSuchFileException.class, () -> fs.syncfs(root.resolve("missing")));
        NativeFs.ErrnoException e = assertThrows(NativeFs.ErrnoException.class, () -> fs.syncfs(root.resolve("file")));
        assertEquals(LibC.ENOTDIR, e.errno());
        assertTrue(e.getMessage().contains(root.resolve("file").toString()), e.getMessage());
    }

    @Test
    void aFileInPlaceOfAParentIsRefusedAsNotADirectory() throws Exception {
        Files.writeString(root.resolve("f"), "a file, not a directory");
        NativeFs.ErrnoException e = assertThrows(NativeFs.ErrnoException.class,
                () -> fs.mkdir(root.resolve("f/sub"), 0755));
        assertEquals(LibC.ENOTDIR, e.errno());
        assertThrows(NoSuchFileException.class, () -> fs.mkdir(root.resolve("missing/sub"), 0755));
        assertThrows(IOException.class, () -> fs.mkdir(tmp.resolve("outside/x"), 0755), "outside the root");
        assertThrows(IOException.class, () -> fs.mkdir(root.resolve("../outside/x"), 0755), "outside the root");
        assertFalse(Files.exists(outside.resolve("x")));
    }

    @Test
    void theLastComponentIsNeverFollowed() throws Exception {
        Path link = root.resolve("link");
        Files.createSymbolicLink(link, outside.resolve("victim"));
        Map<String, String> before = snapshot(outside);

        assertThrows(FileAlreadyExistsException.class, () -> fs.createExclusive(link));
        assertThrows(FileAlreadyExistsException.class, () -> fs.createNew(link));
        assertEquals(LibC.ELOOP, assertThrows(NativeFs.ErrnoException.class,
                () -> fs.openRegular(link, true, true)).errno());
        assertEquals(LibC.EOPNOTSUPP, assertThrows(NativeFs.ErrnoException.class, () -> fs.chmod(link, 0777)).errno());
        assertThrows(IOException.class, () -> fs.fsync(link));
        fs.setMtime(link, 1_500_000_000_123_456_789L); // the link's own mtime
        assertEquals(1_500_000_000_123_456_789L, mtimeNs(link));
        if (ROOT) {
            fs.chown(link, 4242, 4343);
            assertEquals(4242, Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        }
        fs.delete(link);
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        assertEquals(before, snapshot(outside), "the link's target is untouched");
    }

    /** A file written whole through its descriptor: content, owner, exact mode, mtime in ns, no name taken twice. */
    @Test
    void aNewFileTakesItsContentAndMetadataThroughItsDescriptor() throws Exception {
        Path f = root.resolve("whole");
        byte[] content = new byte[70_000];
        new java.util.Random(7).nextBytes(content);
        try (NewFile n = fs.createNew(f)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            n.write(content);
            if (ROOT) {
                n.chown(4242, 4343);
            }
            n.chmod(04751); // setuid kept: the owner is set first
            n.setMtime(1_500_000_000_123_456_789L);
            n.fsync();
        }
        assertArrayEquals(content, Files.readAllBytes(f));
        assertEquals(04751, (int) Files.getAttribute(f, "unix:mode") & 07777);
        assertEquals(1_500_000_000_123_456_789L, mtimeNs(f));
        if (ROOT) {
            assertEquals(4242, Files.getAttribute(f, "unix:uid"));
            assertEquals(4343, Files.getAttribute(f, "unix:gid"));
        }
        assertThrows(FileAlreadyExistsException.class, () -> fs.createNew(f));
        assertArrayEquals(content, Files.readAllBytes(f), "a taken name is left alone");
    }

    @Test
    void aNewFileIsOwnerOnlyAndExclusive() throws Exception {
        Path f = root.resolve("new");
        try (FileChannel ch = fs.createExclusive(f)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            ch.write(ByteBuffer.wrap("content".getBytes(StandardCharsets.UTF_8)));
        }
        assertEquals("content", Files.readString(f));
        assertThrows(FileAlreadyExistsException.class, () -> fs.createExclusive(f));
        try (FileChannel ch = fs.openRegular(f, true, true)) {
            ch.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8)));
        }
        assertEquals("x", Files.readString(f));
    }

    @Test
    @Timeout(10)
    void modesAreExactAndAFifoIsNeverOpened() throws Exception {
        Path fifo = root.resolve("fifo");
        fs.mknod(fifo, LibC.S_IFIFO | 0600, 0);
        fs.chmod(fifo, 0640); // opening a FIFO without a reader would block: it is not opened
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(fifo,
                LinkOption.NOFOLLOW_LINKS)));
        Path dir = root.resolve("dir");
        fs.mkdir(dir, 0700);
        fs.chmod(dir, 02775);
        assertEquals(02775, (Integer) Files.getAttribute(dir, "unix:mode") & 07777);
        assertThrows(IOException.class, () -> fs.openRegular(fifo, true, false), "not a regular file");
    }

    @Test
    void xattrsAreSetOnTheEntryThroughItsDirectory() throws Exception {
        Path f = Files.writeString(root.resolve("f"), "x");
        try {
            fs.setXattr(f, "user.note", new byte[] {1, 2});
        } catch (NativeFs.ErrnoException e) {
            assumeTrue(!e.notPermittedOrSupported(), "no user xattrs on this file system; skipped");
            throw e;
        }
        assertArrayEquals(new byte[] {1, 2}, NativeFs.listXattrs(f).get("user.note"));
        assertArrayEquals(new byte[] {1, 2}, fs.listXattrs(f).get("user.note"));
        fs.removeXattr(f, "user.note");
        assertTrue(NativeFs.listXattrs(f).isEmpty());
        NativeFs.ErrnoException e = assertThrows(NativeFs.ErrnoException.class,
                () -> fs.removeXattr(f, "user.note"));
        assertTrue(e.getMessage().contains(f.toString()), "names the entry, not its /proc path: " + e.getMessage());
    }

    @Test
    void renameLinkAndDeleteActOnNamesBelowTheRoot() throws Exception {
        Path a = Files.writeString(root.resolve("a"), "a");
        Files.createDirectories(root.resolve("sub/deeper"));
        fs.rename(a, root.resolve("sub/deeper/b"));
        assertEquals("a", Files.readString(root.resolve("sub/deeper/b")));
        Files.writeString(root.resolve("sub/deeper/new"), "new");
        fs.rename(root.resolve("sub/deeper/new"), root.resolve("sub/deeper/b")); // one directory: replaced
        assertEquals("new", Files.readString(root.resolve("sub/deeper/b")));
        assertFalse(Files.exists(root.resolve("sub/deeper/new")));
        Files.writeString(root.resolve("top"), "top");
        fs.rename(root.resolve("top"), root.resolve("top2")); // in the root itself
        assertEquals("top", Files.readString(root.resolve("top2")));
        fs.delete(root.resolve("top2"));
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> fs.rename(root.resolve("sub/deeper/gone"), root.resolve("sub/deeper/b")));
        fs.link(root.resolve("sub/deeper/b"), root.resolve("sub/c"));
        assertEquals(2, NativeFs.nlink(root.resolve("sub/c")));
        assertThrows(java.nio.file.DirectoryNotEmptyException.class, () -> fs.delete(root.resolve("sub")));
        fs.delete(root.resolve("sub/deeper/b"));
        fs.delete(root.resolve("sub/deeper"));
        assertFalse(fs.deleteIfExists(root.resolve("sub/deeper")));
        assertFalse(fs.deleteIfExists(root.resolve("nothing/here")));
        fs.setMtime(root, 2_000_000_000_000_000_000L); // the root itself
        assertEquals(2_000_000_000_000_000_000L, mtimeNs(root));
    }

    /** Every entry below {@code dir} (not following links): its lstat, xattr names, and what a link points to. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                m.put(dir.relativize(p).toString(), a.get("mode") + " " + a.get("uid") + ":" + a.get("gid")
                        + " size " + a.get("size") + " mtime " + a.get("lastModifiedTime") + " ctime " + a.get("ctime")
                        + " ino " + a.get("ino") + " xattrs " + NativeFs.listXattrs(p).keySet()
                        + (Files.isSymbolicLink(p) ? " -> " + Files.readSymbolicLink(p) : ""));
            }
        }
        return m;
    }

    private static long mtimeNs(Path p) throws IOException {
        return ((java.nio.file.attribute.FileTime) Files.getAttribute(p, "unix:lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS)).to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
