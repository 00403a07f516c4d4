package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code revert --folder F}: a receive-only folder's local changes (listed by {@code status}) go
 * back to the cluster's version: entries added here are removed, changed or removed ones are
 * written again, their content fetched from a member when needed.
 */
@Command(name = "revert",
        description = {"bring a receive-only folder back to the cluster's version",
                "A receive-only folder never announces its local changes; `status` lists how many paths"
                        + " changed here. This verb removes the entries added here and writes the changed or"
                        + " removed ones again from the cluster's version (fetched from a member when needed)."
                        + " Refused for a folder that is not receive-only, paused or halted."})
final class RevertCommand extends NodeCommand {
    @Option(names = "--folder", required = true, paramLabel = "F", description = "the receive-only folder (required)")
    String folder;

    RevertCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        String name = folder(folder).name();
        JsonNode result = ask(request("revert").put("folder", name), ResumeCommand.WAIT);
        long n = result.path("reverted").asLong();
        invocation.out().println("reverted " + n + (n == 1 ? " path" : " paths") + " of " + name
                + " to the cluster's version (content still being fetched arrives by itself)");
        return ExitCode.OK;
    }
}
