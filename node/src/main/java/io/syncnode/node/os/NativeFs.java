package io.syncnode.node.os;

import java.io.IOException;
import java.nio.file.Path;

/**
 * File-system calls the JDK lacks or gets wrong. Thread-safe: every method is a single system call
 * on the shared, lazily loaded {@link LibC}.
 */
public final class NativeFs {
    private NativeFs() {
    }

    /**
     * Sets the modification time of {@code path} itself (a symlink is not followed) to
     * {@code mtimeNs} nanoseconds since the epoch, keeping the access time. Works on files,
     * directories and symlinks and keeps all nine fraction digits, which JDK 17's
     * {@code setTimes(..., NOFOLLOW_LINKS)} truncates to microseconds on symlinks.
     *
     * <p>utimensat(AT_FDCWD, path, {{0, UTIME_OMIT}, {sec, nsec}}, AT_SYMLINK_NOFOLLOW). A relative
     * path is resolved against the process working directory, as the JDK does.
     *
     * @throws IOException naming the path and the errno text if the call fails
     */
    public static void setMtimeNoFollow(Path path, long mtimeNs) throws IOException {
        long[] times = {
            0, LibC.UTIME_OMIT,
            Math.floorDiv(mtimeNs, 1_000_000_000L), Math.floorMod(mtimeNs, 1_000_000_000L),
        };
        LibC libc = LibC.get();
        if (libc.utimensat(LibC.AT_FDCWD, PathBytes.of(path), times, LibC.AT_SYMLINK_NOFOLLOW) != 0) {
            int errno = LibC.lastError();
            throw new IOException("cannot set mtime of " + path + ": utimensat failed, " + LibC.describe(errno));
        }
    }
}
