package io.syncnode.config;

import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.ConflictScope;
import io.syncnode.protocol.DeleteConflict;
import io.syncnode.protocol.FolderType;
import io.syncnode.protocol.IgnoreMatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rules for {@code [[folder]]} tables: each one on its own, then across folders (unique
 * names, unique paths, no folder inside another).
 */
final class FolderRules {
    static final String FOLDER_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    static final Duration DEFAULT_SETTLE = Duration.ofMillis(20);
    static final Duration MAX_SETTLE = Duration.ofSeconds(60);
    static final Duration DEFAULT_RESCAN = Duration.ofHours(1);
    static final Duration MIN_RESCAN = Duration.ofSeconds(1);
    static final int DEFAULT_MAX_CONFLICT_COPIES = 10;

    private static final Set<String> KEYS = Set.of("name", "path", "ignore", "conflict", "delete-conflict",
            "conflict-scope", "max-conflict-copies", "priority", "script", "settle", "rescan", "min-free", "nodes", "action",
            "type", "accept", "versions", "versions-keep", "versions-max-age", "versions-max-size");

    private FolderRules() {
    }

    /**
     * {@code nodeName}: this node's {@code [node] name}, which a non-empty {@code nodes} must list.
     * When {@code problems} collects, a folder with a problem is null in the result (so that the
     * others keep their index) and the next folder is read.
     */
    static List<FolderConfig> read(List<TomlTable> tables, String nodeName, Problems problems) throws ConfigException {
        List<FolderConfig> folders = new ArrayList<>();
        for (TomlTable t : tables) {
            FolderConfig f = problems.attempt(() -> folder(t, nodeName));
            boolean unique = f != null && problems.verify(() -> unique(t, f, folders));
            folders.add(unique ? f : null);
        }
        return folders;
    }

    /** {@code f} (read from {@code t}) against the folders before it: names, paths, nesting. */
    private static void unique(TomlTable t, FolderConfig f, List<FolderConfig> folders) throws ConfigException {
        for (int i = 0; i < folders.size(); i++) {
            FolderConfig other = folders.get(i);
            if (other == null) {
                continue;
            }
            if (other.name().equals(f.name())) {
                throw t.error("name", "\"" + f.name() + "\" is already the name of folder[" + i + "]");
            }
            if (other.path().equals(f.path())) {
                throw t.error("path", "\"" + f.path() + "\" is already the path of folder[" + i + "]");
            }
            if (f.path().startsWith(other.path()) || other.path().startsWith(f.path())) {
                throw t.error("path", "\"" + f.path() + "\" and folder[" + i + "] (\"" + other.path()
                        + "\") overlap; one folder may not lie inside another");
            }
        }
    }

    private static FolderConfig folder(TomlTable t, String nodeName) throws ConfigException {
        t.allowOnly(KEYS);
        String name = t.requiredName("name", FOLDER_NAME);
        Path path = t.absolutePath("path").orElseThrow(() -> t.error("path", "required"));
        List<String> ignore = t.stringList("ignore");
        for (int i = 0; i < ignore.size(); i++) {
            try {
                IgnoreMatcher.compile(List.of(ignore.get(i)));
            } catch (IllegalArgumentException e) {
                throw t.error("ignore[" + i + "]", e.getMessage());
            }
        }
        ConflictPolicy conflict = t.choice("conflict", ConflictPolicy.values(), ConflictPolicy::configName,
                ConflictPolicy.KEEP_BOTH);
        DeleteConflict deleteConflict = t.choice("delete-conflict", DeleteConflict.values(),
                DeleteConflict::configName, DeleteConflict.KEEP_MODIFIED);
        ConflictScope scope = t.choice("conflict-scope", ConflictScope.values(), ConflictScope::configName,
                ConflictScope.FILE);
        long copies = t.integer("max-conflict-copies").orElse((long) DEFAULT_MAX_CONFLICT_COPIES);
        if (copies < 1 || copies > 1000) {
            throw t.error("max-conflict-copies", copies + " must be from 1 to 1000");
        }
        List<String> priority = t.stringList("priority");
        for (int i = 0; i < priority.size(); i++) {
            if (!priority.get(i).matches(ConfigLoader.NODE_NAME)) {
                throw t.error("priority[" + i + "]", "\"" + priority.get(i) + "\" is not a node name; must match "
                        + ConfigLoader.NODE_NAME);
            }
        }
        if (conflict == ConflictPolicy.PRIORITY && priority.isEmpty()) {
            throw t.error("priority", "required with conflict = \"priority\": list node names, strongest first");
        }
        Path script = t.absolutePath("script").orElse(null);
        if (conflict == ConflictPolicy.SCRIPT && script == null) {
            throw t.error("script", "required with conflict = \"script\": the absolute path of the resolver");
        }
        Duration settle = t.duration("settle", DEFAULT_SETTLE, Duration.ZERO, MAX_SETTLE, "from 0s to 60s");
        Duration rescan = t.duration("rescan", DEFAULT_RESCAN, MIN_RESCAN, null, "at least 1s");
        List<String> nodes = nodes(t, name, nodeName, priority);
        MinFree minFree = MinFree.DEFAULT;
        if (t.has("min-free")) {
            try {
                minFree = MinFree.parse(t.requiredString("min-free"));
            } catch (IllegalArgumentException e) {
                throw t.error("min-free", e.getMessage());
            }
        }
        FolderType type = t.choice("type", FolderType.values(), FolderType::configName, FolderType.SEND_RECEIVE);
        return new FolderConfig(name, path, ignore, conflict, deleteConflict, scope, (int) copies, priority, script,
                settle, rescan, nodes, minFree, ActionRules.read(t), type, AcceptRules.read(t), VersionsRules.read(t));
    }

    /**
     * {@code nodes}: who shares the folder, empty for every node. A non-empty list names each node
     * once, includes this node, and includes every node of {@code priority}.
     */
    private static List<String> nodes(TomlTable t, String folder, String nodeName, List<String> priority)
            throws ConfigException {
        List<String> nodes = t.stringList("nodes");
        for (int i = 0; i < nodes.size(); i++) {
            String n = nodes.get(i);
            if (!n.matches(ConfigLoader.NODE_NAME)) {
                throw t.error("nodes[" + i + "]", "\"" + n + "\" is not a node name; must match "
                        + ConfigLoader.NODE_NAME);
            }
            int first = nodes.indexOf(n);
            if (first < i) {
                throw t.error("nodes[" + i + "]", "\"" + n + "\" is already listed as nodes[" + first + "]");
            }
        }
        if (nodes.isEmpty()) {
            return nodes;
        }
        if (nodeName != null && !nodes.contains(nodeName)) { // null: a check that could not read [node] name
            throw t.error("nodes", "folder \"" + folder + "\" is not shared with this node (\"" + nodeName
                    + "\"): add \"" + nodeName + "\" to nodes, or remove the folder from this node's config");
        }
        for (int i = 0; i < priority.size(); i++) {
            if (!nodes.contains(priority.get(i))) {
                throw t.error("priority[" + i + "]", "\"" + priority.get(i) + "\" is not in nodes " + nodes
                        + "; priority may only name nodes that share the folder");
            }
        }
        return nodes;
    }
}
