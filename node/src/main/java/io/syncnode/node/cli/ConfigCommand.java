package io.syncnode.node.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code config}: work on a configuration file without a running node; for now {@code config check}. */
@Command(name = "config",
        description = {"validate a config without a node (config check FILE)",
                "Works offline: no node needs to run."},
        subcommands = {ConfigCheckCommand.class})
final class ConfigCommand implements Callable<Integer> {
    private final Invocation invocation;

    @Spec
    CommandSpec spec;

    ConfigCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    Invocation invocation() {
        return invocation;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing verb: check");
    }
}
