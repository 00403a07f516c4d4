package io.syncnode.node.os;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The few glibc functions syncnode calls directly, bound with jnr-ffi.
 *
 * <p>Paths are passed as NUL-terminated byte arrays (see {@link PathBytes}) so the encoding is the
 * one the JDK uses for file names, not whatever jnr-ffi would pick for a {@code String}. errno is
 * read with {@link #lastError()} right after a call, on the same thread; jnr-ffi saves it after
 * every call without {@code @SaveError}.
 *
 * <p>Public only because jnr-ffi generates the implementing class in its own class loader (a
 * package-private interface fails with "IllegalAccessError: class LibC$jnr$ffi$0 cannot access its
 * superinterface"). It is an internal detail of this package: nothing outside
 * {@code io.syncnode.node.os} may use it.
 */
public interface LibC {
    int AT_FDCWD = -100;
    int AT_SYMLINK_NOFOLLOW = 0x100;
    long UTIME_OMIT = (1L << 30) - 2;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    short POLLIN = 0x1;
    int EINTR = 4;
    int EAGAIN = 11;
    int EINVAL = 22;
    int ENOENT = 2;
    int ENOTDIR = 20;
    int ENOSPC = 28;
    int EMFILE = 24;

    int inotify_init1(int flags);

    int inotify_add_watch(int fd, @In byte[] pathname, int mask);

    int inotify_rm_watch(int fd, int wd);

    /** ssize_t read(int, void *, size_t). */
    long read(int fd, Pointer buf, long count);

    /** ssize_t write(int, const void *, size_t). */
    long write(int fd, @In byte[] buf, long count);

    /** int poll(struct pollfd *, nfds_t, int): pollfd is {int fd; short events; short revents}. */
    int poll(Pointer fds, long nfds, int timeoutMillis);

    int close(int fd);

    /** int pipe2(int[2], int): fds[0] is the read end, fds[1] the write end. */
    int pipe2(@Out int[] fds, int flags);

    /** times is {atime.sec, atime.nsec, mtime.sec, mtime.nsec} (two struct timespec). */
    int utimensat(int dirfd, @In byte[] pathname, @In long[] times, int flags);

    String strerror(int errnum);

    /** The one loaded instance; loading happens on first use. */
    static LibC get() {
        return Loaded.LIBC;
    }

    /** errno of the last call made through {@link #get()} on this thread. */
    static int lastError() {
        return Loaded.RUNTIME.getLastError();
    }

    /** jnr-ffi runtime of the loaded library, for allocating native memory. */
    static Runtime runtime() {
        return Loaded.RUNTIME;
    }

    /** "errno 28 (No space left on device)". */
    static String describe(int errno) {
        String text = get().strerror(errno);
        return "errno " + errno + " (" + (text == null ? "unknown error" : text) + ")";
    }

    /** Lazy holder: the class initialiser runs once, on first use, and is thread-safe. */
    final class Loaded {
        private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private Loaded() {
        }
    }
}
