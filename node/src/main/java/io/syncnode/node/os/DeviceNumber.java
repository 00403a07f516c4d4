package io.syncnode.node.os;

/**
 * Linux device numbers ({@code dev_t}, e.g. {@code unix:rdev}) split and joined with glibc's
 * formula from {@code <sys/sysmacros.h>}: 12-bit major and 20-bit minor in the low 32 bits
 * (minor's low 8 bits first), the rest of both in the high 32 bits.
 *
 * <p>Do not use jnr-posix {@code FileStat.major()/minor()}: they decode BSD-style
 * ({@code rdev >> 24}) and turn /dev/null's 1:3 (rdev 259) into 0:259.
 */
public final class DeviceNumber {
    private DeviceNumber() {
    }

    /** gnu_dev_major: {@code ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff)}, as unsigned 32 bits. */
    public static int major(long rdev) {
        return (int) (((rdev >>> 8) & 0xfffL) | ((rdev >>> 32) & 0xfffff000L));
    }

    /** gnu_dev_minor: {@code (dev & 0xff) | ((dev >> 12) & ~0xff)}, as unsigned 32 bits. */
    public static int minor(long rdev) {
        return (int) ((rdev & 0xffL) | ((rdev >>> 12) & 0xffffff00L));
    }

    /**
     * gnu_dev_makedev, the inverse of {@link #major} and {@link #minor}. Both are taken as unsigned
     * 32-bit values, so {@code makedev(major(d), minor(d)) == d} for every {@code d}.
     */
    public static long makedev(int major, int minor) {
        long ma = Integer.toUnsignedLong(major);
        long mi = Integer.toUnsignedLong(minor);
        return ((ma & 0xfffL) << 8) | ((ma & 0xfffff000L) << 32)
                | (mi & 0xffL) | ((mi & 0xffffff00L) << 12);
    }
}
