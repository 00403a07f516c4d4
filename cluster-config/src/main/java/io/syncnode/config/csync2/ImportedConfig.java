package io.syncnode.config.csync2;

import io.syncnode.config.csync2.Csync2Config.Where;
import java.nio.file.Path;
import java.util.List;

/**
 * A syncnode configuration for one host, mapped from a csync2 configuration, with the values as
 * the TOML will hold them, and every {@link ImportNote}.
 *
 * @param source      the csync2 file
 * @param host        the csync2 host name the import was made for (lower-cased)
 * @param nodeName    this node's {@code [node] name}
 * @param clusterName {@code [cluster] name}
 * @param bind        {@code [cluster] bind}, {@code ADDRESS:7800}
 * @param peers       {@code [cluster] peers} (tcp), every host of the csync2 file
 * @param folders     the folders of this host's groups, in file order; empty when nothing could be mapped
 */
public record ImportedConfig(Path source, String host, String nodeName, String clusterName, String bind,
                             List<String> peers, List<Folder> folders, List<ImportNote> notes) {
    /** The state directory the output names. */
    public static final String STATE_DIR = "/var/lib/syncnode";
    /** The credentials directory the output names (made by {@code syncnode keygen node}). */
    public static final String CREDENTIALS = "/etc/syncnode/credentials";
    /** The TCP port of every peer: syncnode's default. */
    public static final int PORT = 7800;

    public ImportedConfig {
        peers = List.copyOf(peers);
        folders = List.copyOf(folders);
        notes = List.copyOf(notes);
    }

    /** The notes of one kind, in the order they were made. */
    public List<ImportNote> notes(ImportNote.Kind kind) {
        return notes.stream().filter(n -> n.kind() == kind).toList();
    }

    /**
     * One {@code [[folder]]}.
     *
     * @param group     the csync2 group it comes from, and where that starts
     * @param hosts     the group's host statement as csync2 reads it, for a comment
     * @param conflict  the {@code conflict} policy
     * @param auto      the csync2 {@code auto} method it comes from ({@code none} when not written)
     * @param priority  for {@code conflict = "priority"}, else empty
     */
    public record Folder(String name, String path, String group, Where where, String hosts, List<String> nodes,
                         List<String> ignore, String conflict, String auto, List<String> priority,
                         List<Action> actions) {
        public Folder {
            nodes = List.copyOf(nodes);
            ignore = List.copyOf(ignore);
            priority = List.copyOf(priority);
            actions = List.copyOf(actions);
        }
    }

    /** One {@code [[folder.action]]}, and the csync2 {@code exec} it comes from. */
    public record Action(List<String> pattern, List<String> exec, boolean doLocal, String csync2Exec) {
        public Action {
            pattern = List.copyOf(pattern);
            exec = List.copyOf(exec);
        }
    }
}
