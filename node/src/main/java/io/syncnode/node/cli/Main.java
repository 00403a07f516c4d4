package io.syncnode.node.cli;

import io.syncnode.config.ConfigException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code syncnode} command line: {@code run}, {@code status}, {@code peers}, {@code dirty},
 * {@code sync}, {@code check}, {@code accept-deletes}, {@code revert}, {@code versions}, {@code restore}, {@code forget}, {@code conflicts}, {@code resolve},
 * {@code pause}, {@code resume},
 * {@code rekey}, {@code reload}, {@code keygen}, {@code import-csync2}, {@code config check}, {@code version}.
 * Exit codes: 0 ok, 1 error, 2 usage or config
 * error, 3 not converged before {@code --timeout}. The operator never sees a stack trace: every
 * failure is one line {@code syncnode: <message>} on stderr.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Integer quick = QuickStatus.run(args, System::getenv, System.out);
        if (quick != null) {
            System.out.flush();
            System.exit(quick);
        }
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
            return commandLineFor(invocation, args).execute(args);
        } catch (Throwable e) {
            invocation.err().println("syncnode: " + CauseChain.describe(e));
            return ExitCode.ERROR;
        } finally {
            invocation.out().flush();
            invocation.err().flush();
        }
    }

    /**
     * The verbs in the order {@code --help} lists them, each made for one invocation. The name
     * must be the one its {@code @Command} gives (MainParsingTest holds the two together).
     */
    static final Map<String, Function<Invocation, Object>> VERBS = verbs();

    private static Map<String, Function<Invocation, Object>> verbs() {
        Map<String, Function<Invocation, Object>> v = new LinkedHashMap<>();
        v.put("run", RunCommand::new);
        v.put("status", StatusCommand::new);
        v.put("peers", PeersCommand::new);
        v.put("dirty", DirtyCommand::new);
        v.put("sync", SyncCommand::new);
        v.put("check", CheckCommand::new);
        v.put("diff", DiffCommand::new);
        v.put("accept-deletes", AcceptDeletesCommand::new);
        v.put("revert", RevertCommand::new);
        v.put("override", OverrideCommand::new);
        v.put("versions", VersionsCommand::new);
        v.put("restore", RestoreCommand::new);
        v.put("forget", ForgetCommand::new);
        v.put("conflicts", ConflictsCommand::new);
        v.put("resolve", ResolveCommand::new);
        v.put("pause", PauseCommand::new);
        v.put("resume", ResumeCommand::new);
        v.put("rekey", RekeyCommand::new);
        v.put("reload", ReloadCommand::new);
        v.put("keygen", KeygenCommand::new);
        v.put("import-csync2", ImportCsync2Command::new);
        v.put("config", ConfigCommand::new);
        v.put("version", VersionCommand::new);
        return Collections.unmodifiableMap(v);
    }

    /** The whole command line: every verb (help, completion, a verb that is not one). */
    static CommandLine commandLine(Invocation invocation) {
        return commandLine(invocation, VERBS.keySet());
    }

    /**
     * The command line for {@code args}: when the first argument names a verb, only that verb's
     * model is built (picocli reflects over every command it is given, most of a CLI call's
     * start-up time), else every verb's.
     */
    static CommandLine commandLineFor(Invocation invocation, String[] args) {
        return args.length > 0 && VERBS.containsKey(args[0])
                ? commandLine(invocation, Set.of(args[0])) : commandLine(invocation);
    }

    private static CommandLine commandLine(Invocation invocation, Set<String> verbs) {
        CommandLine commandLine = new CommandLine(new SyncnodeCommand());
        VERBS.forEach((name, make) -> {
            if (verbs.contains(name)) {
                commandLine.addSubcommand(make.apply(invocation));
            }
        });
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
