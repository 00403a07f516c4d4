package io.syncnode.config;

import java.nio.file.Path;
import java.util.List;

/** A whole, validated configuration file. Built only by {@link ConfigLoader}. */
public record SyncnodeConfig(Path file, NodeSection node, ClusterSection cluster, List<FolderConfig> folders) {
    public SyncnodeConfig {
        folders = List.copyOf(folders);
    }

    /** The control socket of this node: {@code <state-dir>/control.sock}. */
    public Path controlSocket() {
        return node.stateDir().resolve("control.sock");
    }
}
