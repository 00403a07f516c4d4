package io.syncnode.node.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.os.NativeFs;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applier never writes outside its folder and its temp files: the remote-only chain of the
 * security audit (a directory re-announced as a symlink while a fetch is pending), a temp file
 * swapped for a symlink before the whole-file retry, 0600 temp files and exact final modes under
 * any umask, no temp left by a failed apply, and no read through a symlink for a conflict script.
 */
class ApplierConfinementTest {
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    static final VersionVector V = VersionVector.of(Map.of(1L, 1L));

    @TempDir
    Path tmp;
    Path root;
    Path outside;
    Applier applier;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("folder"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("f"), "not the folder's");
        applier = new Applier(root);
    }

    static FileRecord regular(String path, byte[] content, int mode) {
        return new FileRecord(path, FileType.REGULAR, mode, 4242, 4242, 1_600_000_000_000_000_000L, content.length,
                ContentHash.of(EntryReader.sha256().digest(content)), null, 0, V, false, 1);
    }

    static FileRecord of(String path, FileType type, int mode, String target) {
        return new FileRecord(path, type, mode, 4242, 4242, 1_600_000_000_000_000_000L, 0, null, target, 0, V, false, 1);
    }

    @Test
    void aDirectoryReannouncedAsASymlinkWhileAFetchIsPendingGetsNoFileOutside() throws Exception {
        StatSignature dir = applier.applyDirectory("d", of("d", FileType.DIRECTORY, 0755, null), null);
        Path temp = applier.tempPathFor("d/f"); // the fetch is queued; its temp file is not created yet
        applier.applySymlink("d", of("d", FileType.SYMLINK, 0777, outside.toString()), dir); // d -> outside
        Map<String, String> before = snapshot(outside);

        IOException e = assertThrows(IOException.class, () -> applier.openTemp(temp, false).close());
        assertTrue(e.getMessage().contains("symlink or not a directory"), e.getMessage());
        assertThrows(IOException.class, () -> applier.prepare(temp, regular("d/f", new byte[0], 04755)));
        assertThrows(IOException.class, () -> applier.install("d/f", temp, regular("d/f", new byte[0], 04755), null,
                new ArrayList<>()));

        assertEquals(before, snapshot(outside), "nothing was created or changed outside the folder");
        assertTrue(Files.isSymbolicLink(root.resolve("d")));
    }

    @Test
    void aTempFileSwappedForASymlinkIsNotFollowedByTheRetry() throws Exception {
        Path temp = applier.tempPathFor("f");
        try (FileChannel ch = applier.openTemp(temp, false)) {
            ch.write(ByteBuffer.wrap("first try".getBytes(StandardCharsets.UTF_8)));
        }
        Files.delete(temp); // a local user who saw the temp name swaps it for a link
        Files.createSymbolicLink(temp, outside.resolve("f"));
        Map<String, String> before = snapshot(outside);

        assertThrows(IOException.class, () -> applier.openTemp(temp, true).close()); // the whole-file retry
        assertThrows(IOException.class, () -> applier.prepare(temp, regular("f", new byte[0], 0644)));
        assertEquals(before, snapshot(outside));
        assertEquals("not the folder's", Files.readString(outside.resolve("f")));
    }

    @Test
    void tempFilesAreOwnerOnlyWhileWrittenWhateverTheUmask() throws Exception {
        int old = NativeFs.umask(0);
        try {
            Path temp = applier.tempPathFor("a/f");
            try (FileChannel ch = applier.openTemp(temp, false)) {
                ch.write(ByteBuffer.wrap("secret".getBytes(StandardCharsets.UTF_8)));
                assertEquals("rw-------", perms(temp), "a fetch's temp file while it is written");
            }
            assertEquals("rw-------", perms(applier.createTemp("a/g")));
            assertEquals("rw-------", perms(applier.writeTemp("a/h", "secret".getBytes(StandardCharsets.UTF_8))));
            assertEquals("rw-------", perms(applier.copyToTemp("a/i", temp)));
        } finally {
            NativeFs.umask(old);
        }
    }

    @Test
    void finalModesAreExactUnderTheDaemonsUmask() throws Exception {
        int old = NativeFs.umask(0077);
        try {
            byte[] content = "x".getBytes(StandardCharsets.UTF_8);
            Path temp = applier.writeTemp("a/f", content);
            applier.commitFile("a/f", temp, regular("a/f", content, 0644), null);
            assertEquals("rw-r--r--", perms(root.resolve("a/f")));
            assertEquals("rwxr-xr-x", perms(root.resolve("a")), "a placeholder parent");
            applier.applyDirectory("b", of("b", FileType.DIRECTORY, 0775, null), null);
            assertEquals("rwxrwxr-x", perms(root.resolve("b")));
            applier.applySpecial("p", of("p", FileType.FIFO, 0664, null), null);
            assertEquals("rw-rw-r--", perms(root.resolve("p")));
            if (ROOT) {
                assertEquals(4242, Files.getAttribute(root.resolve("a/f"), "unix:uid"));
                assertEquals(4242, Files.getAttribute(root.resolve("p"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
            }
        } finally {
            NativeFs.umask(old);
        }
    }

    @Test
    void aFailedApplyLeavesNoTemp() throws Exception {
        byte[] content = "x".getBytes(StandardCharsets.UTF_8);
        // the target changed locally: refused at install
        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/f"), "the user's, written meanwhile");
        Path temp = applier.writeTemp("a/f", content);
        assertThrows(LocalChangedException.class,
                () -> applier.commitFile("a/f", temp, regular("a/f", content, 0644), null));
        // the parent swapped for a symlink after the temp was written (the temp moves with the directory)
        Path temp2 = applier.writeTemp("d/f", content);
        Files.move(root.resolve("d"), root.resolve("moved"));
        Files.createSymbolicLink(root.resolve("d"), outside);
        assertThrows(IOException.class, () -> applier.commitFile("d/f", temp2, regular("d/f", content, 0644), null));
        // a symlink, a FIFO and a hard link whose target changed
        Files.writeString(root.resolve("l"), "in the way");
        assertThrows(LocalChangedException.class,
                () -> applier.applySymlink("l", of("l", FileType.SYMLINK, 0777, "/etc"), null));
        Files.writeString(root.resolve("p"), "in the way");
        assertThrows(LocalChangedException.class, () -> applier.applySpecial("p", of("p", FileType.FIFO, 0644, null), null));
        // the source of a copy vanished while it was copied
        assertThrows(IOException.class, () -> applier.copyToTemp("missing/f", root.resolve("no-such-file")));

        assertEquals(List.of(), temps(root), "no temp file is left in the folder");
        assertEquals(List.of(), temps(outside));
        assertEquals("the user's, written meanwhile", Files.readString(root.resolve("a/f")));
    }

    @Test
    void everyKindOfApplyRefusesASymlinkedParentCleanly() throws Exception {
        Files.writeString(outside.resolve("x"), "theirs");
        Files.createDirectories(outside.resolve("sub"));
        Files.createSymbolicLink(root.resolve("d"), outside);
        Map<String, String> before = snapshot(outside);
        StatSignature x = EntryReader.lstat(outside.resolve("x")).orElseThrow().signature();
        StatSignature sub = EntryReader.lstat(outside.resolve("sub")).orElseThrow().signature();

        assertThrows(IOException.class, () -> applier.createTemp("d/f"));
        assertThrows(IOException.class, () -> applier.applyMetadata("d/x", regular("d/x", new byte[0], 04777), x));
        assertThrows(IOException.class, () -> applier.delete("d/x", x));
        assertThrows(IOException.class, () -> applier.applySymlink("d/l", of("d/l", FileType.SYMLINK, 0777, "/"), null));
        assertThrows(IOException.class, () -> applier.applySpecial("d/p", of("d/p", FileType.FIFO, 0666, null), null));
        assertThrows(IOException.class, () -> applier.applyDirectory("d/n", of("d/n", FileType.DIRECTORY, 0777, null), null));
        assertThrows(IOException.class, () -> applier.applyDirectory("d/sub", of("d/sub", FileType.DIRECTORY, 0777, null), sub));
        assertThrows(IOException.class, () -> applier.restoreDirectoryTime("d/sub", 1L));
        assertThrows(IOException.class, () -> applier.fsyncDirectory(root.resolve("d/sub")));

        assertEquals(before, snapshot(outside));
    }

    @Test
    void theLocalVersionForAConflictScriptIsNeverReadThroughASymlink() throws Exception {
        Files.writeString(root.resolve("mine"), "the folder's");
        try (var in = applier.openForReading("mine")) {
            assertEquals("the folder's", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Files.createSymbolicLink(root.resolve("link"), outside.resolve("f")); // the entry itself swapped
        Files.createSymbolicLink(root.resolve("d"), outside); // or a parent
        assertThrows(IOException.class, () -> applier.openForReading("link").close());
        assertThrows(IOException.class, () -> applier.openForReading("d/f").close());
    }

    static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    static List<String> temps(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> p.getFileName().toString()).filter(Applier::isTempName).toList();
        }
    }

    /** Every entry below {@code dir}, not following links: lstat (with ctime: any metadata change), xattr names, link target. */
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
}
