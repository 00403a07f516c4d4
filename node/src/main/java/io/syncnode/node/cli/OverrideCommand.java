package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncnode.node.control.OverrideView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code override --folder F --yes}: this node's tree wins the whole folder on every current member
 * (csync2 {@code -f}, Syncthing's "Override Changes"): what differs there is replaced or removed.
 * Without {@code --yes} it only says what it would do, and exits 2.
 */
@Command(name = "override",
        description = {"make this node's tree the winner of a folder on every member (needs --yes)",
                "Rescans the folder here, asks every current member sharing it for its index, and gives each path"
                        + " where a member differs a new version of this node's entry that wins everywhere: files"
                        + " that differ are replaced by this node's, files this node has not are removed (each"
                        + " member keeps what it replaces as its folder's versions setting says). Typical on a"
                        + " send-only folder after the others changed it. Members absent now are named; their own"
                        + " changes made meanwhile meet these versions under the conflict policy when they come back."
                        + " Refused for a paused, halted or receive-only folder."})
final class OverrideCommand extends NodeCommand {
    @Option(names = "--folder", required = true, paramLabel = "F", description = "the folder whose tree wins (required)")
    String folder;

    @Option(names = "--yes", description = "confirm: replace and remove what differs on every member")
    boolean yes;

    OverrideCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        String name = folder(folder).name();
        if (!yes) {
            invocation.err().println("syncnode: override replaces every file of folder " + name + " that differs on"
                    + " the other members with this node's and removes the files this node has not; run it again"
                    + " with --yes to do so (`syncnode diff --folder " + name + "` shows what differs)");
            return ExitCode.USAGE;
        }
        JsonNode result = ask(request("override").put("folder", name), ResumeCommand.WAIT);
        OverrideView v = read(result, OverrideView.class);
        invocation.out().println("override " + name + ": this node's tree wins on " + String.join(", ", v.members())
                + ": " + v.replaced() + " path(s) replaced, " + v.removed() + " removed; they arrive as usual"
                + " (`syncnode sync --folder " + name + "` waits for them)");
        if (!v.absent().isEmpty()) {
            invocation.out().println("not members now, not overridden: " + String.join(", ", v.absent()));
        }
        return ExitCode.OK;
    }
}
