package io.syncnode.node.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.Xattrs;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Applier#writePreparedTemp}, the one-descriptor install step of a small file, leaves
 * exactly what {@link Applier#writeTemp} and {@link Applier#prepare} left: content, owner, mode,
 * mtime and extended attributes (an ACL inherited from a default ACL removed when the record has
 * none, kept as recorded when it has one).
 */
class ApplierPreparedTempTest {
    private static final boolean ROOT = MetadataWriter.ROOT;

    @TempDir
    Path root;

    @Test
    void oneDescriptorLeavesWhatTheSeparateStepsLeft() throws Exception {
        Files.createDirectories(root.resolve("plain"));
        Files.createDirectories(root.resolve("acl"));
        boolean acl = setfacl("-d", "-m", "g:2345:rx", root.resolve("acl").toString());
        Applier applier = new Applier(root);
        Map<String, byte[]> userXattr = Map.of("user.note", "kept".getBytes(StandardCharsets.UTF_8));
        List<FileRecord> records = List.of(
                record("plain/a", "alpha\n", 0644, Map.of()),
                record("plain/b", "", 04750, Map.of()),
                record("plain/c", "x".repeat(70_000), 0600, userXattr),
                record("acl/d", "inherits a default ACL\n", 0640, Map.of()),
                record("acl/e", "and keeps a recorded attribute\n", 0664, userXattr));
        for (FileRecord r : records) {
            byte[] content = content(r);
            Path separate = applier.writeTemp(r.path(), content);
            applier.prepare(separate, r, true);
            Path together = applier.tempPathFor(r.path());
            applier.writePreparedTemp(together, content, r, true);

            assertArrayEquals(content, Files.readAllBytes(together), r.path());
            StatSignature a = EntryReader.lstat(separate).orElseThrow().signature();
            StatSignature b = EntryReader.lstat(together).orElseThrow().signature();
            assertEquals(List.of(a.mode(), a.uid(), a.gid(), a.mtimeNs(), a.size()),
                    List.of(b.mode(), b.uid(), b.gid(), b.mtimeNs(), b.size()), r.path());
            assertEquals(r.mode(), b.mode() & 07777, r.path());
            assertEquals(r.mtimeNs(), b.mtimeNs(), r.path());
            if (ROOT) {
                assertEquals(List.of(r.uid(), r.gid()), List.of(b.uid(), b.gid()), r.path());
            }
            assertEquals(EntryReader.readXattrs(separate), EntryReader.readXattrs(together), r.path());
            assertEquals(r.xattrs(), EntryReader.readXattrs(together), r.path() + ": the record's attributes"
                    + (acl ? ", not the ACL inherited from the default ACL" : ""));
        }
    }

    @Test
    void aTakenNameIsLeftAlone() throws Exception {
        Applier applier = new Applier(root);
        FileRecord r = record("f", "new\n", 0644, Map.of());
        Path temp = applier.tempPathFor(r.path());
        Files.writeString(temp, "a user's");
        assertThrows(FileAlreadyExistsException.class, () -> applier.writePreparedTemp(temp, content(r), r, true));
        assertEquals("a user's", Files.readString(temp), "not ours: untouched");
    }

    @Test
    void aFailureAfterTheCreateRemovesTheTemp() throws Exception {
        // more than an ext4 block of attribute value: the file system refuses it (not a permission matter)
        Path probe = Files.writeString(root.resolve("probe"), "");
        boolean refused;
        try {
            Files.getFileAttributeView(probe, java.nio.file.attribute.UserDefinedFileAttributeView.class)
                    .write("big", java.nio.ByteBuffer.allocate(16_384));
            refused = false;
        } catch (java.io.IOException e) {
            refused = true;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(refused,
                "this file system takes a 16 KiB attribute value: no failure to provoke here");
        Applier applier = new Applier(root);
        FileRecord bad = record("g", "new\n", 0644, Map.of("user.big", new byte[16_384]));
        Path other = applier.tempPathFor(bad.path());
        assertThrows(Exception.class, () -> applier.writePreparedTemp(other, content(bad), bad, true));
        assertFalse(Files.exists(other), "removed again");
    }

    private final Map<String, String> contents = new java.util.HashMap<>();

    private byte[] content(FileRecord r) {
        return contents.get(r.path()).getBytes(StandardCharsets.UTF_8);
    }

    private FileRecord record(String path, String text, int mode, Map<String, byte[]> xattrs) throws Exception {
        contents.put(path, text);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int uid = ROOT ? 4242 : (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int gid = ROOT ? 4343 : (int) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        return new FileRecord(path, FileType.REGULAR, mode, uid, gid, 1_600_000_000_987_654_321L, bytes.length,
                ContentHash.of(EntryReader.sha256().digest(bytes)), null, 0, VersionVector.of(Map.of(1L, 1L)), false, 1L,
                Xattrs.of(xattrs), null);
    }

    /** Runs setfacl ARGS; false when it is missing or fails (the file system has no ACLs). */
    private static boolean setfacl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("setfacl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
