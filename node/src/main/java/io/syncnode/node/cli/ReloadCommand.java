package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code reload}: the running node re-reads its configuration file (as on SIGHUP). */
@Command(name = "reload",
        description = {"make the running node re-read its configuration file (as SIGHUP does)",
                "Takes effect at once: [[folder]] tables added (the folder starts: watch, scan, digest),"
                        + " removed (the folder stops; its files stay) or changed (ignore, conflict, settle, any key:"
                        + " that folder restarts with a rescan), while unchanged folders go on untouched; [cluster]"
                        + " credentials (the files are read again: a renewed certificate, a CA bundle with a second"
                        + " CA) and [cluster] revoked (revoked members are dropped from the cluster and every key"
                        + " rotates); [cluster] max-send, max-receive and tombstone-retention. Changed [node] keys and"
                        + " the rest of [cluster] are listed; they take effect at"
                        + " the next restart. A configuration that does not load is refused and the running one"
                        + " stays."})
final class ReloadCommand extends NodeCommand {
    ReloadCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        JsonNode result = ask(request("reload"), ANSWER_TIMEOUT);
        for (JsonNode a : result.path("applied")) {
            invocation.out().println("applied: " + a.asText());
        }
        for (JsonNode r : result.path("needsRestart")) {
            invocation.out().println("changed, takes effect at the next restart: " + r.asText());
        }
        if (result.path("applied").isEmpty() && result.path("needsRestart").isEmpty()) {
            invocation.out().println("reloaded: nothing changed");
        }
        return ExitCode.OK;
    }
}
