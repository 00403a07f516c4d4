package io.syncnode.node.cli;

import java.util.logging.LogManager;

/**
 * The JDK's LogManager resets itself (closing every handler) in a shutdown hook of its own, which
 * races the node's shutdown hook: the node's last lines ("stopping node", "node stopped") were
 * lost. Once {@link LogFormat} has installed the handlers, this manager ignores reset, so the log
 * stays open until the process ends. Installed by {@link Main} through the standard
 * {@code java.util.logging.manager} property, before any logger exists.
 */
public final class ShutdownSafeLogManager extends LogManager {
    private static volatile boolean configured;

    public ShutdownSafeLogManager() {
        super();
    }

    /** Called once the handlers are in place: from now on, reset is ignored. */
    static void configured() {
        configured = true;
    }

    @Override
    public void reset() {
        if (!configured) {
            super.reset();
        }
    }
}
