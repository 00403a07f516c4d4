package io.syncnode.node.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code syncnode} command: only dispatches to its verbs. */
@Command(name = "syncnode", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        scope = ScopeType.INHERIT, // every verb gets --help, --version and the exit code list
        description = "Clustered, bidirectional file sync. Every verb but run, keygen, import-csync2, config check and "
                + "version talks to the running node over its control socket (<state-dir>/control.sock).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:error", "2:usage or config error", "3:not converged before --timeout",
                "4:status: the node is degraded", "5:diff: this node and a peer differ"})
final class SyncnodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing verb");
    }
}
