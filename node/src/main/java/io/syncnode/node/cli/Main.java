package io.syncnode.node.cli;

import io.syncnode.config.ConfigException;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code syncnode} command line: {@code run}, {@code status}, {@code peers}, {@code dirty},
 * {@code sync}, {@code check}, {@code accept-deletes}, {@code forget}, {@code conflicts}, {@code resolve},
 * {@code pause}, {@code resume},
 * {@code rekey}, {@code reload}, {@code keygen}, {@code config check}, {@code version}. Exit codes: 0 ok, 1 error, 2 usage or config
 * error, 3 not converged before {@code --timeout}. The operator never sees a stack trace: every
 * failure is one line {@code syncnode: <message>} on stderr.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // before any logger exists, so that the JDK's own shutdown hook cannot close the log early
        System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        int code;
        try {
            LogFormat.install();
            ShutdownSafeLogManager.configured();
            FailFast.install();
            code = execute(args, System.out, System.err);
        } catch (Throwable e) {
            System.err.println("syncnode: " + CauseChain.describe(e));
            code = ExitCode.ERROR;
        }
        System.out.flush();
        System.err.flush();
        Invocation.exiting(code);
        System.exit(code);
    }

    /** Runs one command line against the real configuration loader and node; returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, Invocation.standard(out, err));
    }

    /** As {@link #execute(String[], PrintStream, PrintStream)}, with configurations from {@code configs}. */
    static int execute(String[] args, PrintStream out, PrintStream err, ConfigSource configs) {
        Invocation standard = Invocation.standard(out, err);
        return execute(args, new Invocation(out, err, configs, standard.nodes(), standard.onShutdown(),
                standard.environment()));
    }

    static int execute(String[] args, Invocation invocation) {
        try {
            return commandLine(invocation).execute(args);
        } catch (Throwable e) {
            invocation.err().println("syncnode: " + CauseChain.describe(e));
            return ExitCode.ERROR;
        } finally {
            invocation.out().flush();
            invocation.err().flush();
        }
    }

    static CommandLine commandLine(Invocation invocation) {
        CommandLine commandLine = new CommandLine(new SyncnodeCommand())
                .addSubcommand(new RunCommand(invocation))
                .addSubcommand(new StatusCommand(invocation))
                .addSubcommand(new PeersCommand(invocation))
                .addSubcommand(new DirtyCommand(invocation))
                .addSubcommand(new SyncCommand(invocation))
                .addSubcommand(new CheckCommand(invocation))
                .addSubcommand(new AcceptDeletesCommand(invocation))
                .addSubcommand(new ForgetCommand(invocation))
                .addSubcommand(new ConflictsCommand(invocation))
                .addSubcommand(new ResolveCommand(invocation))
                .addSubcommand(new PauseCommand(invocation))
                .addSubcommand(new ResumeCommand(invocation))
                .addSubcommand(new RekeyCommand(invocation))
                .addSubcommand(new ReloadCommand(invocation))
                .addSubcommand(new KeygenCommand(invocation))
                .addSubcommand(new ConfigCommand(invocation))
                .addSubcommand(new VersionCommand(invocation));
        commandLine.setOut(new PrintWriter(invocation.out(), true));
        commandLine.setErr(new PrintWriter(invocation.err(), true));
        commandLine.setParameterExceptionHandler(Main::usageError);
        commandLine.setExecutionExceptionHandler((e, failed, parseResult) -> failure(e, failed, invocation));
        return commandLine;
    }

    /** A command line that does not parse: the reason, then the verb's usage; exit 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        err.println("syncnode: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        failed.usage(err);
        err.flush();
        return ExitCode.USAGE;
    }

    /** A verb that failed while running: one line, no stack trace. */
    private static int failure(Exception e, CommandLine failed, Invocation invocation) {
        PrintStream err = invocation.err();
        if (e instanceof ConfigException) {
            err.println("syncnode: " + e.getMessage());
            return ExitCode.USAGE;
        }
        if (e instanceof ParameterException) {
            err.println("syncnode: " + e.getMessage());
            err.println("see `" + failed.getCommandSpec().qualifiedName() + " --help`");
            return ExitCode.USAGE;
        }
        err.println("syncnode: " + CauseChain.describe(e));
        return ExitCode.ERROR;
    }
}
