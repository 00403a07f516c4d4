package io.syncnode.config;

import io.syncnode.protocol.AcceptFilter;
import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.ConflictScope;
import io.syncnode.protocol.DeleteConflict;
import io.syncnode.protocol.FolderType;
import io.syncnode.protocol.VersionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One {@code [[folder]]}: a directory tree synced across the cluster.
 *
 * @param script executable for {@code conflict = "script"}, else null
 * @param nodes   the nodes that share this folder; empty means every node of the cluster. When
 *                non-empty it contains this node and every name of {@code priority}
 * @param minFree the space kept free on the folder's file system: no fetch eats into it
 * @param actions what runs after matching changes ({@code [[folder.action]]}), in file order
 * @param type    whether this node sends, receives or both ({@code type}, default send-receive)
 * @param accept  what a remote change may carry ({@code [folder.accept]}, default everything)
 * @param versions what is kept of files that remote changes replace or delete ({@code versions},
 *                 {@code versions-keep}, {@code versions-max-age}, {@code versions-max-size}; default none)
 */
public record FolderConfig(String name, Path path, List<String> ignore, ConflictPolicy conflict,
                           DeleteConflict deleteConflict, ConflictScope conflictScope, int maxConflictCopies,
                           List<String> priority, Path script, Duration settle, Duration rescan, List<String> nodes,
                           MinFree minFree, List<FolderAction> actions, FolderType type, AcceptFilter accept,
                           VersionPolicy versions) {
    public FolderConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(versions, "versions");
        Objects.requireNonNull(accept, "accept");
        ignore = List.copyOf(ignore);
        actions = List.copyOf(actions);
        priority = List.copyOf(priority);
        nodes = List.copyOf(nodes);
    }

    /** A send-receive folder that accepts everything. */
    public FolderConfig(String name, Path path, List<String> ignore, ConflictPolicy conflict,
                        DeleteConflict deleteConflict, ConflictScope conflictScope, int maxConflictCopies,
                        List<String> priority, Path script, Duration settle, Duration rescan, List<String> nodes,
                        MinFree minFree, List<FolderAction> actions) {
        this(name, path, ignore, conflict, deleteConflict, conflictScope, maxConflictCopies, priority, script, settle,
                rescan, nodes, minFree, actions, FolderType.SEND_RECEIVE, AcceptFilter.ALL);
    }

    /** A folder that keeps no versions. */
    public FolderConfig(String name, Path path, List<String> ignore, ConflictPolicy conflict,
                        DeleteConflict deleteConflict, ConflictScope conflictScope, int maxConflictCopies,
                        List<String> priority, Path script, Duration settle, Duration rescan, List<String> nodes,
                        MinFree minFree, List<FolderAction> actions, FolderType type, AcceptFilter accept) {
        this(name, path, ignore, conflict, deleteConflict, conflictScope, maxConflictCopies, priority, script, settle,
                rescan, nodes, minFree, actions, type, accept, VersionPolicy.NONE);
    }

    /** This folder with another type and accept filter (tests, and nothing else changes). */
    public FolderConfig withTrust(FolderType newType, AcceptFilter newAccept) {
        return new FolderConfig(name, path, ignore, conflict, deleteConflict, conflictScope, maxConflictCopies,
                priority, script, settle, rescan, nodes, minFree, actions, newType, newAccept, versions);
    }

    /** This folder with another versioning policy (tests, and nothing else changes). */
    public FolderConfig withVersions(VersionPolicy newVersions) {
        return new FolderConfig(name, path, ignore, conflict, deleteConflict, conflictScope, maxConflictCopies,
                priority, script, settle, rescan, nodes, minFree, actions, type, accept, newVersions);
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
