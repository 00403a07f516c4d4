package io.syncnode.node.watch;

import java.util.Set;

/**
 * Settled changes of one folder, ready for the scanner.
 *
 * @param paths          relative paths to rescan ("" is the root)
 * @param recursivePaths directories whose whole subtree must be scanned (they appeared)
 * @param rescanAll      events were lost: scan the whole folder (the sets may be incomplete)
 */
public record ChangeBatch(Set<String> paths, Set<String> recursivePaths, boolean rescanAll) {
    public ChangeBatch {
        paths = Set.copyOf(paths);
        recursivePaths = Set.copyOf(recursivePaths);
    }
}
