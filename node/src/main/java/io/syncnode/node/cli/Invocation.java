package io.syncnode.node.cli;

import io.syncnode.config.ConfigLoader;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one CLI invocation works with: where output goes, where configurations and nodes come
 * from, and how {@code run} learns about the end of the process. {@link #standard} is the real
 * process; tests build their own.
 *
 * @param onShutdown  registers an action to run when the process is told to stop (SIGTERM/SIGINT)
 * @param environment the process's environment as far as {@code run} and {@code config check} read it
 *                    ({@code SYNCNODE_CONFIG}, {@code NOTIFY_SOCKET},
 *                    {@code WATCHDOG_USEC}, {@code WATCHDOG_PID}: see {@link ServiceNotifier})
 */
record Invocation(PrintStream out, PrintStream err, ConfigSource configs, NodeStarter nodes,
                  Consumer<Runnable> onShutdown, Map<String, String> environment) {

    /** Without environment: {@code run} notifies no service manager. */
    Invocation(PrintStream out, PrintStream err, ConfigSource configs, NodeStarter nodes,
               Consumer<Runnable> onShutdown) {
        this(out, err, configs, nodes, onShutdown, Map.of());
    }

    static Invocation standard(PrintStream out, PrintStream err) {
        return new Invocation(out, err, ConfigLoader::load, NodeStarter.syncNode(),
                action -> Runtime.getRuntime().addShutdownHook(new Thread(() -> stopThenExit(action),
                        "syncnode-shutdown")), System.getenv());
    }

    /** The status {@link Main#main} asked for, once the command returned; -1 while it runs. */
    private static volatile int exitRequested = -1;

    /** Called by {@link Main#main} just before {@code System.exit(status)}: the status the hook keeps. */
    static void exiting(int status) {
        exitRequested = status;
    }

    /**
     * Runs the stop action, then ends the process. On SIGTERM/SIGINT the status is 0 when the node
     * stopped cleanly (1 if stopping failed) instead of the signal's 143/130: a clean stop on
     * request is a success for service managers. When the process ends because the command
     * returned (a node that could not start), the command's own status is kept, so that a service
     * manager sees the failure.
     */
    private static void stopThenExit(Runnable action) {
        int requested = exitRequested;
        int status = requested >= 0 ? requested : 0;
        try {
            action.run();
        } catch (RuntimeException | Error e) {
            System.err.println("syncnode: stopping failed: " + CauseChain.describe(e));
            status = Math.max(status, 1);
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }
}
