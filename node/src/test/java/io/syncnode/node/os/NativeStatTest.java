package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NativeStat} gives exactly what the JDK's unix attributes give, for every kind of entry. */
class NativeStatTest {
    private static final boolean IS_ROOT = "root".equals(System.getProperty("user.name"));
    @TempDir
    Path dir;

    @Test
    void everyKindOfEntryStatsAsTheJdkSaysWithoutFollowingLinks() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "content");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("file"));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), Path.of("nowhere"));
        Path fifo = dir.resolve("fifo");
        NativeFs.mknod(fifo, LibC.S_IFIFO | 0640, 0);
        Path hardLink = Files.createLink(dir.resolve("hard"), file);
        for (Path p : new Path[] {file, sub, link, dangling, fifo, hardLink, dir, Path.of("/dev/null")}) {
            assertSameAsJdk(p);
        }
        assertEquals(LibC.S_IFLNK, NativeStat.lstat(link).type());
        assertEquals(2, NativeStat.lstat(file).nlink());
    }

    @Test
    void timesBeforeTheEpochAndPastNanosecondRangeSaturateAsTheJdkDoes() throws IOException {
        Path old = Files.writeString(dir.resolve("old"), "x");
        Files.setLastModifiedTime(old, FileTime.from(Instant.parse("1960-05-01T10:00:00.123456789Z")));
        assertSameAsJdk(old);
        Path far = Files.writeString(dir.resolve("far"), "x");
        Files.setLastModifiedTime(far, FileTime.from(Instant.parse("2500-01-01T00:00:00.5Z")));
        assertSameAsJdk(far);
        assertEquals(Long.MAX_VALUE, NativeStat.lstat(far).mtimeNs());
        assertEquals(Long.MAX_VALUE, NativeStat.nanos(Long.MAX_VALUE / 1_000_000_000L, 999_999_999));
        assertEquals(Long.MIN_VALUE, NativeStat.nanos(-20_000_000_000L, 1));
        assertEquals(-1, NativeStat.nanos(-1, 999_999_999));
    }

    @Test
    void devicesAndLargeIdsAsRoot() throws IOException {
        assumeTrue(IS_ROOT, "needs root: mknod of devices and chown to other ids; skipped as "
                + System.getProperty("user.name"));
        Path chr = dir.resolve("chr");
        NativeFs.mknod(chr, LibC.S_IFCHR | 0600, io.syncnode.node.os.DeviceNumber.makedev(259, 65536));
        Path blk = dir.resolve("blk");
        NativeFs.mknod(blk, LibC.S_IFBLK | 0600, io.syncnode.node.os.DeviceNumber.makedev(8, 17));
        Path owned = Files.writeString(dir.resolve("owned"), "x");
        Files.setAttribute(owned, "unix:uid", -2, LinkOption.NOFOLLOW_LINKS); // 4294967294
        Files.setAttribute(owned, "unix:gid", 100000, LinkOption.NOFOLLOW_LINKS);
        for (Path p : new Path[] {chr, blk, owned}) {
            assertSameAsJdk(p);
        }
        assertEquals(io.syncnode.node.os.DeviceNumber.makedev(259, 65536), NativeStat.lstat(chr).rdev());
    }

    @Test
    void aNameOfAnOpenDirectoryAndAnOpenDescriptorStatAsThePath() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "content");
        int dirFd = LibC.get().open(PathBytes.of(dir), LibC.O_RDONLY | LibC.O_DIRECTORY, 0);
        int fileFd = LibC.get().open(PathBytes.of(file), LibC.O_RDONLY, 0);
        try {
            byte[] name = "file".getBytes(StandardCharsets.UTF_8);
            assertEquals(NativeStat.lstat(file), NativeStat.lstatAt(dirFd, Arrays.copyOf(name, name.length + 1), file));
            assertEquals(NativeStat.lstat(file), NativeStat.fstat(fileFd, file));
            assertNull(NativeStat.lstatAt(dirFd, "gone\0".getBytes(StandardCharsets.UTF_8), dir.resolve("gone")));
        } finally {
            LibC.get().close(fileFd);
            LibC.get().close(dirFd);
        }
    }

    @Test
    void aMissingEntryIsNullAndAFileUsedAsADirectoryAnError() throws IOException {
        assertNull(NativeStat.lstat(dir.resolve("missing")));
        Path file = Files.writeString(dir.resolve("file"), "x");
        NativeFs.ErrnoException e = assertThrows(NativeFs.ErrnoException.class,
                () -> NativeStat.lstat(file.resolve("below")));
        assertEquals(20, e.errno()); // ENOTDIR
    }

    private static void assertSameAsJdk(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,ctime,mode,uid,gid,rdev,nlink",
                LinkOption.NOFOLLOW_LINKS);
        NativeStat.Stat st = NativeStat.lstat(p);
        String at = p.toString();
        assertEquals(a.get("dev"), st.dev(), at + " dev");
        assertEquals(a.get("ino"), st.ino(), at + " ino");
        assertEquals(a.get("size"), st.size(), at + " size");
        assertEquals(((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS), st.mtimeNs(), at + " mtime");
        assertEquals(((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), st.ctimeNs(), at + " ctime");
        assertEquals(a.get("mode"), st.mode(), at + " mode");
        assertEquals(a.get("uid"), st.uid(), at + " uid");
        assertEquals(a.get("gid"), st.gid(), at + " gid");
        assertEquals(a.get("rdev"), st.rdev(), at + " rdev");
        assertEquals(((Number) a.get("nlink")).longValue(), st.nlink(), at + " nlink");
    }
}
