package io.syncnode.node.os;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
        int fd = LibC.get().open(PathBytes.of(at), LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_NOCTTY
                | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            int errno = LibC.lastError();
            if (errno == LibC.ENOENT) {
                throw new NoSuchFileException(entry.toString());
            }
            throw NativeFs.failure("open", entry, "open(O_NOFOLLOW)", errno);
        }
        if (ConfinedFs.typeOf(fd, entry) != LibC.S_IFREG) {
            LibC.get().close(fd);
            throw new NativeFs.ErrnoException("cannot read " + entry + ": not a regular file", LibC.EISDIR);
        }
        return ConfinedFs.channel(fd, entry, StandardOpenOption.READ);
    }

    /** Opens the regular file {@code file} (absolute, below {@code root}) for reading, reached as by {@link #beneath}. */
    public static FileChannel openRegular(Path root, Path file) throws IOException {
        return beneath(root, file, at -> openAt(at, file));
    }
}
