package io.syncnode.config;

import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.ConflictScope;
import io.syncnode.protocol.DeleteConflict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One {@code [[folder]]}: a directory tree synced across the cluster.
 *
 * @param script executable for {@code conflict = "script"}, else null
 * @param nodes   the nodes that share this folder; empty means every node of the cluster. When
 *                non-empty it contains this node and every name of {@code priority}
 * @param minFree the space kept free on the folder's file system: no fetch eats into it
 * @param actions what runs after matching changes ({@code [[folder.action]]}), in file order
 */
public record FolderConfig(String name, Path path, List<String> ignore, ConflictPolicy conflict,
                           DeleteConflict deleteConflict, ConflictScope conflictScope, int maxConflictCopies,
                           List<String> priority, Path script, Duration settle, Duration rescan, List<String> nodes,
                           MinFree minFree, List<FolderAction> actions) {
    public FolderConfig {
        ignore = List.copyOf(ignore);
        actions = List.copyOf(actions);
        priority = List.copyOf(priority);
        nodes = List.copyOf(nodes);
    }

    /** A folder without actions. */
    public FolderConfig(String name, Path path, List<String> ignore, ConflictPolicy conflict,
                        DeleteConflict deleteConflict, ConflictScope conflictScope, int maxConflictCopies,
                        List<String> priority, Path script, Duration settle, Duration rescan, List<String> nodes,
                        MinFree minFree) {
        this(name, path, ignore, conflict, deleteConflict, conflictScope, maxConflictCopies, priority, script, settle,
                rescan, nodes, minFree, List.of());
    }

    /** A folder with the default {@code min-free} ({@link MinFree#DEFAULT}) and no actions. */
    public FolderConfig(String name, Path path, List<String> ignore, ConflictPolicy conflict,
                        DeleteConflict deleteConflict, ConflictScope conflictScope, int maxConflictCopies,
                        List<String> priority, Path script, Duration settle, Duration rescan, List<String> nodes) {
        this(name, path, ignore, conflict, deleteConflict, conflictScope, maxConflictCopies, priority, script, settle,
                rescan, nodes, MinFree.DEFAULT);
    }

    /** Whether node {@code nodeName} shares this folder: {@code nodes} is empty or names it. */
    public boolean sharedWith(String nodeName) {
        return nodes.isEmpty() || nodes.contains(nodeName);
    }
}
