package io.syncnode.node.os;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The writing file-system calls of one folder, confined below its root: no call ever follows a
 * symlink in any component below the root, so an entry swapped for a symlink at any moment (by
 * a local user, or by a remote's record applied meanwhile) cannot make the node write, create,
 * remove, chmod, chown, set xattrs or times outside the folder.
 *
 * <p>Implementation notes. Each call takes an absolute {@link Path} below the root (as the
 * applier resolves it) and reaches it afresh: {@code open(root, O_DIRECTORY)} (the configured
 * root path is the operator's and is followed as configured), then its parent directory with
 * {@code openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS)}, or where the kernel lacks it one
 * {@code openat(fd, component, O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC)} per component
 * ({@link BeneathWalk}), so a symlink or non-directory anywhere on the way fails the call with
 * ELOOP or ENOTDIR (an {@link NativeFs.ErrnoException} naming the entry) and nothing happens. The action itself is an
 * {@code *at} call on that directory descriptor and the last name, never following it:
 * renameat, unlinkat, mkdirat, mknodat, symlinkat, linkat (flags 0), fchownat and utimensat with
 * AT_SYMLINK_NOFOLLOW, {@code openat(O_NOFOLLOW)} for content.
 *
 * <p>Three calls go through procfs, because Linux has no portable {@code *at} form for them:
 * <ul>
 * <li>content: the file is opened natively ({@code O_CREAT|O_EXCL|O_NOFOLLOW}, mode 0600, for a
 * new temp file), then a JDK {@link FileChannel} is opened on {@code /proc/self/fd/N}. That magic
 * link resolves to exactly the open file (not to a path), so the channel writes that inode and no
 * other; the native descriptor is closed once the channel is open. A small file written whole
 * ({@link #createNew}) needs no channel: {@link NewFile} writes it and sets its owner, mode and
 * mtime with {@code write}, {@code fchown}, {@code fchmod} and {@code futimens} on that
 * descriptor.</li>
 * <li>chmod: {@code openat(O_PATH|O_NOFOLLOW)}, statx of that descriptor (a symlink is refused:
 * it has no mode of its own), then {@code chmod("/proc/self/fd/N")}, which acts on that inode (what
 * glibc's {@code fchmodat(AT_SYMLINK_NOFOLLOW)} does; it also works for FIFOs and devices, which
 * are never opened).</li>
 * <li>xattrs: {@code lsetxattr}/{@code lremovexattr}/{@code llistxattr} on
 * {@code /proc/self/fd/DIRFD/NAME}: the walk jumps to exactly the directory of the descriptor,
 * and the l-variant does not follow NAME.</li>
 * </ul>
 * So the node needs {@code /proc} mounted (every Linux system and container has it).
 *
 * <p>Reading an entry's content and attributes to index or send them is confined the same way
 * ({@link ConfinedReads}, {@link BeneathTree}); the lstat checks before a change stay path-based:
 * a swapped parent can at most mislead such a check, after which the confined call refuses.
 *
 * <p>Stateless apart from the root path; thread-safe. Every descriptor is closed before a call
 * returns.
 */
public final class ConfinedFs {
    private static final int STATX_TYPE = 1;
    private static final int STATX_BYTES = 256;
    private static final int STATX_MODE_OFFSET = 28;

    private final Path root;

    public ConfinedFs(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /**
     * Creates the regular file {@code file} (it must not exist: O_EXCL, and a symlink there fails
     * too) with mode 0600 and opens it for writing.
     */
    public FileChannel createExclusive(Path file) throws IOException {
        return channel(createFd(file, LibC.O_RDWR), file, StandardOpenOption.WRITE);
    }

    /**
     * Creates the regular file {@code file} as {@link #createExclusive} does, for writing and
     * setting its metadata through its descriptor ({@link NewFile}), without a JDK channel.
     */
    public NewFile createNew(Path file) throws IOException {
        return new NewFile(createFd(file, LibC.O_WRONLY), file);
    }

    /** The descriptor of {@code file}, created with mode 0600 ({@code O_EXCL}: it must not exist, nor be a symlink). */
    private int createFd(Path file, int access) throws IOException {
        try (At at = at(file)) {
            int fd = LibC.get().openat(at.dirfd, at.name, access | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW
                    | LibC.O_CLOEXEC, 0600);
            if (fd < 0) {
                throw failureOrExists("create", file, "openat(O_CREAT|O_EXCL|O_NOFOLLOW)", LibC.lastError());
            }
            return fd;
        }
    }

    /**
     * Opens the existing regular file {@code file} (never a symlink, FIFO or device) for writing,
     * emptied when {@code truncate}, or for reading.
     */
    public FileChannel openRegular(Path file, boolean write, boolean truncate) throws IOException {
        int flags = (write ? LibC.O_WRONLY : LibC.O_RDONLY) | (truncate ? LibC.O_TRUNC : 0)
                | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_NOCTTY | LibC.O_CLOEXEC;
        try (At at = at(file)) {
            int fd = LibC.get().openat(at.dirfd, at.name, flags, 0);
            if (fd < 0) {
                throw failureOrAbsent("open", file, "openat(O_NOFOLLOW)", LibC.lastError());
            }
            if (typeOf(fd, file) != LibC.S_IFREG) {
                LibC.get().close(fd);
                throw new NativeFs.ErrnoException("cannot open " + file + ": not a regular file", LibC.EISDIR);
            }
            return channel(fd, file, write ? StandardOpenOption.WRITE : StandardOpenOption.READ);
        }
    }

    /** fsync of the regular file or directory {@code entry} (opened without following it, never a FIFO or device). */
    public void fsync(Path entry) throws IOException {
        onOpened(entry, LibC.O_NONBLOCK | LibC.O_NOCTTY, "fsync", "openat(O_NOFOLLOW)", fd -> {
            int type = typeOf(fd, entry);
            if (type != LibC.S_IFREG && type != LibC.S_IFDIR) {
                throw new NativeFs.ErrnoException("cannot fsync " + entry + ": not a file or directory", LibC.EINVAL);
            }
            return LibC.get().fsync(fd);
        });
    }

    /**
     * syncfs of the file system holding the directory {@code dir} (opened without following it):
     * every dirty file and directory on it is written back and committed, this node's and others'.
     * Errors of a write-back since the last syncfs are reported (Linux 5.8 and later).
     */
    public void syncfs(Path dir) throws IOException {
        onOpened(dir, LibC.O_DIRECTORY, "syncfs", "openat(O_DIRECTORY|O_NOFOLLOW)", fd -> LibC.get().syncfs(fd));
    }

    /** A call on an open descriptor: its return value, non-zero (with errno) on failure. */
    @FunctionalInterface
    private interface FdCall {
        int run(int fd) throws IOException;
    }

    /**
     * Opens {@code entry} read-only without following it ({@code O_NOFOLLOW|O_CLOEXEC} and
     * {@code flags}), runs the system call {@code what} on it and closes it; a failure names the
     * entry and the call ({@code open}: how it was opened).
     */
    private void onOpened(Path entry, int flags, String what, String open, FdCall call) throws IOException {
        try (At at = at(entry)) {
            int fd = LibC.get().openat(at.dirfd, at.name, LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC | flags, 0);
            if (fd < 0) {
                throw failureOrAbsent(what, entry, open, LibC.lastError());
            }
            try {
                if (call.run(fd) != 0) {
                    throw NativeFs.failure(what, entry, what, LibC.lastError());
                }
            } finally {
                LibC.get().close(fd);
            }
        }
    }

    /** renameat: {@code from} replaces {@code to} atomically (neither is followed). */
    public void rename(Path from, Path to) throws IOException {
        Path f = from.toAbsolutePath().normalize();
        Path t = to.toAbsolutePath().normalize();
        if (!f.equals(root) && !t.equals(root) && f.getParent() != null && f.getParent().equals(t.getParent())) {
            // one directory (a temp file renamed over its target beside it): one walk to it
            try (At a = at(from)) {
                if (LibC.get().renameat(a.dirfd, a.name, a.dirfd, cString(PathBytes.nameBytes(t.getFileName()))) != 0) {
                    throw failureOrAbsent("rename " + from + " to", to, "renameat", LibC.lastError());
                }
            }
            return;
        }
        try (At a = at(from); At b = at(to)) {
            if (LibC.get().renameat(a.dirfd, a.name, b.dirfd, b.name) != 0) {
                throw failureOrAbsent("rename " + from + " to", to, "renameat", LibC.lastError());
            }
        }
    }

    /**
     * Removes {@code entry}: unlinkat, or unlinkat(AT_REMOVEDIR) for a directory, which must be
     * empty ({@link DirectoryNotEmptyException}). Absent: {@link NoSuchFileException}.
     */
    public void delete(Path entry) throws IOException {
        try (At at = at(entry)) {
            LibC libc = LibC.get();
            if (libc.unlinkat(at.dirfd, at.name, 0) == 0) {
                return;
            }
            int errno = LibC.lastError();
            if (errno == LibC.EISDIR) {
                if (libc.unlinkat(at.dirfd, at.name, LibC.AT_REMOVEDIR) == 0) {
                    return;
                }
                errno = LibC.lastError();
                if (errno == LibC.ENOTEMPTY || errno == LibC.EEXIST) {
                    throw new DirectoryNotEmptyException(entry.toString());
                }
            }
            throw failureOrAbsent("remove", entry, "unlinkat", errno);
        }
    }

    /** {@link #delete}, false when it is absent (or one of its parents is). */
    public boolean deleteIfExists(Path entry) throws IOException {
        try {
            delete(entry);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** mkdirat with {@code mode} (the umask applies; chmod for exact bits). */
    public void mkdir(Path dir, int mode) throws IOException {
        try (At at = at(dir)) {
            if (LibC.get().mkdirat(at.dirfd, at.name, mode) != 0) {
                throw failureOrExists("create directory", dir, "mkdirat", LibC.lastError());
            }
        }
    }

    /** mknodat: a device node or FIFO; {@code mode} holds type and permission bits (the umask applies). */
    public void mknod(Path node, int mode, long rdev) throws IOException {
        try (At at = at(node)) {
            if (LibC.get().mknodat(at.dirfd, at.name, mode, rdev) != 0) {
                throw failureOrExists("create node", node, "mknodat", LibC.lastError());
            }
        }
    }

    /** symlinkat: {@code link} pointing to exactly the bytes {@code target}. */
    public void symlink(byte[] target, Path link) throws IOException {
        try (At at = at(link)) {
            if (LibC.get().symlinkat(Arrays.copyOf(target, target.length + 1), at.dirfd, at.name) != 0) {
                throw failureOrExists("create symlink", link, "symlinkat", LibC.lastError());
            }
        }
    }

    /** linkat(flags 0): {@code newLink} as another name of the inode at {@code existing} (a symlink there is linked itself). */
    public void link(Path existing, Path newLink) throws IOException {
        try (At a = at(existing); At b = at(newLink)) {
            if (LibC.get().linkat(a.dirfd, a.name, b.dirfd, b.name, 0) != 0) {
                throw failureOrExists("link " + existing + " as", newLink, "linkat", LibC.lastError());
            }
        }
    }

    /**
     * linkat(flags 0) from the folder to {@code outside}, an absolute path outside it (the node's
     * own state directory): another name of the inode at {@code existing}, reached as every change
     * is; a symlink there is linked itself, never followed. The caller checks what it got.
     */
    public void linkOut(Path existing, Path outside) throws IOException {
        try (At a = at(existing)) {
            if (LibC.get().linkat(a.dirfd, a.name, LibC.AT_FDCWD, PathBytes.of(outside.toAbsolutePath()), 0) != 0) {
                throw failureOrExists("link " + existing + " as", outside, "linkat", LibC.lastError());
            }
        }
    }

    /** fchownat(AT_SYMLINK_NOFOLLOW): the owner of the entry itself. */
    public void chown(Path entry, int uid, int gid) throws IOException {
        try (At at = at(entry)) {
            if (LibC.get().fchownat(at.dirfd, at.name, uid, gid, LibC.AT_SYMLINK_NOFOLLOW) != 0) {
                throw failureOrAbsent("change owner of", entry, "fchownat", LibC.lastError());
            }
        }
    }

    /** The mode of the entry itself (any type but a symlink, which is refused), see the class notes. */
    public void chmod(Path entry, int mode) throws IOException {
        try (At at = at(entry)) {
            LibC libc = LibC.get();
            int fd = libc.openat(at.dirfd, at.name, LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
            if (fd < 0) {
                throw failureOrAbsent("change mode of", entry, "openat(O_PATH|O_NOFOLLOW)", LibC.lastError());
            }
            try {
                if (typeOf(fd, entry) == LibC.S_IFLNK) {
                    throw new NativeFs.ErrnoException("cannot change mode of " + entry + ": it is a symlink",
                            LibC.EOPNOTSUPP);
                }
                if (libc.chmod(PathBytes.of(procFd(fd)), mode) != 0) {
                    throw NativeFs.failure("change mode of", entry, "chmod(/proc/self/fd)", LibC.lastError());
                }
            } finally {
                libc.close(fd);
            }
        }
    }

    /** utimensat(AT_SYMLINK_NOFOLLOW): the mtime of the entry itself, in nanoseconds; the atime is kept. */
    public void setMtime(Path entry, long mtimeNs) throws IOException {
        long[] times = {
            0, LibC.UTIME_OMIT,
            Math.floorDiv(mtimeNs, 1_000_000_000L), Math.floorMod(mtimeNs, 1_000_000_000L),
        };
        try (At at = at(entry)) {
            if (LibC.get().utimensat(at.dirfd, at.name, times, LibC.AT_SYMLINK_NOFOLLOW) != 0) {
                throw failureOrAbsent("set mtime of", entry, "utimensat", LibC.lastError());
            }
        }
    }

    /** The entry's extended attributes, as {@link NativeFs#listXattrs} (read through its directory descriptor). */
    public Map<String, byte[]> listXattrs(Path entry) throws IOException {
        try (At at = at(entry)) {
            return NativeXattrs.list(at.proc());
        } catch (NativeFs.ErrnoException e) {
            throw renamed(e, entry);
        }
    }

    /** lsetxattr on the entry itself, as {@link NativeFs#setXattr}. */
    public void setXattr(Path entry, String name, byte[] value) throws IOException {
        try (At at = at(entry)) {
            NativeXattrs.set(at.proc(), name, value);
        } catch (NativeFs.ErrnoException e) {
            throw renamed(e, entry);
        }
    }

    /** lremovexattr on the entry itself, as {@link NativeFs#removeXattr}. */
    public void removeXattr(Path entry, String name) throws IOException {
        try (At at = at(entry)) {
            NativeXattrs.remove(at.proc(), name);
        } catch (NativeFs.ErrnoException e) {
            throw renamed(e, entry);
        }
    }

    // ---------------------------------------------------------------- the walk

    /** An open directory of the folder and one name in it ({@code "."} for the root itself). */
    record At(int dirfd, byte[] name, Path entry) implements AutoCloseable {
        /** {@code /proc/self/fd/DIRFD/NAME}: that name in exactly that directory. */
        Path proc() {
            return PathBytes.resolve(procFd(dirfd), Arrays.copyOf(name, name.length - 1));
        }

        @Override
        public void close() {
            LibC.get().close(dirfd);
        }
    }

    At at(Path entry) throws IOException {
        Path abs = entry.toAbsolutePath().normalize();
        if (!abs.startsWith(root)) {
            throw new IOException("refused: " + entry + " is outside the folder root " + root);
        }
        if (abs.equals(root)) {
            // the root itself as "." in it: the directory the operator configured, whatever the path's links
            return new At(openRoot(root), new byte[] {'.', 0}, abs);
        }
        Path rel = root.relativize(abs);
        int fd = openRoot(root);
        if (rel.getNameCount() == 1) {
            return new At(fd, cString(PathBytes.nameBytes(rel)), abs);
        }
        try {
            int dir = BeneathWalk.open(fd, root, rel.getParent(), entry);
            return new At(dir, cString(PathBytes.nameBytes(rel)), abs);
        } finally {
            LibC.get().close(fd);
        }
    }

    private static int openRoot(Path dir) throws IOException {
        int fd = LibC.get().open(PathBytes.of(dir), LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            throw failureOrAbsent("open the directory", dir, "open", LibC.lastError());
        }
        return fd;
    }

    /** The S_IFMT bits of an open descriptor (statx: one layout on every architecture). */
    static int typeOf(int fd, Path entry) throws IOException {
        Pointer buf = Memory.allocateDirect(LibC.runtime(), STATX_BYTES);
        if (LibC.get().statx(fd, new byte[] {0}, LibC.AT_EMPTY_PATH | LibC.AT_SYMLINK_NOFOLLOW, STATX_TYPE, buf) != 0) {
            throw NativeFs.failure("stat", entry, "statx", LibC.lastError());
        }
        return Short.toUnsignedInt(buf.getShort(STATX_MODE_OFFSET)) & LibC.S_IFMT;
    }

    /** A JDK channel on the open file {@code fd} (through its /proc/self/fd link, see the class notes); closes {@code fd}. */
    static FileChannel channel(int fd, Path file, StandardOpenOption mode) throws IOException {
        try {
            return FileChannel.open(procFd(fd), Set.of(mode));
        } catch (IOException e) {
            throw new IOException("cannot open " + file + " through /proc/self/fd (is /proc mounted?): " + e, e);
        } finally {
            LibC.get().close(fd);
        }
    }

    private static Path procFd(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    private static byte[] cString(byte[] name) {
        return Arrays.copyOf(name, name.length + 1);
    }

    private static IOException failureOrAbsent(String what, Path path, String call, int errno) {
        return errno == LibC.ENOENT ? new NoSuchFileException(path.toString()) : NativeFs.failure(what, path, call, errno);
    }

    private static IOException failureOrExists(String what, Path path, String call, int errno) {
        return errno == LibC.EEXIST ? new FileAlreadyExistsException(path.toString())
                : failureOrAbsent(what, path, call, errno);
    }

    /** The same failure, naming the entry instead of its /proc/self/fd path. */
    public static NativeFs.ErrnoException renamed(NativeFs.ErrnoException e, Path entry) {
        String msg = e.getMessage().replaceFirst("/proc/self/fd/\\d+/\\S*", java.util.regex.Matcher.quoteReplacement(
                entry.toString()));
        return new NativeFs.ErrnoException(msg, e.errno());
    }
}
