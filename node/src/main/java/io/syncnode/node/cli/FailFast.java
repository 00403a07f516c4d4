package io.syncnode.node.cli;

import java.util.function.IntConsumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The process's answer to a throwable nobody handled: a node that hits an {@code Error} (out of
 * memory, stack overflow) or an unexpected exception in one of its threads does not linger
 * half-alive (outside the view, a folder worker dead): it logs why, with the stack trace, and
 * halts with {@value #EXIT} (EX_SOFTWARE), so that its service manager restarts it; the restart
 * resumes where it stopped (the index is crash-safe, temp files are swept at start). An exception
 * while the node is already stopping is logged and ignored. Installed by {@link Main#main} as the
 * default uncaught-exception handler; {@code JGroupsTransport} hands it what escapes a message handler.
 * (Out-of-memory errors that some code catches are covered by {@code -XX:+ExitOnOutOfMemoryError},
 * which the launcher sets.)
 */
final class FailFast implements Thread.UncaughtExceptionHandler {
    private static final Logger LOG = Logger.getLogger(FailFast.class.getName());
    static final int EXIT = 70;

    private static volatile FailFast installed;
    private final IntConsumer halt;
    private volatile boolean stopping;

    FailFast(IntConsumer halt) {
        this.halt = halt;
    }

    /** Installs a handler that halts the JVM (the real process only: {@link Main#main}). */
    static FailFast install() {
        FailFast f = new FailFast(code -> Runtime.getRuntime().halt(code));
        Thread.setDefaultUncaughtExceptionHandler(f);
        installed = f;
        return f;
    }

    /** Tells the installed handler, if any, that the node is stopping. */
    static void stoppingIfInstalled() {
        FailFast f = installed;
        if (f != null) {
            f.stopping();
        }
    }

    /** From now on the node is stopping: exceptions of threads cut short are expected. */
    void stopping() {
        stopping = true;
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        if (stopping && !(e instanceof Error)) {
            LOG.log(Level.FINE, "while stopping, thread " + t.getName() + " ended with an exception", e);
            return;
        }
        try {
            LOG.log(Level.SEVERE, "unexpected " + e + " in thread " + t.getName() + "; the node stops now (exit " + EXIT
                    + ") so that its service manager restarts it; the restart resumes where it stopped", e);
            for (Handler h : Logger.getLogger("").getHandlers()) {
                h.flush();
            }
        } finally {
            halt.accept(EXIT);
        }
    }
}
