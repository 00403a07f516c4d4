package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code resume}: restarts syncing a paused folder on this node. Returns once the node has rescanned
 * the folder (what changed while paused is then dirty and announced); the members' changes arrive
 * through the digest exchange the node starts. Resuming a folder that is not paused is not an error.
 */
@Command(name = "resume",
        description = {"restart syncing one folder on this node (e.g. from LXC hooks)",
                "Rescans the folder, announces what changed on this node while it was paused, and fetches what"
                        + " the other nodes changed meanwhile. Returns once the rescan is done. Resuming a folder"
                        + " that is not paused is not an error."})
final class ResumeCommand extends NodeCommand {
    /** The node rescans the folder before answering; it gives up after an hour, the CLI a little later. */
    static final Duration WAIT = Duration.ofHours(1).plusSeconds(30);

    @Parameters(paramLabel = "FOLDER", description = "the folder's name in the configuration")
    String folder;

    ResumeCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        String name = folder(folder).name();
        JsonNode result = ask(request("resume").put("folder", name), WAIT);
        if (result.path("changed").asBoolean(false)) {
            invocation.out().println("resumed " + name + ": rescanned; changes made meanwhile are being exchanged"
                    + " with the other nodes");
        } else {
            invocation.out().println(name + " was not paused; nothing to do");
        }
        return ExitCode.OK;
    }
}
