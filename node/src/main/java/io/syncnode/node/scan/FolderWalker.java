package io.syncnode.node.scan;

import io.syncnode.node.os.BeneathTree;
import io.syncnode.node.os.PathBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Walks a folder's tree (never following links, confined below its root: {@link BeneathTree}) and
 * names each entry by its path relative to the folder's root; what to do with each is the visitor's. An entry that vanished during the walk is
 * passed over (a scan records it as gone); one that cannot be read is reported.
 *
 * <p>Runs on the caller's thread (the folder's worker); keeps no state between walks.
 */
public final class FolderWalker {
    /** What the walk found, by relative path ({@code ""} is the root). */
    public interface Visitor {
        /** A directory, before what is under it; false skips what is under it. */
        boolean directory(String rel) throws IOException;

        /**
         * Anything that is not a directory; {@code held} is how the walk found it (see
         * {@link BeneathTree.Held}; null when the walk's start is that entry), valid only during the call.
         */
        void file(String rel, BeneathTree.Held held) throws IOException;

        /** An entry that exists but cannot be read. */
        void unreadable(String rel, IOException e);
    }

    private FolderWalker() {
    }

    /**
     * Walks {@code start} (relative to {@code root}) and everything under it, confined below
     * {@code root} ({@link BeneathTree}: a directory swapped for a symlink is never entered).
     */
    public static void walk(Path root, String start, Visitor visitor) throws IOException {
        BeneathTree.walk(root, PathBytes.under(root, start), new BeneathTree.Visitor() {
            @Override
            public boolean directory(Path dir) throws IOException {
                return visitor.directory(PathBytes.relative(root, dir));
            }

            @Override
            public void file(Path file, BeneathTree.Held held) throws IOException {
                visitor.file(PathBytes.relative(root, file), held);
            }

            @Override
            public void failed(Path entry, IOException e) {
                if (!(e instanceof NoSuchFileException)) {
                    visitor.unreadable(PathBytes.relative(root, entry), e);
                }
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
