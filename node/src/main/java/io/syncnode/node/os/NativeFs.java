package io.syncnode.node.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * File-system calls the JDK lacks or gets wrong: mtimes of symlinks, device nodes and FIFOs,
 * xattrs of every namespace (POSIX ACLs included), sparse-file layout, allocated size, hard-link
 * helpers and raw-byte directory listings. Stateless and thread-safe; every path is passed to the
 * kernel byte-exact ({@link PathBytes}), so names that are not valid UTF-8 work too.
 *
 * <p>Every IOException names the path, the call and the errno text. A relative path is resolved
 * against the process working directory, as the JDK does. The xattr calls are made by
 * {@link NativeXattrs}.
 */
public final class NativeFs {
    /** XATTR_SIZE_MAX: the kernel's limit on one xattr value (ext4 allows less, one block). */
    public static final int XATTR_SIZE_MAX = 64 * 1024;
    private static final int STAT_BYTES = 144;
    private static final int STAT_BLOCKS_OFFSET = 64; // st_blocks, same offset on x86_64 and aarch64
    private static final int DIRENT_NAME_OFFSET = 19; // struct dirent (64-bit): ino 8, off 8, reclen 2, type 1
    private static final int DIRENT_RECLEN_OFFSET = 16;

    private NativeFs() {
    }

    static IOException failure(String what, Path path, String call, int errno) {
        return new ErrnoException("cannot " + what + " " + path + ": " + call + " failed, " + LibC.describe(errno),
                errno);
    }

    /** A failed system call, with its errno. */
    public static final class ErrnoException extends IOException {
        private final int errno;

        ErrnoException(String message, int errno) {
            super(message);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }

        /** The caller may not do it here (EPERM, EACCES) or the file system cannot (EOPNOTSUPP). */
        public boolean notPermittedOrSupported() {
            return errno == LibC.EPERM || errno == LibC.EACCES || errno == LibC.EOPNOTSUPP;
        }
    }

    /**
     * symlink(2): creates {@code link} pointing to exactly {@code target} (bytes, stored as they
     * are: no normalisation of slashes, any encoding).
     */
    public static void symlink(byte[] target, Path link) throws IOException {
        byte[] t = Arrays.copyOf(target, target.length + 1);
        if (LibC.get().symlink(t, PathBytes.of(link)) != 0) {
            throw failure("create symlink", link, "symlink", LibC.lastError());
        }
    }

