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
 */
public record FolderConfig(String name, Path path, List<String> ignore, ConflictPolicy conflict,
                           DeleteConflict deleteConflict, ConflictScope conflictScope, int maxConflictCopies,
                           List<String> priority, Path script, Duration settle, Duration rescan) {
    public FolderConfig {
        ignore = List.copyOf(ignore);
        priority = List.copyOf(priority);
    }
}
