package io.syncnode.config;

import java.nio.file.Path;

/** {@code [node]}: the node's name (unique in the cluster) and its state directory. */
public record NodeSection(String name, Path stateDir) {
}
