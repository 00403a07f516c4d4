package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncnode.node.control.DirtyView;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sync}: push what is dirty now and wait until nothing dirty remains. */
@Command(name = "sync",
        description = {"push everything dirty now and wait until no dirty entry remains (exit 3 on timeout)",
                "Paused folders are left out (and named); naming one with --folder is an error."})
final class SyncCommand extends NodeCommand {
    /** Extra time the CLI waits for the node's answer beyond {@code --timeout}. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    @Option(names = "--folder", paramLabel = "F", description = "only this folder")
    String folder;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "60s", converter = DurationConverter.class,
            description = "how long to wait, like 500ms, 60s, 2m (default: ${DEFAULT-VALUE})")
    Duration timeout;

    SyncCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        var request = request("sync").put("timeoutMs", timeout.toMillis());
        if (folder != null) {
            request.put("folder", folder(folder).name());
        }
        String within = "not converged within " + DurationConverter.format(timeout);
        JsonNode result;
        try {
            result = ask(request, timeout.plus(GRACE));
        } catch (SocketTimeoutException e) {
            invocation.err().println("syncnode: " + within + ": " + e.getMessage());
            return ExitCode.NOT_CONVERGED;
        }
        String paused = pausedNote(result.path("paused"));
        if (result.path("converged").asBoolean(false)) {
            invocation.out().println("in sync: nothing dirty remains"
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
