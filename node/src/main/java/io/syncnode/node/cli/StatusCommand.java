package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncnode.node.control.StatusText;
import io.syncnode.node.control.StatusView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code status}: the node, its cluster view and a line per folder ({@link StatusText}). The usual
 * calls ({@code status [-c FILE] [--json]}) are served by {@link QuickStatus} before this class is
 * reached; this is the path of every other form and of every failure.
 */
@Command(name = "status",
        description = "node, cluster view (members), per folder: files, dirty, conflicts, problems, state"
                + " (scanning, syncing, idle, halted, paused); the view's id and coordinator and when the last"
                + " partition healed; exits 0 when healthy, 4 when degraded (no other member, a halted folder,"
                + " open problems)")
final class StatusCommand extends NodeCommand {
    @Option(names = "--json", description = "print JSON: {\"node\", \"members\", \"folders\": [...], \"counters\","
            + " \"security\", \"view\", \"health\": {\"healthy\", \"reasons\"}}")
    boolean json;

    StatusCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        var result = ask(request("status"), ANSWER_TIMEOUT);
        StatusView status = read(result, StatusView.class);
        if (json) {
            printJson(StatusText.withHealth((ObjectNode) result, status));
        } else {
            StatusText.print(status, invocation.out());
        }
        return StatusText.exitCode(status);
    }
}