    /** readlink(2): the exact target bytes of the symlink {@code link} (Files.readSymbolicLink normalises slashes). */
    public static byte[] readlink(Path link) throws IOException {
        byte[] p = PathBytes.of(link);
        byte[] buf = new byte[4096];
        long n = LibC.get().readlink(p, buf, buf.length);
        if (n < 0) {
            int errno = LibC.lastError();
            if (errno == LibC.ENOENT) {
                throw new java.nio.file.NoSuchFileException(link.toString());
            }
            throw failure("read symlink", link, "readlink", errno);
        }
        return Arrays.copyOf(buf, (int) n);
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

    /**
     * umask(2): sets the process's file mode creation mask to {@code mask} and returns the previous
     * one. The daemon runs with 077: whatever it creates without an explicit mode is its own only;
     * the applier sets every final mode explicitly (chmod after creation), so the umask never
     * changes what a folder receives.
     */
    public static int umask(int mask) {
        return LibC.get().umask(mask);
    }

    // ---------------------------------------------------------------- device nodes and FIFOs

    /**
     * mknod(path, mode, rdev): creates a device node, FIFO, socket node or empty regular file.
     * {@code mode} holds the type bits ({@link LibC#S_IFCHR}, {@link LibC#S_IFBLK},
     * {@link LibC#S_IFIFO}, {@link LibC#S_IFREG}, {@link LibC#S_IFSOCK}) and the permissions,
     * which the process umask reduces as usual (chmod afterwards for exact bits). {@code rdev}
     * matters for devices only; build it with {@link DeviceNumber#makedev}. Character and block
     * devices need CAP_MKNOD (root); a FIFO does not. An existing path is not replaced (EEXIST).
     */
    public static void mknod(Path path, int mode, long rdev) throws IOException {
        if (LibC.get().mknod(PathBytes.of(path), mode, rdev) != 0) {
            throw failure("create node", path, "mknod", LibC.lastError());
        }
    }

    /** mkfifo as {@code mknod(path, S_IFIFO | (perm & 07777), 0)}; the umask applies. */
    public static void mkfifo(Path path, int perm) throws IOException {
        mknod(path, LibC.S_IFIFO | (perm & 07777), 0);
    }

    // ---------------------------------------------------------------- stat, hard links

    /**
     * Bytes actually allocated to {@code path} itself (a symlink is not followed):
     * {@code st_blocks * 512} from lstat(2). Less than the size for a sparse file.
     */
    public static long allocatedBytes(Path path) throws IOException {
        Pointer buf = Memory.allocateDirect(LibC.runtime(), STAT_BYTES);
        if (LibC.get().lstat(PathBytes.of(path), buf) != 0) {
            throw failure("stat", path, "lstat", LibC.lastError());
        }
        return buf.getLong(STAT_BLOCKS_OFFSET) * 512;
    }

    /** Number of hard links to {@code path} itself ({@code unix:nlink}, not following symlinks). */
    public static long nlink(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    /** Inode number of {@code path} itself ({@code unix:ino}, not following symlinks). */
    public static long inode(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    /**
     * Creates {@code newLink} as another hard link to {@code existing} (Files.createLink, i.e.
     * link(2)); on Linux a symlink {@code existing} is linked itself, not its target.
     */
    public static void link(Path existing, Path newLink) throws IOException {
        Files.createLink(newLink, existing);
    }

    // ---------------------------------------------------------------- xattrs

    /**
     * All extended attributes of {@code path} itself (a symlink is not followed), every namespace
     * the caller may read: user.*, trusted.* and security.* (root), system.posix_acl_access and
     * system.posix_acl_default (POSIX ACLs, in the kernel's binary form, copyable verbatim with
     * {@link #setXattr}). Sorted by name. Names are raw: each name byte is one char
     * (ISO-8859-1), so non-ASCII names survive a round trip through {@link #setXattr}.
     *
     * <p><b>Best effort per attribute:</b> an attribute that vanishes meanwhile (ENODATA) or that
     * cannot be read (EPERM, EACCES, EOPNOTSUPP, e.g. trusted.* for a non-root caller) is
     * <b>skipped</b>, not reported; the call fails only if the path itself cannot be listed or a
     * value fails otherwise. A file system without xattr support (EOPNOTSUPP on the list) gives an
     * empty map.
     */
    public static Map<String, byte[]> listXattrs(Path path) throws IOException {
        return NativeXattrs.list(path);
    }

    /**
     * lsetxattr(path, name, value, 0): creates or replaces one attribute of {@code path} itself.
     * {@code name} is raw (one char per byte, see {@link #listXattrs}). Kernel answers worth
     * knowing: user.* on a symlink or device/FIFO gives EPERM; an invalid
     * system.posix_acl_* value gives EOPNOTSUPP; a value larger than the file system allows
     * (ext4: about one block, 4 KiB) gives ENOSPC or E2BIG.
     *
     * @throws IllegalArgumentException if the name has a char above U+00FF or a NUL, or the value
     *                                  exceeds {@link #XATTR_SIZE_MAX}
     */
    public static void setXattr(Path path, String name, byte[] value) throws IOException {
        NativeXattrs.set(path, name, value);
    }

    /** lremovexattr(path, name); a missing attribute gives an IOException with ENODATA. */
    public static void removeXattr(Path path, String name) throws IOException {
        NativeXattrs.remove(path, name);
    }

    // ---------------------------------------------------------------- sparse files

    /**
     * The data regions of a regular file as {@code [start, end)} byte ranges, ascending; the gaps
     * are holes (read as zeros, not allocated). A file without holes gives one region
     * {@code [0, size)}, an empty or all-hole file none. open(O_RDONLY|O_CLOEXEC|O_NOFOLLOW), then
     * lseek(SEEK_DATA)/lseek(SEEK_HOLE) alternately until SEEK_DATA reports ENXIO, then close. The
     * granularity is the file system's block (4 KiB on ext4); a file system without hole support
     * reports the whole file as data. A symlink is refused (ELOOP), not followed.
     *
     * <p><b>Writing a sparse copy needs no native call and no hole punching:</b> create a new
     * file, write only the data regions at their offsets ({@code FileChannel.write(buf, start)}),
     * then set the full length with {@code RandomAccessFile.setLength(size)} (ftruncate; NIO's
     * {@code FileChannel.truncate} only shrinks). Every byte never written stays a hole. Punching
     * holes (fallocate PUNCH_HOLE) would only be needed to make an existing file sparse in place,
     * and syncnode always writes new temp files.
     */
    public static List<long[]> dataRegions(Path path) throws IOException {
        LibC libc = LibC.get();
        int fd = libc.open(PathBytes.of(path), LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, 0);
        if (fd < 0) {
            throw failure("map data regions of", path, "open", LibC.lastError());
        }
        try {
            List<long[]> regions = new ArrayList<>();
            long pos = 0;
            while (true) {
                long data = libc.lseek(fd, pos, LibC.SEEK_DATA);
                if (data < 0) {
                    int errno = LibC.lastError();
                    if (errno == LibC.ENXIO) {
                        return regions; // no data at or after pos
                    }
                    throw failure("map data regions of", path, "lseek(SEEK_DATA)", errno);
                }
                long hole = libc.lseek(fd, data, LibC.SEEK_HOLE);
                if (hole < 0) {
                    int errno = LibC.lastError();
                    if (errno == LibC.ENXIO) {
                        return regions; // truncated under us
                    }
                    throw failure("map data regions of", path, "lseek(SEEK_HOLE)", errno);
                }
                if (hole > data) {
                    regions.add(new long[] {data, hole});
                }
                pos = hole;
            }
        } finally {
            libc.close(fd);
        }
    }

    // ---------------------------------------------------------------- raw directory listing

    /**
     * The entry names of directory {@code dir} as raw bytes (opendir/readdir/closedir), without
     * "." and "..", in directory order. A fallback for when names must be seen as the kernel has
     * them; {@link PathBytes#resolve} turns each into a byte-exact Path.
     */
    public static List<byte[]> listNames(Path dir) throws IOException {
        LibC libc = LibC.get();
        jnr.ffi.Runtime runtime = LibC.runtime();
        Pointer dirp = libc.opendir(PathBytes.of(dir));
        if (dirp == null) {
            throw failure("list", dir, "opendir", LibC.lastError());
        }
        try {
            List<byte[]> names = new ArrayList<>();
            while (true) {
                runtime.setLastError(0);
                Pointer ent = libc.readdir(dirp);
                if (ent == null) {
                    int errno = LibC.lastError();
                    if (errno != 0) {
                        throw failure("list", dir, "readdir", errno);
                    }
                    return names;
                }
                int reclen = Short.toUnsignedInt(ent.getShort(DIRENT_RECLEN_OFFSET));
                int max = Math.max(0, reclen - DIRENT_NAME_OFFSET);
                byte[] raw = new byte[max];
                ent.get(DIRENT_NAME_OFFSET, raw, 0, max);
                int len = 0;
                while (len < max && raw[len] != 0) {
                    len++;
                }
                byte[] name = Arrays.copyOf(raw, len);
                if (!(len == 1 && name[0] == '.') && !(len == 2 && name[0] == '.' && name[1] == '.')) {
                    names.add(name);
                }
            }
        } finally {
            libc.closedir(dirp);
        }
    }
}
