package io.syncnode.node.engine;

import io.syncnode.config.FolderAction;
import io.syncnode.node.action.ActionOutcome;
import io.syncnode.node.action.ActionProcess;
import io.syncnode.node.control.StatusView;
import io.syncnode.protocol.IgnoreMatcher;
import io.syncnode.protocol.NameCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The post-sync actions of one folder ({@code [[folder.action]]}): told each path whose remote
 * change was applied (and, for actions with {@code do-local}, each local change recorded), it
 * arms the debounce timer of every action whose pattern matches; when an action has seen no
 * matching change for its {@code debounce}, it runs once ({@link ActionProcess}) with the paths
 * gathered meanwhile.
 *
 * <p>Implementation notes. One run of an action at a time: changes that arrive while it runs are
 * gathered, and one more run follows after it ends (once they are {@code debounce} old), however
 * many there were. A failed or timed-out run is logged as a warning and never retried: the next
 * matching change runs the action again. The debounce is a deadline, not a timer re-armed per
 * change: a burst of N changes schedules one timer, which on firing re-arms itself for what is
 * left of the quiet time since the last change.
 *
 * <p>Threads: {@link #remoteChanged}/{@link #localChanged} run on the folder's worker and only
 * note the path and schedule a timer; the timers fire on the node's scheduler and only hand the
 * run to the folder's {@code action-<folder>-N} pool (one thread per action at most), which
 * blocks on the action's process. The few fields each action shares between those threads are
 * guarded by that action's monitor, never held across a run or any I/O.
 */
final class FolderActions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FolderActions.class.getName());
    /** Distinct triggering paths remembered per run; beyond it they are only counted. */
    static final int MAX_KEPT = 100_000;
    /** A folder without actions: every call returns at once. */
    static final FolderActions NONE = new FolderActions();

    private final String folder;
    private final Path root;
    private final List<Armed> actions;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService runners;
    private final LongSupplier nanos;
    private volatile boolean closed;

    private FolderActions() {
        this.folder = "";
        this.root = null;
        this.actions = List.of();
        this.scheduler = null;
        this.runners = null;
        this.nanos = System::nanoTime;
    }

    /**
     * @param outputDir where each run's output file goes (the folder's work directory)
     * @param scheduler the node's timers
     * @param nanos     a monotonic clock in nanoseconds ({@link System#nanoTime} in the node)
     */
    FolderActions(String folder, Path root, List<FolderAction> configs, Path outputDir,
                  ScheduledExecutorService scheduler, LongSupplier nanos) {
        this.folder = folder;
        this.root = root;
        this.scheduler = scheduler;
        this.nanos = nanos;
        List<Armed> list = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            FolderAction c = configs.get(i);
            String label = folder + " action[" + i + "] (" + c.program().getFileName() + ")";
            list.add(new Armed(label, c, IgnoreMatcher.compile(c.pattern()),
                    new ActionProcess(label, c.exec(), c.timeout(), outputDir)));
        }
        this.actions = List.copyOf(list);
        AtomicInteger n = new AtomicInteger();
        this.runners = list.isEmpty() ? null : Executors.newFixedThreadPool(list.size(), r -> {
            Thread t = new Thread(r, "action-" + folder + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Worker thread: a remote change of {@code rel} was applied. */
    void remoteChanged(String rel, boolean isDirectory) {
        changed(rel, isDirectory, false);
    }

    /** Worker thread: a local change of {@code rel} was recorded (only {@code do-local} actions care). */
    void localChanged(String rel, boolean isDirectory) {
        changed(rel, isDirectory, true);
    }

    private void changed(String rel, boolean isDirectory, boolean local) {
        for (Armed a : actions) {
            if ((!local || a.config.doLocal()) && a.matcher.ignored(rel, isDirectory)) {
                a.arm(NameCodec.display(rel));
            }
        }
    }

    /** Any thread: each action's runs so far, for {@code status}. */
    List<StatusView.ActionStatus> status() {
        List<StatusView.ActionStatus> out = new ArrayList<>();
        for (Armed a : actions) {
            out.add(a.status());
        }
        return out;
    }

    /** Stops the timers and kills running actions (with their process groups). */
    @Override
    public void close() {
        closed = true;
        for (Armed a : actions) {
            a.cancel();
        }
        if (runners != null) {
            runners.shutdownNow();
        }
    }

    /** One action and its state between changes, timer and run. */
    private final class Armed {
        final String label;
        final FolderAction config;
        final IgnoreMatcher matcher;
        final ActionProcess process;
        // guarded by this
        private final LinkedHashSet<String> paths = new LinkedHashSet<>();
        private int uncounted;
        private long lastChange;
        private ScheduledFuture<?> timer;
        private boolean running;
        private long runs;
        private long failed;

        Armed(String label, FolderAction config, IgnoreMatcher matcher, ActionProcess process) {
            this.label = label;
            this.config = config;
            this.matcher = matcher;
            this.process = process;
        }

        synchronized void arm(String path) {
            if (paths.size() < MAX_KEPT) {
                paths.add(path);
            } else if (!paths.contains(path)) {
                uncounted++;
            }
            lastChange = nanos.getAsLong();
            if (timer == null && !running) {
                schedule(config.debounce().toNanos());
            }
        }

        /** Guarded by this: fires {@link #fire} in {@code delayNanos}. */
        private void schedule(long delayNanos) {
            if (closed) {
                return;
            }
            try {
                timer = scheduler.schedule(this::fire, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                timer = null; // the node is stopping
            }
        }

        /** Scheduler thread: runs the action if its changes are quiet long enough, else waits the rest. */
        private void fire() {
            ActionProcess.Trigger trigger;
            synchronized (this) {
                timer = null;
                long quiet = nanos.getAsLong() - lastChange;
                long debounce = config.debounce().toNanos();
                if (closed || running || paths.isEmpty()) {
                    return;
                }
                if (quiet < debounce) {
                    schedule(debounce - quiet);
                    return;
                }
                List<String> listed = paths.stream().limit(ActionProcess.MAX_PATHS).toList();
                trigger = new ActionProcess.Trigger(folder, root, listed, paths.size() + uncounted);
                paths.clear();
                uncounted = 0;
                running = true;
            }
            try {
                runners.execute(() -> run(trigger));
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    running = false; // the node is stopping
                }
            }
        }

        /** {@code action-<folder>-N} thread: one run, then the run the changes meanwhile ask for. */
        private void run(ActionProcess.Trigger trigger) {
            ActionOutcome outcome = null;
            try {
                LOG.info(() -> label + ": running " + config.exec() + " for " + trigger.pathCount() + " changed path(s)"
                        + ", first " + trigger.paths().get(0));
                outcome = process.run(trigger);
                report(outcome);
            } finally {
                synchronized (this) {
                    running = false;
                    runs++;
                    if (!(outcome instanceof ActionOutcome.Succeeded)) {
                        failed++;
                    }
                    if (!paths.isEmpty() && timer == null) {
                        schedule(config.debounce().toNanos() - (nanos.getAsLong() - lastChange));
                    }
                }
            }
        }

        private void report(ActionOutcome outcome) {
            if (outcome instanceof ActionOutcome.Succeeded) {
                LOG.info(() -> label + ": done");
            } else if (outcome instanceof ActionOutcome.Failed f) {
                LOG.warning(() -> label + ": exited with status " + f.status() + "; not retried (the next matching"
                        + " change runs it again)");
            } else if (outcome instanceof ActionOutcome.TimedOut t) {
                LOG.warning(() -> label + ": still running after its timeout of " + t.timeout().toMillis() + " ms;"
                        + " it and every process in its group were killed; not retried (raise timeout if it needs"
                        + " longer)");
            } else if (outcome instanceof ActionOutcome.NotStarted n) {
                LOG.warning(() -> label + ": not run: " + n.reason() + "; not retried");
            }
        }

        synchronized void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        synchronized StatusView.ActionStatus status() {
            return new StatusView.ActionStatus(label, runs, failed, timer != null || !paths.isEmpty(), running);
        }
    }
}
