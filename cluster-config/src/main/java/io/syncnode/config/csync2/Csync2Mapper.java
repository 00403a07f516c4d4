package io.syncnode.config.csync2;

import io.syncnode.config.csync2.Csync2Config.Group;
import io.syncnode.config.csync2.Csync2Config.Host;
import io.syncnode.config.csync2.Csync2Config.Pattern;
import io.syncnode.config.csync2.Csync2Config.PatternKind;
import io.syncnode.config.csync2.Csync2Config.Prefix;
import io.syncnode.config.csync2.Csync2Config.PrefixEntry;
import io.syncnode.config.csync2.Csync2Config.Setting;
import io.syncnode.config.csync2.ImportNote.Kind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Maps a {@link Csync2Config} onto a syncnode configuration for one host.
 *
 * <p>Implementation notes. A group the host is in becomes one {@code [[folder]]} per root that
 * {@link FolderRoots} finds: an included directory, or the directory above an included file or
 * wildcard (then the folder's ignore list admits only the includes); prefixes are expanded for
 * this host. {@code nodes} lists the group's hosts. Below a root, csync2's excludes and
 * base-name patterns become ignore globs ({@link IgnoreMapping}). What the ignore syntax cannot
 * say is listed, not guessed. {@code auto} becomes the conflict policy:
 * none -> manual (csync2's default too), younger -> newest, older -> oldest, bigger, smaller,
 * left/right -> priority by the order of the host statement (slaves last: in csync2 they always
 * lose), first -> keep-both (no counterpart). The cluster is tcp with every host of the file as a
 * peer ({@link HostDirectory}).
 */
public final class Csync2Mapper {
    /** As {@code FolderRules.FOLDER_NAME}; the import's tests load every output with the loader. */
    static final String FOLDER_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private final Csync2Config config;
    private final String host;
    private final Predicate<String> isFile;
    private final List<ImportNote> notes = new ArrayList<>();
    private final Map<String, String> prefixPaths = new LinkedHashMap<>();
    private final Set<String> noted = new HashSet<>();

    private Csync2Mapper(Csync2Config config, String host, Predicate<String> isFile) {
        this.config = config;
        this.host = host.toLowerCase(Locale.ROOT);
        this.isFile = isFile;
    }

    /**
     * The syncnode configuration of csync2 host {@code host} (compared lower-cased, as csync2 does).
     * Its folders are empty when the host is in no group or no include could be mapped; the notes
     * then say why.
     */
    public static ImportedConfig map(Csync2Config config, String host) {
        return map(config, host, path -> false);
    }

    /**
     * As {@link #map(Csync2Config, String)}, knowing which include paths are files ({@code isFile},
     * asked with absolute, prefix-expanded paths): such an include is synced through the folder of
     * the directory above it, whose ignore list then admits only the group's includes.
     */
    public static ImportedConfig map(Csync2Config config, String host, Predicate<String> isFile) {
        return new Csync2Mapper(config, host, isFile).map();
    }

    private ImportedConfig map() {
        settings();
        prefixes();
        HostDirectory hosts = HostDirectory.of(config.groups(), notes);
        HostDirectory.Node me = hosts.node(host);
        List<ImportedConfig.Folder> folders = new ArrayList<>();
        for (Group g : config.groups()) {
            Host listed = g.hosts().stream().filter(h -> h.name().equals(host)).findFirst().orElse(null);
            if (me == null && listed != null) { // its folders would name a node that does not exist
                notes.add(new ImportNote(Kind.NOT_MAPPED, g.where(), "group " + g.name(), "this host (" + host
                        + ") cannot be a node, see the note on its host statement"));
                continue;
            }
            folders.addAll(group(g, hosts, folders));
        }
        String nodeName = me != null ? me.name() : HostDirectory.nodeName(host);
        String bind = me != null ? me.address() : host + ":" + ImportedConfig.PORT;
        String cluster = config.file().getFileName().toString().replaceFirst("\\.cfg$", "")
                .replaceAll("[^A-Za-z0-9._-]", "-");
        return new ImportedConfig(config.file(), host, nodeName, cluster.isEmpty() ? "csync2" : cluster, bind,
                hosts.addresses(), folders, notes);
    }

    private void settings() {
        for (Setting s : config.settings()) {
            String reason = switch (s.keyword()) {
                case "nossl" -> "syncnode always authenticates and encrypts between members; the only way out"
                        + " is insecure = true in [cluster], for the whole node";
                case "ignore" -> "syncnode always carries owner, group and mode (and xattrs, ACLs, mtime in ns)";
                case "database" -> "syncnode keeps its index in [node] state-dir (" + ImportedConfig.STATE_DIR + ")";
                case "tempdir" -> "syncnode writes each file into a temporary file beside it and renames it";
                case "lock-timeout" -> "syncnode's index has one writer inside the node: there is no lock to wait for";
                default -> "syncnode runs on Linux only";
            };
            notes.add(new ImportNote(Kind.NOT_MAPPED, s.where(), s.toString(), reason));
        }
    }

    /** csync2: the first {@code on} line whose pattern matches the host name gives the prefix's path. */
    private void prefixes() {
        for (Prefix p : config.prefixes()) {
            PrefixEntry hit = p.entries().stream()
                    .filter(e -> PathPattern.componentMatches(e.hostPattern(), host)).findFirst().orElse(null);
            if (hit != null && !prefixPaths.containsKey(p.name())) {
                prefixPaths.put(p.name(), hit.path());
                notes.add(new ImportNote(Kind.CHANGED, p.where(), "prefix " + p.name(), "expanded: %" + p.name()
                        + "% is " + hit.path() + " on host " + host + " (a folder path is per node: import the"
                        + " file on each host, or with --host for each)"));
            }
        }
    }

    /** {@code %name%/rest} with this host's path for the prefix; null when it has none here. */
    private String expand(String pattern) {
        if (!pattern.startsWith("%")) {
            return pattern;
        }
        int end = pattern.indexOf('%', 1);
        String name = end < 0 ? pattern.substring(1) : pattern.substring(1, end);
        String path = prefixPaths.get(name);
        return path == null ? null : path + (end < 0 ? "" : pattern.substring(end + 1));
    }

    private List<ImportedConfig.Folder> group(Group g, HostDirectory hosts, List<ImportedConfig.Folder> earlier) {
        Host me = g.hosts().stream().filter(h -> h.name().equals(host)).findFirst().orElse(null);
        String hostList = String.join(" ", g.hosts().stream().map(Host::toString).toList());
        if (me == null) {
            notes.add(new ImportNote(Kind.SKIPPED, g.where(), "group " + g.name(), "host " + host
                    + " is not in it (hosts: " + (hostList.isEmpty() ? "none" : hostList) + ")"));
            return List.of();
        }
        slaves(g, me);
        String auto = "none";
        for (Setting s : g.settings()) {
            switch (s.keyword()) {
                case "auto" -> {
                    auto = s.values().get(0);
                    if (auto.equals("first")) {
                        notes.add(new ImportNote(Kind.CHANGED, s.where(), "auto first", "no counterpart (the host"
                                + " that pushes first wins): conflict = \"keep-both\" keeps one version at the path"
                                + " and the other beside it"));
                    }
                }
                case "key" -> notes.add(new ImportNote(Kind.NOT_MAPPED, s.where(), s.toString(), "syncnode admits"
                        + " members by certificate: run `syncnode keygen ca --out CA-DIR` once, then `syncnode keygen"
                        + " node --ca CA-DIR --name NODE --out " + ImportedConfig.CREDENTIALS + "` for each node"));
                default -> notes.add(new ImportNote(Kind.NOT_MAPPED, s.where(), s.toString(), "syncnode has no"
                        + " versions key yet, so replaced and deleted files are not kept (only conflict copies)"));
            }
        }
        List<FolderRoots.Root> roots = FolderRoots.of(g, this::expand, isFile, earlier, host,
                (p, reason) -> note(Kind.NOT_MAPPED, p, reason));
        List<String> nodes = new ArrayList<>();
        for (Host h : g.hosts()) {
            HostDirectory.Node n = hosts.node(h.name());
            if (n != null && !nodes.contains(n.name())) {
                nodes.add(n.name());
            }
        }
        List<ImportedConfig.Folder> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        earlier.forEach(f -> names.add(f.name()));
        for (int i = 0; i < roots.size(); i++) {
            String root = roots.get(i).path();
            List<String> allow = roots.get(i).allow();
            String name = folderName(g.name(), roots.size() == 1 ? null : root, names);
            names.add(name);
            if (!allow.isEmpty()) {
                notes.add(new ImportNote(Kind.CHANGED, g.where(), "group " + g.name(), "folder " + name + " ("
                        + root + ") is not itself included: its ignore list admits only " + String.join(", ", allow)
                        + ", the group's includes below it"));
            }
            List<String> ignore = IgnoreMapping.ignore(g, root, allow, this::expand, i == 0, notes);
            out.add(new ImportedConfig.Folder(name, root, g.name(), g.where(), hostList, nodes, ignore,
                    conflict(auto), auto, priority(auto, g, hosts),
                    ActionMapping.forFolder(g.actions(), root, this::expand, i == 0, notes)));
        }
        for (Csync2Config.Action a : g.actions()) {
            if (!roots.isEmpty() && roots.stream().noneMatch(r -> ActionMapping.reaches(a, r.path(), this::expand))) {
                notes.add(new ImportNote(Kind.NOT_MAPPED, a.where(), "action", "none of its patterns lies in a"
                        + " folder of group " + g.name()));
            }
        }
        if (roots.isEmpty()) {
            notes.add(new ImportNote(Kind.NOT_MAPPED, g.where(), "group " + g.name(), "no include of it could be"
                    + " mapped to a folder root (see the notes on its includes)"));
        }
        return out;
    }

    private void slaves(Group g, Host me) {
        if (me.slave()) {
            notes.add(new ImportNote(Kind.NOT_MAPPED, me.where(), "host " + me, "this host only receives group "
                    + g.name() + " in csync2; syncnode has no receive-only folder type yet, so its changes are sent"
                    + " too"));
        }
        for (Host h : g.hosts()) {
            if (h.slave() && h != me) {
                notes.add(new ImportNote(Kind.NOT_MAPPED, h.where(), "host " + h, "a slave (receive-only) host in"
                        + " csync2; syncnode has no receive-only folder type yet: " + h.name() + " sends its changes"
                        + " of group " + g.name() + " too"));
            }
        }
    }

    private void note(Kind kind, Pattern p, String reason) {
        if (noted.add(p.where() + " " + p)) {
            notes.add(new ImportNote(kind, p.where(), p.toString(), reason));
        }
    }

    /** Whether {@code path} lies strictly below {@code root}. */
    static boolean within(String path, String root) {
        return path.startsWith(root.equals("/") ? "/" : root + "/") && !path.equals(root);
    }

    private static String conflict(String auto) {
        return switch (auto) {
            case "none" -> "manual";
            case "younger" -> "newest";
            case "older" -> "oldest";
            case "bigger", "smaller" -> auto;
            case "left", "right" -> "priority";
            default -> "keep-both"; // first: no counterpart
        };
    }

    private List<String> priority(String auto, Group g, HostDirectory hosts) {
        if (!auto.equals("left") && !auto.equals("right")) {
            return List.of();
        }
        List<Host> order = new ArrayList<>(g.hosts().stream().filter(h -> !h.slave()).toList());
        if (auto.equals("right")) {
            java.util.Collections.reverse(order);
        }
        order.addAll(g.hosts().stream().filter(Host::slave).toList());
        List<String> out = new ArrayList<>();
        for (Host h : order) {
            HostDirectory.Node n = hosts.node(h.name());
            if (n != null && !out.contains(n.name())) {
                out.add(n.name());
            }
        }
        return out;
    }

    /** {@code group}, or {@code group-path-of-root} for one of several roots; unique among {@code taken}. */
    static String folderName(String group, String root, Set<String> taken) {
        String base = group + (root == null ? "" : "-" + root.replaceFirst("^/+", ""));
        base = base.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("-{2,}", "-").replaceAll("^[^A-Za-z0-9]+", "")
                .replaceAll("-+$", "");
        if (base.isEmpty()) {
            base = "folder";
        }
        base = base.length() > 60 ? base.substring(0, 60) : base;
        String name = base;
        for (int i = 2; taken.contains(name); i++) {
            name = base + "-" + i;
        }
        return name;
    }
}
