package io.syncnode.node.os;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Walks a tree of a folder (pre-order, never following a symlink) confined below the folder root:
 * each directory is held open while it is listed and its subdirectories are opened from it with
 * {@code openat(O_DIRECTORY|O_NOFOLLOW)}, so a directory swapped for a symlink at any moment is
 * either listed as it was (the descriptor holds it) or not entered (ELOOP, ENOTDIR: for the walk
 * it is gone); the walk never lists a directory outside the folder. The start is reached as
 * {@link ConfinedReads#beneath} reaches an entry.
 *
 * <p>Implementation notes. A directory is listed through {@code /proc/self/fd/N} (the JDK lists
 * paths, and that link opens exactly the held directory); each entry's type is a
 * {@code statx(N, NAME, AT_SYMLINK_NOFOLLOW)} ({@link NativeStat#lstatAt}), handed to the visitor
 * with the held directory ({@link Held}). Runs on the caller's thread; at most one descriptor per level of
 * the tree is open at once, and all are closed before {@link #walk} returns.
 */
public final class BeneathTree {
    private static final int DIR_OPEN = LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC;

    /** What the walk found; paths are below the root as the caller named the start. */
    public interface Visitor {
        /** A directory, before what is under it; false skips what is under it. */
        boolean directory(Path dir) throws IOException;

        /**
         * Anything that is not a directory; {@code held} is how the walk found it (null for a start
         * that is not a directory), valid only during the call.
         */
        void file(Path file, Held held) throws IOException;

        /** An entry that exists but cannot be read or listed. */
        void failed(Path entry, IOException e);
    }

    /**
     * An entry as the walk found it: its path (below the root, as the walk names it), the directory holding it (open, owned by the walk: never
     * closed by the visitor), its name there (NUL-terminated), its path through /proc
     * ({@code /proc/self/fd/DIRFD/NAME}, for the calls that take a path) and its lstat. Valid only
     * during {@link Visitor#file}: a reader of the entry reaches exactly it from {@code dirFd}
     * ({@code openat(O_NOFOLLOW)}, {@link NativeStat#lstatAt}) without a path lookup from the root.
     */
    public record Held(Path path, int dirFd, byte[] nameZ, Path proc, NativeStat.Stat stat) {
    }

    private BeneathTree() {
    }

    /**
     * Walks {@code start} (absolute: {@code root} or below it) and everything under it. A start that
     * is missing or cannot be reached inside the folder is walked as empty.
     */
    public static void walk(Path root, Path start, Visitor visitor) throws IOException {
        int fd;
        try {
            fd = ConfinedReads.beneath(root, start, at -> {
                BasicFileAttributes a = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.isDirectory()) {
                    return -1;
                }
                int d = LibC.get().open(PathBytes.of(at), DIR_OPEN, 0);
                if (d < 0) {
                    throw NativeFs.failure("open the directory", start, "open(O_DIRECTORY|O_NOFOLLOW)", LibC.lastError());
                }
                return d;
            });
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            visitor.failed(start, e);
            return;
        }
        if (fd < 0) {
            visitor.file(start, null);
            return;
        }
        try {
            directory(fd, start, visitor);
        } finally {
            LibC.get().close(fd);
        }
    }

    private static void directory(int fd, Path dir, Visitor visitor) throws IOException {
        if (!visitor.directory(dir)) {
            return;
        }
        Path held = Path.of("/proc/self/fd/" + fd);
        DirectoryStream<Path> entries;
        try {
            entries = Files.newDirectoryStream(held);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            visitor.failed(dir, renamed(e, held, dir));
            return;
        }
        try (entries) {
            Iterator<Path> it = entries.iterator();
            while (true) {
                Path entry;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    entry = it.next();
                } catch (DirectoryIteratorException e) {
                    visitor.failed(dir, renamed(e.getCause(), held, dir));
                    break;
                }
                entry(fd, dir, entry, visitor);
            }
        }
    }

    /** One entry of the directory {@code fd} ({@code dir}), listed as {@code entry} (its /proc path). */
    private static void entry(int fd, Path dir, Path entry, Visitor visitor) throws IOException {
        Path name = entry.getFileName();
        Path logical = dir.resolve(name);
        byte[] bytes = PathBytes.nameBytes(name);
        byte[] nameZ = Arrays.copyOf(bytes, bytes.length + 1);
        NativeStat.Stat st;
        try {
            st = NativeStat.lstatAt(fd, nameZ, logical);
        } catch (IOException e) {
            visitor.failed(logical, e);
            return;
        }
        if (st == null) {
            return; // gone since it was listed
        }
        if (st.type() != LibC.S_IFDIR) {
            visitor.file(logical, new Held(logical, fd, nameZ, entry, st));
            return;
        }
        int child = LibC.get().openat(fd, nameZ, DIR_OPEN, 0);
        if (child < 0) {
            int errno = LibC.lastError();
            if (errno != LibC.ENOENT && errno != LibC.ELOOP && errno != LibC.ENOTDIR) {
                visitor.failed(logical, NativeFs.failure("open the directory", logical, "openat(O_NOFOLLOW)", errno));
            }
            return; // gone, or replaced by a symlink or a file since it was listed: not entered
        }
        try {
            directory(child, logical, visitor);
        } finally {
            LibC.get().close(child);
        }
    }

    /** {@code e} naming {@code dir} instead of the /proc path it was met on. */
    private static IOException renamed(IOException e, Path held, Path dir) {
        String msg = String.valueOf(e.getMessage()).replace(held.toString(), dir.toString());
        return msg.equals(e.getMessage()) ? e : new IOException(msg, e);
    }
}
