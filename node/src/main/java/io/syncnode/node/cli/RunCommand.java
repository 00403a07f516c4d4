package io.syncnode.node.cli;

import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.StartProgress;
import io.syncnode.node.cli.NodeStarter.RunningNode;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.ControlServer;
import io.syncnode.node.os.NativeFs;
import io.syncnode.node.trust.CredentialsException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run}: starts the node and its control socket, then waits for SIGTERM/SIGINT. The
 * shutdown action closes the control socket first (no new requests) and then the node. Under
 * systemd ({@code Type=notify}) it reports the start's progress and {@code READY=1} once the node
 * has joined and its control socket answers, pings the watchdog and says when it stops
 * ({@link ServiceNotifier}). The process's umask is 077 from the first moment of {@code run}.
 */
@Command(name = "run",
        description = "run the node in the foreground until SIGTERM/SIGINT")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(RunCommand.class.getName());

    private final Invocation invocation;

    @Mixin
    ConfigOption configOption;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", description = "log details (level FINE) of io.syncnode")
    boolean verbose;

    @Option(names = "--log-level", paramLabel = "[LOGGER=]LEVEL",
            description = "log level of io.syncnode, or of the named logger (repeatable; e.g. debug,"
                    + " io.syncnode.node.fetch=trace, org.jgroups=warn); levels: error, warn, info, debug, trace, off")
    java.util.List<String> logLevels = new java.util.ArrayList<>();

    private final CountDownLatch stopped = new CountDownLatch(1);
    private ControlServer server;
    private RunningNode node;
    private ServiceNotifier service = ServiceNotifier.disabled();
    private boolean stopping;

    RunCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() throws Exception {
        // what the daemon creates without an explicit mode is its own only (control socket, index,
        // work files, temp files); every mode a folder receives is set explicitly (see ConfinedFs)
        NativeFs.umask(0077);
        if (verbose) {
            LogFormat.verbose();
        }
        for (String level : logLevels) {
            try {
                LogFormat.applyLevel(level);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        SyncnodeConfig config = configOption.load(invocation.configs());
        String name = config.node().name();
        ServiceNotifier notifier = ServiceNotifier.fromEnvironment(invocation.environment());
        synchronized (this) {
            service = notifier;
        }
        invocation.onShutdown().accept(this::stop);
        notifier.starting(name);
        // the control socket answers at once: status shows the start's progress, pause/resume/sync
        // wait for it, so that an LXC hook of an autostarting container does not fail meanwhile
        StartingNode starting = new StartingNode(config);
        ControlServer control = new ControlServer(config.controlSocket(), starting);
        try {
            control.start();
        } catch (Exception e) {
            return cannotStart(name, e, ExitCode.ERROR);
        }
        synchronized (this) {
            server = control;
        }
        RunningNode started;
        try {
            started = invocation.nodes().start(config, StartProgress.both(notifier, starting));
        } catch (Exception e) {
            starting.failed(CauseChain.describe(e));
            control.close();
            return cannotStart(name, e, isCredentialsProblem(e) ? ExitCode.USAGE : ExitCode.ERROR);
        }
        starting.started(started.controlHandler());
        synchronized (this) {
            node = started;
            if (stopping) { // told to stop while starting
                control.close();
                started.close();
                return ExitCode.OK;
            }
        }
        ControlHandler handler = started.controlHandler();
        reloadOnHangup(handler, notifier);
        notifier.ready(() -> ServiceNotifier.describe(handler.status()));
        invocation.out().println("syncnode " + name + " running (control: " + config.controlSocket() + ")");
        invocation.out().flush();
        stopped.await();
        LOG.info(() -> "syncnode " + name + " stopped");
        return ExitCode.OK;
    }

    private int cannotStart(String name, Exception e, int code) {
        String reason = "cannot start node " + name + ": " + CauseChain.describe(e);
        invocation.err().println("syncnode: " + reason);
        service.failed(reason);
        service.close();
        return code;
    }

    /** Bad or missing credentials are a configuration error (exit 2), like a bad config file. */
    private static boolean isCredentialsProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CredentialsException) {
                return true;
            }
        }
        return false;
    }

    /**
     * SIGHUP makes the node re-read its configuration, as {@code syncnode reload} does (instead of
     * the JVM's default of exiting). The reload runs on its own thread, never in the signal handler.
     */
    @SuppressWarnings("removal")
    private static void reloadOnHangup(ControlHandler handler, ServiceNotifier notifier) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                Thread t = new Thread(() -> {
                    notifier.reloading();
                    String outcome;
                    try {
                        handler.reload();
                        outcome = "reloaded; " + ServiceNotifier.describe(handler.status());
                    } catch (ControlHandler.ControlException | RuntimeException e) {
                        LOG.warning("SIGHUP: " + e.getMessage());
                        outcome = "reload refused: " + e.getMessage();
                    }
                    notifier.reloaded(outcome);
                }, "reload");
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException e) {
            LOG.fine(() -> "SIGHUP cannot be handled here (" + e.getMessage() + "); use `syncnode reload`");
        }
    }

    /** The shutdown action: closes the control socket, then the node, then lets {@link #call} return. */
    private void stop() {
        try {
            ControlServer control;
            RunningNode running;
            ServiceNotifier notifier;
            synchronized (this) {
                stopping = true;
                control = server;
                running = node;
                notifier = service;
            }
            notifier.stopping();
            FailFast.stoppingIfInstalled();
            try {
                if (control != null) {
                    control.close();
                }
                if (running != null) {
                    running.close();
                }
            } finally {
                notifier.close();
            }
        } finally {
            stopped.countDown();
        }
    }
}
