package io.syncnode.config;

import java.nio.file.Path;

/**
 * {@code [node]}: the node's name, its state directory, and the optional address of its local
 * HTTP listener for {@code /healthz} and {@code /metrics} ({@code http = "127.0.0.1:PORT"}; null:
 * none).
 */
public record NodeSection(String name, Path stateDir, HostPort http) {
    public NodeSection(String name, Path stateDir) {
        this(name, stateDir, null);
    }
}
