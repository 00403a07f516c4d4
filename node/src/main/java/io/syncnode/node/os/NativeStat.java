package io.syncnode.node.os;

import java.io.IOException;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * lstat by one {@code statx(2)} call, decoded into exactly the values the JDK's
 * {@code Files.readAttributes(path, "unix:...", NOFOLLOW_LINKS)} gives (device numbers joined as
 * glibc's {@code makedev}, times in nanoseconds saturated as {@code FileTime.to(NANOSECONDS)}),
 * without the JDK's attribute map: a full scan stats every entry, and the JDK's way (parse the
 * attribute names, build a map, box each value) cost more than the system call.
 * {@link #lstatAt} stats a name of a directory held open (the confined walk's), so that the kernel
 * looks up one component instead of a path.
 *
 * <p>Thread-safe: each thread has its own 256-byte result buffer.
 */
public final class NativeStat {
    /** {@code STATX_BASIC_STATS}: type, mode, nlink, uid, gid, times, ino, size, blocks. */
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int STATX_BYTES = 256;
    private static final ThreadLocal<Pointer> BUFFER =
            ThreadLocal.withInitial(() -> Memory.allocateDirect(LibC.runtime(), STATX_BYTES));
    private static final byte[] EMPTY = {0};

    /** What lstat says of one entry (the fields the index's stat signature and the scan use). */
    public record Stat(int mode, int uid, int gid, long nlink, long dev, long ino, long size, long mtimeNs,
                       long ctimeNs, long rdev) {
        /** The type bits of {@link #mode} ({@code S_IFMT}). */
        public int type() {
            return mode & LibC.S_IFMT;
        }
    }

    private NativeStat() {
    }

    /** lstat of {@code path} (never following a final symlink), or null when it does not exist. */
    public static Stat lstat(Path path) throws IOException {
        return stat(LibC.AT_FDCWD, PathBytes.of(path), LibC.AT_SYMLINK_NOFOLLOW, path);
    }

    /**
     * lstat of the entry {@code nameZ} (one NUL-terminated component) of the open directory
     * {@code dirFd}, or null when it does not exist; {@code entry} names it in errors.
     */
    public static Stat lstatAt(int dirFd, byte[] nameZ, Path entry) throws IOException {
        return stat(dirFd, nameZ, LibC.AT_SYMLINK_NOFOLLOW, entry);
    }

    /** fstat of the open descriptor {@code fd}; {@code entry} names it in errors. */
    public static Stat fstat(int fd, Path entry) throws IOException {
        Stat st = stat(fd, EMPTY, LibC.AT_EMPTY_PATH | LibC.AT_SYMLINK_NOFOLLOW, entry);
        if (st == null) {
            throw NativeFs.failure("stat", entry, "statx(AT_EMPTY_PATH)", LibC.ENOENT);
        }
        return st;
    }

    private static Stat stat(int dirFd, byte[] pathZ, int flags, Path entry) throws IOException {
        Pointer b = BUFFER.get();
        if (LibC.get().statx(dirFd, pathZ, flags, STATX_BASIC_STATS, b) != 0) {
            int errno = LibC.lastError();
            if (errno == LibC.ENOENT) {
                return null;
            }
            throw NativeFs.failure("stat", entry, "statx", errno);
        }
        // struct statx (linux/stat.h): the same layout on every architecture
        return new Stat(Short.toUnsignedInt(b.getShort(28)), b.getInt(20), b.getInt(24),
                Integer.toUnsignedLong(b.getInt(16)), DeviceNumber.makedev(b.getInt(136), b.getInt(140)),
                b.getLong(32), b.getLong(40), nanos(b.getLong(112), b.getInt(120)), nanos(b.getLong(96), b.getInt(104)),
                DeviceNumber.makedev(b.getInt(128), b.getInt(132)));
    }

    /** Seconds and nanoseconds as nanoseconds, saturated as the JDK's {@code FileTime.to(NANOSECONDS)}. */
    static long nanos(long seconds, int nanos) {
        long hi = Math.multiplyHigh(seconds, 1_000_000_000L);
        long lo = seconds * 1_000_000_000L;
        if ((hi != 0 || lo < 0) && (hi != -1 || lo >= 0)) {
            return seconds < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        long sum = lo + nanos;
        if (lo > 0 && sum < 0) {
            return Long.MAX_VALUE;
        }
        return sum;
    }
}
