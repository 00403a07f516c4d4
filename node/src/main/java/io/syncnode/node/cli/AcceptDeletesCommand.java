package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code accept-deletes --folder F}: releases a folder halted because a scan found most of its
 * files gone (the operator says the deletes are intended, and they propagate to every node), or
 * because a member's announcements would delete most of it (the held deletes are applied here).
 * The only way to accept them: {@code check} never does. A folder that is not halted for a mass
 * delete is left alone (exit 0, and it says so).
 */
@Command(name = "accept-deletes",
        description = {"release a mass-delete halt",
                "The deletes a scan refused propagate to every node."
                        + " A folder halts when a scan finds more than half of its files gone (e.g. an unmounted volume);"
                        + " `status` names it. If the deletes are intended, this verb propagates them; if not,"
                        + " restore the files and run `syncnode check --folder F`, which resumes the folder"
                        + " once they are back. A folder also halts when a member's announcements would delete more"
                        + " than half of it: this verb applies those deletes here (`check` keeps the halt)."
                        + " A folder not halted for a mass delete is left alone (exit 0)."})
final class AcceptDeletesCommand extends NodeCommand {
    @Option(names = "--folder", required = true, paramLabel = "F", description = "the halted folder (required)")
    String folder;

    AcceptDeletesCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        String name = folder(folder).name();
        JsonNode result = ask(request("accept-deletes").put("folder", name), ResumeCommand.WAIT);
        if (result.path("accepted").asBoolean(false)) {
            long changed = result.path("changed").asLong();
            invocation.out().println("accepted the deletes of " + name + ": rescanned, " + changed
                    + (changed == 1 ? " change" : " changes") + " announced to the other nodes");
        } else {
            invocation.out().println(name + " is not halted for a mass delete; nothing to accept");
        }
        return ExitCode.OK;
    }
}
