package io.syncnode.node.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncnode.node.control.StatusView.FolderStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code status} as text, as the CLI prints it: the node, its members, view and security, the
 * start's progress, a line per folder, notes per folder, then {@code health: ok} or
 * {@code health: degraded: REASONS}. Both the CLI ({@code status}) and the control socket (a
 * request with {@code "render": "text"}, which the CLI's quick path uses) render through here.
 * Stateless; thread-safe.
 */
public final class StatusText {
    /** The exit code of a healthy node's {@code status}. */
    public static final int HEALTHY = 0;
    /** The exit code of a degraded node's {@code status} (see {@link StatusView#degradedBecause}). */
    public static final int DEGRADED = 4;

    private StatusText() {
    }

    /** {@value #HEALTHY} or {@value #DEGRADED}. */
    public static int exitCode(StatusView status) {
        return status.degradedBecause().isEmpty() ? HEALTHY : DEGRADED;
    }

    /** {@code status --json}: the node's status with {@code "health": {"healthy", "reasons"}} added. */
    public static ObjectNode withHealth(ObjectNode statusJson, StatusView status) {
        List<String> degraded = status.degradedBecause();
        ObjectNode health = statusJson.putObject("health");
        health.put("healthy", degraded.isEmpty());
        degraded.forEach(health.putArray("reasons")::add);
        return statusJson;
    }

    /** The whole text, lines ended by the platform's line separator. */
    public static String render(StatusView status) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8);
        print(status, out);
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Prints the text to {@code out}. */
    public static void print(StatusView status, PrintStream out) {
        List<String> degraded = status.degradedBecause();
        new TextTable().left("").left("")
                .row("node", status.node())
                .row("members", status.members() == null || status.members().isEmpty()
                        ? "none (not joined)" : String.join(", ", status.members()))
                .row("view", view(status.view()))
                .row("security", security(status.security()))
                .print(out, "", false);
        if (status.start() != null) {
            out.println("start     " + start(status.start()));
        }
        out.println();
        TextTable folders = new TextTable().left("FOLDER").left("STATE").right("FILES").right("DIRTY")
                .right("CONFLICTS").right("PROBLEMS").left("PATH");
        for (FolderStatus folder : status.folders()) {
            folders.row(folder.name(), folder.state(), folder.files(), folder.dirty(), folder.conflicts(),
                    folder.problems(), folder.path());
        }
        if (folders.isEmpty()) {
            out.println("no folders");
        } else {
            folders.print(out, "", true);
        }
        for (FolderStatus folder : status.folders()) {
            if ("paused".equals(folder.state())) {
                out.println(folder.name() + ": paused on this node: not sending or applying changes until"
                        + " `syncnode resume " + folder.name() + "`");
            }
            if (folder.locallyChanged() > 0) {
                out.println(folder.name() + ": receive-only: " + folder.locallyChanged() + " path(s) changed here and"
                        + " not sent; `syncnode revert --folder " + folder.name() + "` brings back the cluster's version");
            } else if ("send-only".equals(folder.type())) {
                out.println(folder.name() + ": send-only: remote changes are not applied here");
            }
            StatusView.Versions v = folder.versions();
            if (v != null && !"none".equals(v.mode())) {
                out.println(folder.name() + ": versions (" + v.mode() + "): " + v.kept() + " kept, " + v.bytes()
                        + " bytes" + (v.failed() > 0 ? "; " + v.failed() + " could not be kept (see the log)" : ""));
            }
            if (folder.need() != null && folder.need().files() > 0) {
                out.println(folder.name() + ": needs " + folder.need().describe());
            }
            if (folder.problem() != null && !folder.problem().isBlank()) {
                out.println(folder.name() + ": " + folder.state() + ": " + folder.problem());
            }
            if (folder.problemList() != null) {
                int shown = Math.min(5, folder.problemList().size());
                for (StatusView.PathProblem p : folder.problemList().subList(0, shown)) {
                    out.println(folder.name() + ": problem: " + p.path() + ": " + p.problem());
                }
                if (folder.problems() > shown) {
                    out.println(folder.name() + ": ... and " + (folder.problems() - shown) + " more problem(s)"
                            + " (`syncnode status --json` lists " + StatusView.PROBLEMS_LISTED + ")");
                }
            }
            for (StatusView.ActionStatus a : folder.actions() == null ? List.<StatusView.ActionStatus>of()
                    : folder.actions()) {
                out.println(a.action() + ": " + a.runs() + " run(s), " + a.failed() + " failed"
                        + (a.running() ? "; running" : a.pending() ? "; waiting for its debounce" : ""));
            }
            if (folder.lastHeal() != null) {
                long n = folder.sinceHeal() == null ? 0
                        : folder.sinceHeal().values().stream().mapToLong(Long::longValue).sum();
                out.println(folder.name() + ": partition healed at " + folder.lastHeal() + "; " + n
                        + " concurrent path(s) since" + (n == 0 ? "" : ": " + folder.sinceHeal()));
            }
        }
        out.println(degraded.isEmpty() ? "health: ok" : "health: degraded: " + String.join("; ", degraded));
    }

    /**
     * One line: the view id and its coordinator, and when the last partition healed (merge), e.g.
     * {@code [n1|7], coordinator n1; last merge 2026-11-21T10:00:00Z (2 since the start)}, then what the
     * transport dropped, by kind, if anything (e.g. {@code ; dropped packets: fragmentsOpen 3}).
     */
    public static String view(StatusView.ViewStatus v) {
        if (v == null || v.id() == null) {
            return "unknown (not joined)";
        }
        StringBuilder b = new StringBuilder(v.id()).append(", coordinator ")
                .append(v.coordinator() == null ? "(not admitted here yet)" : v.coordinator()).append("; ");
        b.append(v.lastMerge() == null ? "no merge since the start"
                : "last merge " + v.lastMerge() + " (" + v.merges() + " since the start)");
        if (v.deadConnectionsClosed() > 0) {
            b.append("; ").append(v.deadConnectionsClosed()).append(" dead connection(s) closed");
        }
        String dropped = v.dropped() == null ? "" : v.dropped().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
        return dropped.isEmpty() ? b.toString() : b.append("; dropped packets: ").append(dropped).toString();
    }

    /**
     * One line while the node starts: the phase and each folder's scan, e.g. {@code scanning; ct101:
     * 1200 of 5000 entries, 12 MiB hashed, 800/s, ETA 5 s}.
     */
    public static String start(StatusView.StartView s) {
        StringBuilder b = new StringBuilder(s.phase());
        for (StatusView.ScanView v : s.scans()) {
            b.append("; ").append(v.folder()).append(": ").append(v.entries())
                    .append(v.expected() > 0 ? " of " + v.expected() : "").append(" entries, ")
                    .append(v.bytesHashed() / (1 << 20)).append(" MiB hashed, ").append(v.entriesPerSecond()).append("/s")
                    .append(!v.running() ? ", done" : v.etaSeconds() == null ? "" : ", ETA " + v.etaSeconds() + " s");
        }
        return b.toString();
    }

    /** One line: how the cluster's traffic is protected, and what the seal layer refused. */
    public static String security(StatusView.Security s) {
        if (s == null) {
            return "unknown";
        }
        return switch (s.mode()) {
            case "sealed" -> {
                long ready = s.sessions().stream().filter(StatusView.Session::ready).count();
                StringBuilder b = new StringBuilder("sealed: ").append(s.fingerprint()).append(", key generation ")
                        .append(s.keyGeneration()).append(", ").append(ready).append(" of ").append(s.sessions().size())
                        .append(" peer session(s) ready");
                String refused = s.refused().entrySet().stream().filter(e -> e.getValue() > 0)
                        .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
                yield refused.isEmpty() ? b.toString() : b.append("; refused packets: ").append(refused).toString();
            }
            case "insecure" -> "NONE (insecure = true): any host on the network can join, read and write";
            default -> "none: no credentials, loopback only";
        };
    }
}
