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
    int EPERM = 1;
    int ENXIO = 6;
    int EACCES = 13;
    int ERANGE = 34;
    int ENODATA = 61;
    int EOPNOTSUPP = 95;
    int O_RDONLY = 0;
    int O_WRONLY = 01;
    int O_RDWR = 02;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_NOCTTY = 0400;
    int O_TRUNC = 01000;
    int O_PATH = 010000000;
    int AT_REMOVEDIR = 0x200;
    int AT_EMPTY_PATH = 0x1000;
    int EEXIST = 17;
    int EISDIR = 21;
    int ENOTEMPTY = 39;
    int ELOOP = 40;
    int ENOSYS = 38;
    int E2BIG = 7;
    int EXDEV = 18;
    /**
     * True where O_DIRECTORY and O_NOFOLLOW have the ARM/PowerPC values (asm/fcntl.h): a wrong
     * value there would silently mean O_DIRECT/O_LARGEFILE and follow symlinks. The JVM's own
     * architecture name, read here once (not configuration).
     */
    boolean ARM_OR_POWERPC = System.getProperty("os.arch", "").matches("aarch64|arm.*|ppc.*");
    int O_NOFOLLOW = ARM_OR_POWERPC ? 0100000 : 0400000;
    int O_DIRECTORY = ARM_OR_POWERPC ? 040000 : 0200000;
    int SEEK_DATA = 3;
    int SEEK_HOLE = 4;
    int S_IFMT = 0170000;
    int S_IFIFO = 0010000;
    int S_IFCHR = 0020000;
    int S_IFDIR = 0040000;
    int S_IFBLK = 0060000;
    int S_IFREG = 0100000;
    int S_IFLNK = 0120000;
    int S_IFSOCK = 0140000;
    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int MSG_NOSIGNAL = 0x4000;

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

    /** int mknod(const char *, mode_t, dev_t): a real symbol since glibc 2.33 (no __xmknod). */
    int mknod(@In byte[] pathname, int mode, long dev);

    /** int open(const char *, int, ...): the mode is only read with O_CREAT. */
    int open(@In byte[] pathname, int flags, int mode);

    /** off_t lseek(int, off_t, int). */
    long lseek(int fd, long offset, int whence);

    /** int lstat(const char *, struct stat *): a real symbol since glibc 2.33 (no __lxstat). */
    int lstat(@In byte[] pathname, Pointer statbuf);

    /** ssize_t llistxattr(const char *, char *list, size_t): list NULL and size 0 query the size. */
    long llistxattr(@In byte[] pathname, @Out byte[] list, long size);

    /** ssize_t lgetxattr(const char *, const char *, void *, size_t): value NULL and size 0 query the size. */
    long lgetxattr(@In byte[] pathname, @In byte[] name, @Out byte[] value, long size);

    /** int lsetxattr(const char *, const char *, const void *, size_t, int flags). */
    int lsetxattr(@In byte[] pathname, @In byte[] name, @In byte[] value, long size, int flags);

    /** int lremovexattr(const char *, const char *). */
    int lremovexattr(@In byte[] pathname, @In byte[] name);

    /** int symlink(const char *target, const char *linkpath): the target bytes are stored as they are. */
    int symlink(@In byte[] target, @In byte[] linkpath);

    /** ssize_t readlink(const char *, char *buf, size_t): no NUL appended. */
    long readlink(@In byte[] pathname, @Out byte[] buf, long size);

    /** DIR *opendir(const char *). */
    Pointer opendir(@In byte[] name);

    /** struct dirent *readdir(DIR *): NULL at the end (errno unchanged) or on error (errno set). */
    Pointer readdir(Pointer dirp);

    int closedir(Pointer dirp);

    String strerror(int errnum);

    // the *at calls of ConfinedFs: every name is one component, relative to an open directory

    /** int openat(int dirfd, const char *, int flags, mode_t): the mode is only read with O_CREAT. */
    int openat(int dirfd, @In byte[] pathname, int flags, int mode);

    int renameat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath);

    /** flags 0 or AT_REMOVEDIR. */
    int unlinkat(int dirfd, @In byte[] pathname, int flags);

    int mkdirat(int dirfd, @In byte[] pathname, int mode);

    /** A real symbol since glibc 2.33 (no __xmknodat). */
    int mknodat(int dirfd, @In byte[] pathname, int mode, long dev);

    int symlinkat(@In byte[] target, int newdirfd, @In byte[] linkpath);

    /** flags 0: a symlink {@code oldpath} is linked itself, not followed. */
    int linkat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

    int fchownat(int dirfd, @In byte[] pathname, int owner, int group, int flags);

    int fchown(int fd, int owner, int group);

    int fchmod(int fd, int mode);

    /** int futimens(int, const struct timespec[2]): {atime sec, nsec, mtime sec, nsec}. */
    int futimens(int fd, @In long[] times);

    /** int chmod(const char *, mode_t): only on a /proc/self/fd/N link of an O_PATH descriptor (see ConfinedFs). */
    int chmod(@In byte[] pathname, int mode);

    int fsync(int fd);

    /** Writes back every dirty inode and page of the file system holding {@code fd} and commits it (Linux 2.6.39). */
    int syncfs(int fd);

    /** int statx(int dirfd, const char *, int flags, unsigned mask, struct statx *): the same layout on every architecture. */
    int statx(int dirfd, @In byte[] pathname, int flags, int mask, Pointer statxbuf);

    /**
     * long syscall(long, ...) bound for openat2(2) (number 437 on every architecture; glibc has no
     * wrapper): {@code syscall(437, dirfd, path, struct open_how *, sizeof)}. -1 and errno on failure.
     */
    long syscall(long number, int dirfd, @In byte[] pathname, @In byte[] how, long size);

    /** mode_t umask(mode_t): sets the process's file mode creation mask, returns the previous one. */
    int umask(int mask);

    /** int kill(pid_t, int): a negative pid sends the signal to that process group. */
    int kill(int pid, int sig);

    /** int socket(int domain, int type, int protocol). */
    int socket(int domain, int type, int protocol);

    /** int bind(int, const struct sockaddr *, socklen_t): addr is a sockaddr_un as bytes (see {@link SystemdNotify}). */
    int bind(int fd, @In byte[] addr, int addrlen);

    /** ssize_t sendto(int, const void *, size_t, int flags, const struct sockaddr *, socklen_t). */
    long sendto(int fd, @In byte[] buf, long len, int flags, @In byte[] addr, int addrlen);

    /** ssize_t recv(int, void *, size_t, int flags). */
    long recv(int fd, @Out byte[] buf, long len, int flags);

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
