package io.syncnode.node.cli;

import io.syncnode.node.control.TextTable;
import com.fasterxml.jackson.databind.JsonNode;
import io.syncnode.node.control.DirtyView;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sync}: push what is dirty now and wait until nothing dirty toward the current members
 * remains; the absent peers it did not wait on are named ({@code --all-peers} waits on them too).
 */
@Command(name = "sync",
        description = {"push everything dirty now and wait until no dirty entry remains (exit 3 on timeout)",
                "Only dirty entries toward the current members are waited on: peers that are not members now"
                        + " are skipped, and named with their dirty entries"
                        + " (`syncnode forget NODE` drops a retired one); --all-peers waits on them too."
                        + " Paused folders are left out (and named); naming one with --folder is an error."})
final class SyncCommand extends NodeCommand {
    /** Extra time the CLI waits for the node's answer beyond {@code --timeout}. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    @Option(names = "--folder", paramLabel = "F", description = "only this folder")
    String folder;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "60s", converter = DurationConverter.class,
            description = "how long to wait, like 500ms, 60s, 2m (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--all-peers", description = "also wait on peers that are not members now (until --timeout)")
    boolean allPeers;

    SyncCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        var request = request("sync").put("timeoutMs", timeout.toMillis());
        if (folder != null) {
            request.put("folder", folder(folder).name());
        }
        if (allPeers) {
            request.put("allPeers", true);
        }
        String within = "not converged within " + DurationConverter.format(timeout);
        JsonNode result;
        try {
            result = ask(request, timeout.plus(GRACE));
        } catch (SocketTimeoutException e) {
            invocation.err().println("syncnode: " + within + ": " + e.getMessage());
            return ExitCode.NOT_CONVERGED;
        }
        String skipped = skippedNote(result.path("skipped"));
        String paused = pausedNote(result.path("paused")) + skipped;
        if (result.path("converged").asBoolean(false)) {
            invocation.out().println("in sync: nothing dirty remains" + (skipped.isEmpty() ? "" : " toward the members")
                    + (folder != null ? " in " + folder : "") + paused);
            return ExitCode.OK;
        }
        long remaining = result.path("remaining").asLong();
        PrintStream err = invocation.err();
        err.println("syncnode: " + within + ": " + remaining + " dirty " + (remaining == 1 ? "entry" : "entries")
                + " remain" + (remaining == 1 ? "s" : "") + paused + ":");
        TextTable table = new TextTable().left("FOLDER").left("PATH").left("PEER").left("SINCE");
        DirtyView[] entries = read(result.path("entries"), DirtyView[].class);
        for (DirtyView entry : entries) {
            table.row(entry.folder(), entry.path(), "-> " + entry.peer(), "since " + entry.since());
        }
        table.print(err, "  ", false);
        if (remaining > entries.length) {
            err.println("  ... and " + (remaining - entries.length) + " more: see `syncnode dirty -c "
                    + configOption.path() + "`");
        }
        return ExitCode.NOT_CONVERGED;
    }

    /**
     * "; skipped absent peers: n3 (12 dirty paths), n4 (1 dirty path)" for the peers the node did not
     * wait on, else "".
     */
    private static String skippedNote(JsonNode skipped) {
        if (!skipped.isArray() || skipped.isEmpty()) {
            return "";
        }
        StringBuilder peers = new StringBuilder();
        for (JsonNode peer : skipped) {
            long dirty = peer.path("dirty").asLong();
            peers.append(peers.length() == 0 ? "" : ", ").append(peer.path("peer").asText()).append(" (").append(dirty)
                    .append(dirty == 1 ? " dirty path)" : " dirty paths)");
        }
        return "; skipped absent peers: " + peers;
    }

    /** " (paused, left out: a, b)" for the paused folders the node left out, else "". */
    private static String pausedNote(JsonNode paused) {
        if (!paused.isArray() || paused.isEmpty()) {
            return "";
        }
        StringBuilder names = new StringBuilder();
        for (JsonNode name : paused) {
            names.append(names.length() == 0 ? "" : ", ").append(name.asText());
        }
        return " (paused, left out: " + names + ")";
    }
}
