package io.syncnode.config;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ConfigLoader#check} found in a file: every problem, in document order within each
 * section, and the sections that passed, for checks that need them (does the folder's path exist
 * on this machine?).
 *
 * @param problems the problems; the first is the one {@link ConfigLoader#load} throws
 * @param node     {@code [node]}, or null when it has a problem
 * @param cluster  {@code [cluster]}, or null when it has a problem
 * @param folders  the {@code [[folder]]} tables without a problem
 */
public record ConfigReport(Path file, List<ConfigException> problems, NodeSection node, ClusterSection cluster,
                           List<FolderConfig> folders) {
    public ConfigReport {
        problems = List.copyOf(problems);
        folders = List.copyOf(folders);
    }

    /** Whether the file loads: no problem at all. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
