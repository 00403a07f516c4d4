package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device nodes, FIFOs, xattrs and ACLs, sparse files, hard links. We run as root here. */
class FidelityTest {
    private static final boolean IS_ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path dir;

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static long rdev(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    // ------------------------------------------------------------ mknod / mkfifo

    @Test
    void mkfifoCreatesAFifo() throws IOException {
        Path fifo = dir.resolve("fifo");
        NativeFs.mkfifo(fifo, 0644);
        assertEquals(LibC.S_IFIFO, mode(fifo) & LibC.S_IFMT);
        assertTrue(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther());
        IOException e = assertThrows(IOException.class, () -> NativeFs.mkfifo(fifo, 0644));
        assertTrue(e.getMessage().contains(fifo.toString()) && e.getMessage().contains("errno 17 (File exists)"),
                e.getMessage());
    }

    @Test
    void mknodCreatesCharAndBlockDevicesWithTheirNumbers() throws IOException {
        assumeTrue(IS_ROOT, "needs root: mknod of character and block devices needs CAP_MKNOD");
        Path nul = dir.resolve("null");
        Path sda = dir.resolve("sda");
        Path big = dir.resolve("big");
        NativeFs.mknod(nul, LibC.S_IFCHR | 0666, DeviceNumber.makedev(1, 3));
        NativeFs.mknod(sda, LibC.S_IFBLK | 0660, DeviceNumber.makedev(8, 0));
        NativeFs.mknod(big, LibC.S_IFCHR | 0600, DeviceNumber.makedev(259, 65536));

        assertEquals(LibC.S_IFCHR, mode(nul) & LibC.S_IFMT);
        assertEquals(259L, rdev(nul));
        assertEquals(1, DeviceNumber.major(rdev(nul)));
        assertEquals(3, DeviceNumber.minor(rdev(nul)));
        assertEquals(LibC.S_IFBLK, mode(sda) & LibC.S_IFMT);
        assertEquals(8, DeviceNumber.major(rdev(sda)));
        assertEquals(0, DeviceNumber.minor(rdev(sda)));
        assertEquals(259, DeviceNumber.major(rdev(big)));
        assertEquals(65536, DeviceNumber.minor(rdev(big)));
        // the node really is /dev/null: writes vanish, reads see EOF
        Files.writeString(nul, "gone");
        assertEquals(0, Files.readAllBytes(nul).length);
    }

    @Test
    void mknodFailureNamesPathAndErrno() {
        Path p = dir.resolve("missing-dir").resolve("fifo");
        IOException e = assertThrows(IOException.class, () -> NativeFs.mknod(p, LibC.S_IFIFO | 0600, 0));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("mknod failed, errno 2 (No such file or directory)"), e.getMessage());
    }

    // ------------------------------------------------------------ xattrs

