package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code pause}: stops syncing one folder on this node until {@code resume}, also across restarts
 * of the node. Pausing a paused folder is not an error.
 */
@Command(name = "pause",
        description = {"stop syncing one folder on this node (e.g. from LXC hooks)",
                "Its local changes are not announced and remote ones not applied until `syncnode resume`;"
                        + " the pause is kept across restarts of the node. Pausing a paused folder is not an error."})
final class PauseCommand extends NodeCommand {
    /** The node waits this long for the folder's worker to take the pause; the CLI a little longer. */
    static final Duration WAIT = Duration.ofMinutes(10).plusSeconds(30);

    @Parameters(paramLabel = "FOLDER", description = "the folder's name in the configuration")
    String folder;

    PauseCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        String name = folder(folder).name();
        JsonNode result = ask(request("pause").put("folder", name), WAIT);
        if (result.path("changed").asBoolean(false)) {
            invocation.out().println("paused " + name + ": this node neither announces its changes nor applies"
                    + " remote ones until `syncnode resume " + name + "` (kept across restarts)");
        } else {
            invocation.out().println(name + " was already paused; nothing to do");
        }
        return ExitCode.OK;
    }
}
