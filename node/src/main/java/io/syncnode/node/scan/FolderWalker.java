package io.syncnode.node.scan;

import io.syncnode.node.os.PathBytes;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Walks a folder's tree (never following links) and names each entry by its path relative to the
 * folder's root; what to do with each is the visitor's. An entry that vanished during the walk is
 * passed over (a scan records it as gone); one that cannot be read is reported.
 *
 * <p>Runs on the caller's thread (the folder's worker); keeps no state between walks.
 */
public final class FolderWalker {
    /** What the walk found, by relative path ({@code ""} is the root). */
    public interface Visitor {
        /** A directory, before what is under it; false skips what is under it. */
        boolean directory(String rel) throws IOException;

        /** Anything that is not a directory. */
        void file(String rel) throws IOException;

        /** An entry that exists but cannot be read. */
        void unreadable(String rel, IOException e);
    }

    private FolderWalker() {
    }

    /** Walks {@code start} (relative to {@code root}) and everything under it. */
    public static void walk(Path root, String start, Visitor visitor) throws IOException {
        Files.walkFileTree(PathBytes.under(root, start), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                return visitor.directory(PathBytes.relative(root, dir)) ? FileVisitResult.CONTINUE
                        : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                visitor.file(PathBytes.relative(root, file));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (!(e instanceof NoSuchFileException)) {
                    visitor.unreadable(PathBytes.relative(root, file), e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Whether the directory {@code dir} holds no entry. */
    public static boolean isEmptyDirectory(Path dir) throws IOException {
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }
}
