package io.syncnode.node.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Opens a directory below a folder root without following a symlink in any component: the walk
 * behind {@link ConfinedFs}.
 *
 * <p>Implementation notes. Where the kernel has it (Linux 5.6+), one
 * {@code openat2(rootfd, "a/b/c", O_DIRECTORY, RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS)}
 * opens the whole path. Else, or when a seccomp filter refuses the call (ENOSYS, EPERM) or the
 * kernel does not know the struct or a flag (E2BIG, EINVAL), it is not tried again and each
 * component is opened in turn with {@code openat(fd, name, O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC)}, the
 * previous descriptor closed. Both refuse a symlink (ELOOP; ENOTDIR from {@code openat} with
 * O_DIRECTORY) and a non-directory (ENOTDIR) anywhere on the way; ENOENT becomes
 * {@link NoSuchFileException}. Paths here never hold {@code ..} (the caller normalises and checks
 * them), so RESOLVE_BENEATH only adds a second guard.
 *
 * <p>Thread-safe: the only state is whether openat2 is usable, a volatile flag that only ever
 * goes from true to false.
 */
final class BeneathWalk {
    private static final long SYS_OPENAT2 = 437;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_NO_SYMLINKS = 0x04;
    private static final long RESOLVE_BENEATH = 0x08;
    private static final int DIR_OPEN = LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC;
    private static final byte[] HOW = openHow();

    private static volatile boolean openat2 = true;

    private BeneathWalk() {
    }

    /** Tests: false makes every walk go component by component, as on a kernel without openat2. */
    static void useOpenat2(boolean use) {
        openat2 = use;
    }

    /**
     * A descriptor of the directory {@code dir} (relative, at least one component) below the
     * directory open as {@code rootFd} (not closed here), reached without following any symlink.
     * {@code root} and {@code entry} only name things in errors.
     */
    static int open(int rootFd, Path root, Path dir, Path entry) throws IOException {
        if (openat2) {
            byte[] path = PathBytes.of(dir);
            int fd = (int) LibC.get().syscall(SYS_OPENAT2, rootFd, path, HOW, HOW.length);
            if (fd >= 0) {
                return fd;
            }
            int errno = LibC.lastError();
            if (errno == LibC.ENOSYS || errno == LibC.EPERM || errno == LibC.E2BIG || errno == LibC.EINVAL) {
                openat2 = false; // not this kernel, or filtered: the walk below from now on
            } else if (errno != LibC.EAGAIN) {
                throw failure(root.resolve(dir), entry, errno);
            }
        }
        return walk(rootFd, root, dir, entry);
    }

    private static int walk(int rootFd, Path root, Path dir, Path entry) throws IOException {
        LibC libc = LibC.get();
        int fd = rootFd;
        try {
            for (int i = 0; i < dir.getNameCount(); i++) {
                byte[] name = PathBytes.bytes(dir.getName(i));
                int next = libc.openat(fd, Arrays.copyOf(name, name.length + 1), DIR_OPEN, 0);
                if (next < 0) {
                    throw failure(root.resolve(dir.subpath(0, i + 1)), entry, LibC.lastError());
                }
                if (fd != rootFd) {
                    libc.close(fd);
                }
                fd = next;
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            if (fd != rootFd) {
                libc.close(fd);
            }
            throw e;
        }
    }

    private static IOException failure(Path parent, Path entry, int errno) {
        if (errno == LibC.ENOENT) {
            return new NoSuchFileException(entry.toString(), null, "a parent in " + parent + " is missing");
        }
        if (errno == LibC.ELOOP || errno == LibC.ENOTDIR || errno == LibC.EXDEV) {
            return new NativeFs.ErrnoException("refused to reach " + entry + ": its parent " + parent
                    + " is a symlink or not a directory, or passes one (" + LibC.describe(errno) + ")", errno);
        }
        return NativeFs.failure("open the parent " + parent + " of", entry, "openat", errno);
    }

    /** struct open_how {u64 flags; u64 mode; u64 resolve;} in the machine's byte order. */
    private static byte[] openHow() {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
        b.putLong(DIR_OPEN);
        b.putLong(0);
        b.putLong(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
        return b.array();
    }
}
