package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rekey}: replaces the session keys of this node (and, by default, of every member) while syncing goes on. */
@Command(name = "rekey",
        description = {"replace this node's session keys now, and ask every member to replace theirs",
                "Each node makes a new key generation (ephemeral X25519 key and sender key) and hands it to the"
                        + " members over the old one; packets in flight still open for a grace time, so syncing goes"
                        + " on and nothing is lost. Keys also rotate every hour on their own, and at once when a"
                        + " revocation drops a member. Needs a node with [cluster] credentials."})
final class RekeyCommand extends NodeCommand {
    @Option(names = "--local", description = "replace only this node's keys; do not ask the members")
    boolean local;

    RekeyCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        JsonNode result = ask(request("rekey").put("local", local), ANSWER_TIMEOUT);
        invocation.out().println("keys replaced: this node is at key generation " + result.path("generation").asInt()
                + (local ? "" : "; every member was asked to replace its keys too"));
        return ExitCode.OK;
    }
}
