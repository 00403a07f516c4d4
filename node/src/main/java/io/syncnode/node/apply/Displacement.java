package io.syncnode.node.apply;

import io.syncnode.protocol.FileRecord;
import java.nio.file.Path;

/**
 * What the {@link Applier} tells just before it replaces or removes an entry of the folder that
 * still has the signature the caller expected: the folder's versioning keeps a regular file's
 * content then. Called on the thread that applies (the folder worker); an implementation must not
 * throw for a failure to keep (it logs and counts it), so that the apply goes on.
 */
@FunctionalInterface
public interface Displacement {
    /** Nothing is kept. */
    Displacement NONE = (rel, target, replacement) -> {
    };

    /**
     * @param rel         the folder-relative path
     * @param target      its absolute path (reached through {@link Applier#confined()} only)
     * @param replacement the record that takes its place (a tombstone for a removal), or null when
     *                    not known
     */
    void before(String rel, Path target, FileRecord replacement);
}
