package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeFsTest {
    private static final long MTIME = 1_700_000_000_123_456_789L;

    @TempDir
    Path dir;

    private static long mtimeNs(Path p) throws IOException {
        return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS);
    }

    @Test
    void setsFileMtimeWithNanosecondsAndKeepsAtime() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        Files.setAttribute(file, "basic:lastAccessTime", FileTime.from(1_600_000_000_111_111_111L, TimeUnit.NANOSECONDS));

        NativeFs.setMtimeNoFollow(file, MTIME);

        assertEquals(MTIME, mtimeNs(file));
        FileTime unixMtime = (FileTime) Files.readAttributes(file, "unix:lastModifiedTime", LinkOption.NOFOLLOW_LINKS)
                .get("lastModifiedTime");
        assertEquals(MTIME, unixMtime.to(TimeUnit.NANOSECONDS));
        FileTime atime = (FileTime) Files.getAttribute(file, "basic:lastAccessTime", LinkOption.NOFOLLOW_LINKS);
        assertEquals(1_600_000_000_111_111_111L, atime.to(TimeUnit.NANOSECONDS));
    }

    @Test
    void setsSymlinkMtimeWithNanosecondsAndLeavesTargetAlone() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "x");
        long targetBefore = mtimeNs(target);
        Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());

        NativeFs.setMtimeNoFollow(link, MTIME);

        assertEquals(MTIME, mtimeNs(link));
        assertEquals(targetBefore, mtimeNs(target));
    }

    @Test
    void setsDanglingSymlinkAndDirectoryMtime() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("missing"));
        Path sub = Files.createDirectory(dir.resolve("sub"));

        NativeFs.setMtimeNoFollow(link, MTIME + 1);
        NativeFs.setMtimeNoFollow(sub, MTIME + 2);

        assertEquals(MTIME + 1, mtimeNs(link));
        assertEquals(MTIME + 2, mtimeNs(sub));
    }

    @Test
    void handlesTimesBeforeTheEpoch() throws IOException {
        Path file = Files.writeString(dir.resolve("old"), "x");
        NativeFs.setMtimeNoFollow(file, -1_500_000_001L);
        assertEquals(-1_500_000_001L, mtimeNs(file));
    }

    @Test
    void missingPathThrowsNamingPathAndErrno() {
        Path missing = dir.resolve("no-such-file");
        IOException e = assertThrows(IOException.class, () -> NativeFs.setMtimeNoFollow(missing, MTIME));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("errno 2 (No such file or directory)"), e.getMessage());
    }
}
