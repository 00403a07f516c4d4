package io.syncnode.config.csync2;

import io.syncnode.config.csync2.ImportedConfig.Action;
import io.syncnode.config.csync2.ImportedConfig.Folder;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes an {@link ImportedConfig} as the TOML that {@code ConfigLoader} reads, with comments
 * that say where each part came from, how addresses were derived, and every note of the import.
 */
public final class TomlRenderer {
    private TomlRenderer() {
    }

    /** The whole file; {@code config.folders()} must not be empty (the loader needs a folder). */
    public static String render(ImportedConfig config) {
        StringBuilder out = new StringBuilder();
        out.append("# syncnode configuration for csync2 host ").append(config.host()).append(", imported from ")
                .append(config.source()).append(" by `syncnode import-csync2`.\n")
                .append("# Review it, then check it with `syncnode config check FILE` on that host.\n");
        if (!config.notes().isEmpty()) {
            out.append("#\n# What the import could not carry over or changed (also printed on stderr):\n");
            config.notes().forEach(n -> out.append(comment("  " + n)));
        }
        out.append("\n[node]\n")
                .append("name = ").append(quote(config.nodeName())).append("\n")
                .append("state-dir = ").append(quote(ImportedConfig.STATE_DIR)).append("\n");
        out.append("\n[cluster]\n")
                .append("# Addresses: every host of the csync2 file is a peer, reached at the address after '@' in\n")
                .append("# its host statement, else at its csync2 host name (resolved through DNS or /etc/hosts,\n")
                .append("# as csync2 resolves it), on syncnode's port ").append(ImportedConfig.PORT)
                .append(" (csync2's 30865 is not used). bind is this\n")
                .append("# host's own entry, derived the same way; prefer literal addresses on the cluster network.\n")
                .append("name = ").append(quote(config.clusterName())).append("\n")
                .append("transport = \"tcp\"\n")
                .append("bind = ").append(quote(config.bind())).append("\n")
                .append("peers = ").append(list(config.peers())).append("\n")
                .append("# csync2's pre-shared keys are replaced by certificates: `syncnode keygen ca --out CA-DIR`\n")
                .append("# once, then `syncnode keygen node --ca CA-DIR --name ").append(config.nodeName())
                .append(" --out ").append(ImportedConfig.CREDENTIALS).append("`.\n")
                .append("credentials = ").append(quote(ImportedConfig.CREDENTIALS)).append("\n");
        for (Folder f : config.folders()) {
            folder(out, f);
        }
        return out.toString();
    }

    private static void folder(StringBuilder out, Folder f) {
        out.append("\n# csync2 group ").append(f.group()).append(" (").append(f.where()).append("): host ")
                .append(f.hosts()).append("\n")
                .append("[[folder]]\n")
                .append("name = ").append(quote(f.name())).append("\n")
                .append("path = ").append(quote(f.path())).append("\n")
                .append("nodes = ").append(list(f.nodes())).append("\n");
        if (!f.ignore().isEmpty()) {
            out.append("ignore = ").append(list(f.ignore())).append("\n");
        }
        out.append("conflict = ").append(quote(f.conflict())).append(" # csync2: auto ").append(f.auto())
                .append("\n");
        if (!f.priority().isEmpty()) {
            out.append("priority = ").append(list(f.priority())).append("\n");
        }
        for (Action a : f.actions()) {
            out.append("\n").append(comment("csync2: exec \"" + a.csync2Exec() + "\""))
                    .append("[[folder.action]]\n")
                    .append("pattern = ").append(list(a.pattern())).append("\n")
                    .append("exec = ").append(list(a.exec())).append("\n")
                    .append("do-local = ").append(a.doLocal()).append("\n");
        }
    }

    /** {@code text} as comment lines (a newline inside it starts a new comment line). */
    private static String comment(String text) {
        return text.lines().map(l -> "#" + (l.isEmpty() || l.startsWith(" ") ? "" : " ") + l + "\n")
                .collect(Collectors.joining());
    }

    private static String list(List<String> values) {
        return values.stream().map(TomlRenderer::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    /** A TOML basic string. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
