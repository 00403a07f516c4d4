package io.syncnode.node.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The reading calls of a folder, confined below its root as {@link ConfinedFs} confines the
 * writing ones: hashing during scans, serving a fetch and a delta's basis read an entry only as
 * reached from the root without following a symlink in any component, so a local user who swaps a
 * directory of the folder for a symlink at any moment cannot make the node read (index, or send to
 * a member) a file outside the folder.
 *
 * <p>Implementation notes. {@link #beneath} opens the entry's parent directory as
 * {@link ConfinedFs} does ({@code openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS)}, else the
 * {@code O_NOFOLLOW} walk of {@link BeneathWalk}) and hands the reader the path
 * {@code /proc/self/fd/DIRFD/NAME}: the kernel jumps to exactly that open directory and looks NAME
 * up in it, so every call on that path that does not follow its last component (lstat,
 * {@code l*xattr}, readlink, {@link #openAt} with {@code O_NOFOLLOW}) acts on the entry NAME
 * of that very directory, wherever it has been moved or whatever replaced its path meanwhile. A
 * parent that is missing, a symlink or not a directory makes the entry unreachable: for the folder
 * it does not exist ({@link NoSuchFileException}, which readers treat as gone). Errors name the
 * entry, not the /proc path. Needs {@code /proc} (as the write side). Stateless; thread-safe; the
 * directory descriptor is closed before {@link #beneath} returns.
 */
public final class ConfinedReads {
    private static final int READ_FLAGS = LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_NOCTTY
            | LibC.O_CLOEXEC;

    /** What to read of one entry, given a path that names exactly it (valid only during the call). */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Path at) throws IOException;
    }

    private ConfinedReads() {
    }

    /**
     * Runs {@code reader} on the entry {@code entry} (absolute, below {@code root}; the root itself
     * too) as reached beneath {@code root} without following symlinks.
     *
     * @throws NoSuchFileException the entry, or one of its parents, is missing, or a parent is a
     *                             symlink or not a directory
     */
    public static <T> T beneath(Path root, Path entry, Reader<T> reader) throws IOException {
        ConfinedFs.At at;
        try {
            at = new ConfinedFs(root).at(entry);
        } catch (NativeFs.ErrnoException e) {
            if (e.errno() == LibC.ELOOP || e.errno() == LibC.ENOTDIR || e.errno() == LibC.EXDEV) {
                throw (NoSuchFileException) new NoSuchFileException(entry.toString(), null,
                        "not reachable inside the folder: " + e.getMessage()).initCause(e);
            }
            throw e;
        }
        try (at) {
            return reader.read(at.proc());
        } catch (NoSuchFileException e) {
            throw e.getFile() != null && e.getFile().startsWith("/proc/self/fd/")
                    ? (NoSuchFileException) new NoSuchFileException(entry.toString()).initCause(e) : e;
        } catch (NativeFs.ErrnoException e) {
            throw ConfinedFs.renamed(e, entry);
        } catch (FileSystemException e) {
            throw e.getFile() != null && e.getFile().startsWith("/proc/self/fd/")
                    ? (FileSystemException) new FileSystemException(entry.toString(), null, e.getReason()).initCause(e)
                    : e;
        }
    }

    /**
     * Opens {@code at} for reading if it is a regular file, without following it (a symlink there:
     * ELOOP) and without blocking (a FIFO swapped in is refused, never waited on); {@code entry}
     * names it in errors.
     */
    public static FileChannel openAt(Path at, Path entry) throws IOException {
        int fd = regular(LibC.get().open(PathBytes.of(at), READ_FLAGS, 0), entry, "open(O_NOFOLLOW)");
        return ConfinedFs.channel(fd, entry, StandardOpenOption.READ);
    }

    /**
     * As {@link #openAt}, as a stream that reads the descriptor directly (no channel: cheaper for a
     * small file read once) and closes it.
     */
    public static InputStream openAtStream(Path at, Path entry) throws IOException {
        return new FdInput(regular(LibC.get().open(PathBytes.of(at), READ_FLAGS, 0), entry, "open(O_NOFOLLOW)"), entry);
    }

    /**
     * {@code fd}, what an open of {@code entry} by {@code call} returned, if it is a regular file:
     * a failed open throws (ENOENT as {@link NoSuchFileException}), anything else is closed and
     * refused (EISDIR).
     */
    private static int regular(int fd, Path entry, String call) throws IOException {
        if (fd < 0) {
            int errno = LibC.lastError();
            if (errno == LibC.ENOENT) {
                throw new NoSuchFileException(entry.toString());
            }
            throw NativeFs.failure("open", entry, call, errno);
        }
        if (ConfinedFs.typeOf(fd, entry) != LibC.S_IFREG) {
            LibC.get().close(fd);
            throw new NativeFs.ErrnoException("cannot read " + entry + ": not a regular file", LibC.EISDIR);
        }
        return fd;
    }

    /**
     * Opens the entry {@code nameZ} (one NUL-terminated name) of the directory {@code dirFd}, held
     * open by a confined walk ({@link BeneathTree}), for reading if it is a regular file: the same
     * checks as {@link #openAt} (no symlink followed, a FIFO swapped in refused), without a path
     * lookup from the root. The stream reads the descriptor directly and closes it; {@code entry}
     * names it in errors.
     */
    public static InputStream openRegularIn(int dirFd, byte[] nameZ, Path entry) throws IOException {
        return new FdInput(regular(LibC.get().openat(dirFd, nameZ, READ_FLAGS, 0), entry, "openat(O_NOFOLLOW)"), entry);
    }

    /** Reads an open descriptor through a per-thread native buffer of 64 KiB; closes it. */
    private static final class FdInput extends InputStream {
        private static final int CHUNK = 64 * 1024;
        private static final ThreadLocal<Pointer> BUFFER =
                ThreadLocal.withInitial(() -> Memory.allocateDirect(LibC.runtime(), CHUNK));
        private final Path entry;
        private int fd;

        FdInput(int fd, Path entry) {
            this.fd = fd;
            this.entry = entry;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (fd < 0) {
                throw new IOException("read " + entry + ": stream closed");
            }
            if (len == 0) {
                return 0;
            }
            Pointer buf = BUFFER.get();
            long n;
            do {
                n = LibC.get().read(fd, buf, Math.min(len, CHUNK));
            } while (n < 0 && LibC.lastError() == LibC.EINTR);
            if (n < 0) {
                throw NativeFs.failure("read", entry, "read", LibC.lastError());
            }
            if (n == 0) {
                return -1;
            }
            buf.get(0, b, off, (int) n);
            return (int) n;
        }

        @Override
        public void close() {
            if (fd >= 0) {
                LibC.get().close(fd);
                fd = -1;
            }
        }
    }

    /** Opens the regular file {@code file} (absolute, below {@code root}) for reading, reached as by {@link #beneath}. */
    public static FileChannel openRegular(Path root, Path file) throws IOException {
        return beneath(root, file, at -> openAt(at, file));
    }
}
