package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code forget}: drops a retired peer everywhere this node remembers it (its dirty entries in every
 * folder, its entry in the peers table), so that nothing waits on it any more. Refused (exit 1) for
 * a current member and for this node; a name this node does not remember is not an error (exit 0,
 * and it says so), so the verb can be run again safely.
 */
@Command(name = "forget",
        description = {"drop a retired peer everywhere it is remembered",
                "Drops its dirty entries in every folder and its entry in the peers table. Refused (exit 1) while"
                        + " NODE is a member of the cluster, and for this node itself. A name this node does not"
                        + " remember is not an error (exit 0). If NODE comes back later it is treated as a new"
                        + " peer: the digest exchange brings it up to date. Run it on every remaining node."})
final class ForgetCommand extends NodeCommand {
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    @Parameters(paramLabel = "NODE", description = "the retired node's name ([node] name in its configuration)")
    String node;

    ForgetCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        if (!NODE_NAME.matcher(node).matches()) {
            throw new ParameterException(spec.commandLine(), "'" + node + "' is not a node name: names match "
                    + NODE_NAME.pattern());
        }
        JsonNode result = ask(request("forget").put("peer", node), ANSWER_TIMEOUT);
        if (result.path("forgotten").asBoolean(false)) {
            long dirty = result.path("dirty").asLong();
            invocation.out().println("forgot " + node + ": dropped " + dirty + " dirty "
                    + (dirty == 1 ? "entry" : "entries") + " toward it and its peer entry; if it comes back it is"
                    + " treated as a new peer");
        } else {
            invocation.out().println("no peer named " + node + " is remembered on this node; nothing to forget");
        }
        return ExitCode.OK;
    }
}