    @Test
    void setsListsAndRemovesXattrsWithoutFollowingSymlinks() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), file.getFileName());
        byte[] binary = new byte[4000]; // ext4 takes about one block per value
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        NativeFs.setXattr(file, "user.empty", new byte[0]);
        NativeFs.setXattr(file, "user.bin", binary);
        NativeFs.setXattr(file, "user.caf\u00e9", "latin-1 name byte".getBytes(StandardCharsets.UTF_8));

        Map<String, byte[]> attrs = NativeFs.listXattrs(file);
        assertEquals(List.of("user.bin", "user.caf\u00e9", "user.empty"), new ArrayList<>(attrs.keySet()));
        assertArrayEquals(binary, attrs.get("user.bin"));
        assertEquals(0, attrs.get("user.empty").length);
        // the raw name byte is 0xe9, as a C program would see it
        assertEquals(1, NativeFs.listXattrs(file).keySet().stream().filter(n -> n.endsWith("\u00e9")).count());

        // the symlink itself has none, and user.* cannot be set on it (EPERM), not even via follow
        assertTrue(NativeFs.listXattrs(link).isEmpty());
        IOException e = assertThrows(IOException.class, () -> NativeFs.setXattr(link, "user.x", new byte[] {1}));
        assertTrue(e.getMessage().contains(link.toString()) && e.getMessage().contains("errno 1 (Operation not permitted)"),
                e.getMessage());

        NativeFs.removeXattr(file, "user.bin");
        assertFalse(NativeFs.listXattrs(file).containsKey("user.bin"));
        IOException gone = assertThrows(IOException.class, () -> NativeFs.removeXattr(file, "user.bin"));
        assertTrue(gone.getMessage().contains("errno 61 (No data available)"), gone.getMessage());
    }

    @Test
    void trustedAndSecurityXattrsAsRootIncludingOnSymlinks() throws IOException {
        assumeTrue(IS_ROOT, "needs root: trusted.* and security.* xattrs need CAP_SYS_ADMIN");
        Path file = Files.writeString(dir.resolve("f"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), file.getFileName());
        NativeFs.setXattr(link, "trusted.on-link", new byte[] {7});
        NativeFs.setXattr(file, "security.test", new byte[] {1, 2});
        NativeFs.setXattr(file, "trusted.t", new byte[] {3});

        Map<String, byte[]> linkAttrs = NativeFs.listXattrs(link);
        assertEquals(List.of("trusted.on-link"), new ArrayList<>(linkAttrs.keySet()));
        assertArrayEquals(new byte[] {7}, linkAttrs.get("trusted.on-link"));
        Map<String, byte[]> fileAttrs = NativeFs.listXattrs(file);
        assertArrayEquals(new byte[] {1, 2}, fileAttrs.get("security.test"));
        assertArrayEquals(new byte[] {3}, fileAttrs.get("trusted.t"));
        assertFalse(fileAttrs.containsKey("trusted.on-link"));
    }

    @Test
    void xattrsOnFifoAndDeviceNodes() throws IOException {
        assumeTrue(IS_ROOT, "needs root: trusted.* xattrs");
        Path fifo = dir.resolve("fifo");
        NativeFs.mkfifo(fifo, 0600);
        // user.* is refused on special files, trusted.* is fine; listing never opens the FIFO
        assertThrows(IOException.class, () -> NativeFs.setXattr(fifo, "user.x", new byte[] {1}));
        NativeFs.setXattr(fifo, "trusted.x", new byte[] {1});
        assertEquals(List.of("trusted.x"), new ArrayList<>(NativeFs.listXattrs(fifo).keySet()));
    }

    @Test
    void listXattrsSurvivesValuesAndListsChangingUnderIt() throws Exception {
        Path file = Files.writeString(dir.resolve("racy"), "x");
        byte[] small = new byte[8];
        byte[] large = new byte[3000];
        Arrays.fill(large, (byte) 'L');
        NativeFs.setXattr(file, "user.v", small);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    NativeFs.setXattr(file, "user.v", i % 2 == 0 ? large : small);
                    if (i % 3 == 0) {
                        NativeFs.setXattr(file, "user.extra" + (i % 50), small);
                    } else if (i % 3 == 1) {
                        try {
                            NativeFs.removeXattr(file, "user.extra" + ((i - 1) % 50));
                        } catch (IOException ignored) {
                            // already gone
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < deadline) {
                byte[] v = NativeFs.listXattrs(file).get("user.v");
                assertTrue(v.length == small.length || Arrays.equals(v, large), "torn value of " + v.length);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    @Test
    void xattrErrorsNameThePath() {
        Path missing = dir.resolve("nope");
        IOException e = assertThrows(IOException.class, () -> NativeFs.listXattrs(missing));
        assertTrue(e.getMessage().contains(missing.toString())
                && e.getMessage().contains("llistxattr failed, errno 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NativeFs.setXattr(missing, "user.\u20ac", new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> NativeFs.setXattr(missing, "user.big", new byte[NativeFs.XATTR_SIZE_MAX + 1]));
    }

    // ------------------------------------------------------------ POSIX ACLs

    @Test
    void posixAclIsAnXattrThatCopiesVerbatim() throws Exception {
        assumeTrue(IS_ROOT, "needs root: setfacl for another uid");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setfacl")) && Files.isExecutable(Path.of("/usr/bin/getfacl")),
                "needs the acl package (setfacl/getfacl): apt-get install acl");
        Path src = Files.writeString(dir.resolve("src"), "x");
        Path dst = Files.writeString(dir.resolve("dst"), "y");
        Path srcDir = Files.createDirectory(dir.resolve("srcdir"));
        Path dstDir = Files.createDirectory(dir.resolve("dstdir"));
        run("setfacl", "-m", "u:1234:rw", src.toString());
        run("setfacl", "-d", "-m", "u:1234:rx", srcDir.toString());

        Map<String, byte[]> attrs = NativeFs.listXattrs(src);
        assertTrue(attrs.containsKey("system.posix_acl_access"), attrs.keySet().toString());
        NativeFs.setXattr(dst, "system.posix_acl_access", attrs.get("system.posix_acl_access"));
        assertEquals(acl(src), acl(dst).replace("# file: " + dst.toString().substring(1), "# file: " + src.toString().substring(1)));
        assertTrue(acl(dst).contains("user:1234:rw-"), acl(dst));

        byte[] dflt = NativeFs.listXattrs(srcDir).get("system.posix_acl_default");
        NativeFs.setXattr(dstDir, "system.posix_acl_default", dflt);
        assertTrue(acl(dstDir).contains("default:user:1234:r-x"), acl(dstDir));

        // garbage is refused by the kernel (EOPNOTSUPP on ext4), with the path in the message
        IOException e = assertThrows(IOException.class,
                () -> NativeFs.setXattr(dst, "system.posix_acl_access", new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().contains(dst.toString()), e.getMessage());
    }

    private static String acl(Path p) throws Exception {
        return run("getfacl", "-n", p.toString());
    }

    private static String run(String... cmd) throws Exception {
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    // ------------------------------------------------------------ sparse files

    @Test
    void dataRegionsFindTheHoleAndARegionWiseCopyStaysSparse() throws IOException {
        int block = 64 * 1024;
        long hole = 1024 * 1024;
        Path sparse = dir.resolve("sparse");
        byte[] a = new byte[block];
        byte[] b = new byte[block];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        try (FileChannel ch = FileChannel.open(sparse, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(a), 0);
            ch.write(ByteBuffer.wrap(b), block + hole);
        }
        long size = Files.size(sparse);
        assertEquals(2 * block + hole, size);

        List<long[]> regions = NativeFs.dataRegions(sparse);
        assertEquals(2, regions.size(), () -> describe(regions));
        assertArrayEquals(new long[] {0, block}, regions.get(0));
        assertArrayEquals(new long[] {block + hole, size}, regions.get(1));

        // copy: write only the data regions at their offsets, then extend to the full size
        Path copy = dir.resolve("copy");
        try (FileChannel in = FileChannel.open(sparse);
                RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "rw")) {
            FileChannel out = raf.getChannel();
            for (long[] r : regions) {
                ByteBuffer buf = ByteBuffer.allocate((int) (r[1] - r[0]));
                in.read(buf, r[0]);
                out.write(buf.flip(), r[0]);
            }
            raf.setLength(size);
        }
        assertEquals(size, ((Number) Files.getAttribute(copy, "unix:size")).longValue());
        assertEquals(-1, Files.mismatch(sparse, copy));
        long allocated = NativeFs.allocatedBytes(copy);
        assertTrue(allocated < size && allocated >= 2L * block, "allocated " + allocated + " of " + size);
        assertEquals(NativeFs.allocatedBytes(sparse), allocated);
        assertEquals(describe(regions), describe(NativeFs.dataRegions(copy)));
    }

    @Test
    void dataRegionsOfDenseEmptyAndTrailingHoleFiles() throws IOException {
        Path dense = Files.write(dir.resolve("dense"), new byte[10_000]);
        assertEquals("[0,10000)", describe(NativeFs.dataRegions(dense)));
        Path empty = Files.createFile(dir.resolve("empty"));
        assertTrue(NativeFs.dataRegions(empty).isEmpty());
        Path allHole = dir.resolve("allhole");
        try (RandomAccessFile raf = new RandomAccessFile(allHole.toFile(), "rw")) {
            raf.setLength(1 << 20);
        }
        assertTrue(NativeFs.dataRegions(allHole).isEmpty());
        assertEquals(0, NativeFs.allocatedBytes(allHole));
        Path link = Files.createSymbolicLink(dir.resolve("link"), dense.getFileName());
        IOException e = assertThrows(IOException.class, () -> NativeFs.dataRegions(link));
        assertTrue(e.getMessage().contains(link.toString()) && e.getMessage().contains("errno 40"), e.getMessage());
    }

    private static String describe(List<long[]> regions) {
        StringBuilder sb = new StringBuilder();
        for (long[] r : regions) {
            sb.append('[').append(r[0]).append(',').append(r[1]).append(')');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------ hard links, directory mtimes

    @Test
    void hardLinksShareTheInode() throws IOException {
        Path a = Files.writeString(dir.resolve("a"), "x");
        assertEquals(1, NativeFs.nlink(a));
        Path b = dir.resolve("b");
        NativeFs.link(a, b);
        assertEquals(2, NativeFs.nlink(a));
        assertEquals(NativeFs.inode(a), NativeFs.inode(b));
        // a symlink is linked itself, and nlink/inode do not follow it
        Path sym = Files.createSymbolicLink(dir.resolve("sym"), a.getFileName());
        Path sym2 = dir.resolve("sym2");
        NativeFs.link(sym, sym2);
        assertTrue(Files.isSymbolicLink(sym2));
        assertEquals(2, NativeFs.nlink(sym));
        assertEquals(NativeFs.inode(sym), NativeFs.inode(sym2));
        assertTrue(NativeFs.inode(sym) != NativeFs.inode(a));
    }

    @Test
    void directoryMtimeSurvivesSettingItLast() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.writeString(sub.resolve("child"), "x");
        NativeFs.setMtimeNoFollow(sub, 1_600_000_000_987_654_321L);
        assertEquals(1_600_000_000_987_654_321L,
                Files.getLastModifiedTime(sub, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS));
        // any later entry change in it bumps it again: the engine must set directory mtimes last
        Files.writeString(sub.resolve("child2"), "y");
        assertTrue(Files.getLastModifiedTime(sub).to(TimeUnit.NANOSECONDS) > 1_600_000_000_987_654_321L);
    }
}
