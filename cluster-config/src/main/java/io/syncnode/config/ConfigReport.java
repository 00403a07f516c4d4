package io.syncnode.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ConfigLoader#check} found in a file: every problem, and the sections that passed,
 * for the checks that only matter on the machine that runs the node (does a folder's path exist
 * here?), which report their findings through {@link #problem} with the key's line.
 */
public final class ConfigReport {
    private final Path file;
    private final KeyLines lines;
    private final List<ConfigException> problems;
    private final NodeSection node;
    private final ClusterSection cluster;
    private final Map<Integer, FolderConfig> folders;

    ConfigReport(Path file, KeyLines lines, List<ConfigException> problems, NodeSection node, ClusterSection cluster,
                 Map<Integer, FolderConfig> folders) {
        this.file = file;
        this.lines = lines;
        this.problems = List.copyOf(problems);
        this.node = node;
        this.cluster = cluster;
        this.folders = Collections.unmodifiableMap(new LinkedHashMap<>(folders));
    }

    public Path file() {
        return file;
    }

    /** The problems, in document order within each section; the first is the one {@link ConfigLoader#load} throws. */
    public List<ConfigException> problems() {
        return problems;
    }

    /** Whether the file loads: no problem at all. */
    public boolean ok() {
        return problems.isEmpty();
    }

    /** {@code [node]}, or null when it has a problem. */
    public NodeSection node() {
        return node;
    }

    /** {@code [cluster]}, or null when it has a problem. */
    public ClusterSection cluster() {
        return cluster;
    }

    /** The {@code [[folder]]} tables without a problem, by their index in the file ({@code folder[i]}), in order. */
    public Map<Integer, FolderConfig> folders() {
        return folders;
    }

    /** A further problem with {@code key} (dotted, e.g. {@code folder[1].path}), with the line it is on. */
    public ConfigException problem(String key, String reason) {
        return new ConfigException(file, lines == null ? 0 : lines.lineOf(key), key, reason);
    }
}
