package io.syncnode.node.cli;

import io.syncnode.node.StartProgress;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.os.SystemdNotify;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells systemd how {@code run} is doing, through {@code sd_notify} ({@link SystemdNotify}) when
 * {@code $NOTIFY_SOCKET} is set (a {@code Type=notify} unit); without it every method does nothing.
 *
 * <ul>
 * <li>start: {@code STATUS=} at each step ({@link StartProgress}: scanning, each folder scanned,
 *     joining, joined) and {@code EXTEND_TIMEOUT_USEC=} every {@link #EXTEND_EVERY} while the start
 *     runs, so that a first scan of a large tree is not killed by {@code TimeoutStartSec=};</li>
 * <li>{@code READY=1} from {@link #ready}: {@code run} calls it once the node has joined its
 *     cluster and the control socket answers (so {@code systemctl start} returning means the CLI
 *     works);</li>
 * <li>after that, every half {@code $WATCHDOG_USEC} (if set and meant for this process,
 *     {@code $WATCHDOG_PID}), else every {@link #STATUS_EVERY}: the node is asked for its status;
 *     if it answers, {@code WATCHDOG=1} (when the watchdog is on) and a fresh {@code STATUS=}
 *     line go out; if it does not, nothing does, and systemd's watchdog ends the node;</li>
 * <li>{@code RELOADING=1} then {@code READY=1} around a reload ({@link #reloading},
 *     {@link #reloaded}); {@code STOPPING=1} at the start of the stop ({@link #stopping}).</li>
 * </ul>
 *
 * <p>Threading: every message is sent by one daemon thread ("systemd-notify"), in the order the
 * calls were made, so that no {@code WATCHDOG=1} follows {@code STOPPING=1}; callers never wait on
 * a send. A failed send is logged once (a warning naming the socket) and never stops the node.
 */
final class ServiceNotifier implements StartProgress, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ServiceNotifier.class.getName());
    /** How often the start asks systemd for more time. */
    static final Duration EXTEND_EVERY = Duration.ofSeconds(10);
    /** How much more time each extension asks for: three missed extensions and systemd's own timeout applies. */
    static final Duration EXTEND_BY = Duration.ofSeconds(30);
    /** How often the status line is refreshed when there is no watchdog. */
    static final Duration STATUS_EVERY = Duration.ofSeconds(30);
    /** How long {@link #close} waits for the queued messages ({@code STOPPING=1}) to go out. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final SystemdNotify target;
    private final Duration watchdogEvery;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean warned = new AtomicBoolean();
    private ScheduledFuture<?> extending;
    private ScheduledFuture<?> ticking;
    private int folders;
    private int scanned;

    private ServiceNotifier(SystemdNotify target, Duration watchdogEvery) {
        this.target = target;
        this.watchdogEvery = watchdogEvery;
        this.thread = target == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "systemd-notify");
            t.setDaemon(true);
            return t;
        });
    }

    /** One that does nothing: not under systemd. */
    static ServiceNotifier disabled() {
        return new ServiceNotifier(null, null);
    }

    /**
     * From the variables systemd sets: {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC} and
     * {@code WATCHDOG_PID}. A {@code NOTIFY_SOCKET} this class cannot use is logged and ignored.
     */
    static ServiceNotifier fromEnvironment(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return disabled();
        }
        SystemdNotify target;
        try {
            target = SystemdNotify.to(socket);
        } catch (IllegalArgumentException e) {
            LOG.warning("not notifying systemd: " + e.getMessage());
            return disabled();
        }
        return new ServiceNotifier(target, watchdogEvery(env, ProcessHandle.current().pid()));
    }

    /**
     * Half of {@code WATCHDOG_USEC} (as {@code sd_watchdog_enabled(3)} advises), or null when
     * there is no watchdog for process {@code pid}: unset, not a positive number, or
     * {@code WATCHDOG_PID} naming another process.
     */
    static Duration watchdogEvery(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        String forPid = env.get("WATCHDOG_PID");
        try {
            if (usec == null || (forPid != null && Long.parseLong(forPid.trim()) != pid)) {
                return null;
            }
            long micros = Long.parseLong(usec.trim());
            return micros > 0 ? Duration.ofNanos(micros * 1000 / 2) : null;
        } catch (NumberFormatException e) {
            LOG.warning("ignoring WATCHDOG_USEC=" + usec + " / WATCHDOG_PID=" + forPid + ": not a number");
            return null;
        }
    }

    boolean enabled() {
        return target != null;
    }

    /** The watchdog interval (half of WATCHDOG_USEC), or null without a watchdog. */
    Duration watchdogEvery() {
        return watchdogEvery;
    }

    /** The start begins: a first status line, and more time asked for until {@link #ready} or {@link #stopping}. */
    void starting(String node) {
        run(() -> {
            send("STATUS=starting node " + node);
            long every = EXTEND_EVERY.toNanos();
            extending = thread.scheduleWithFixedDelay(() -> send("EXTEND_TIMEOUT_USEC=" + EXTEND_BY.toNanos() / 1000),
                    0, every, TimeUnit.NANOSECONDS);
        });
    }

    @Override
    public void scanning(List<String> names) {
        run(() -> {
            folders = names.size();
            send("STATUS=scanning " + names.size() + " folder(s): " + String.join(", ", names));
        });
    }

    @Override
    public void scanned(String folder, long changes) {
        run(() -> {
            scanned++;
            send("STATUS=scanned " + scanned + " of " + folders + " folder(s); " + folder + ": " + changes
                    + " change(s) since the last run");
        });
    }

    @Override
    public void joining(String cluster) {
        run(() -> send("STATUS=joining cluster " + cluster));
    }

    @Override
    public void joined(List<String> members) {
        run(() -> send("STATUS=joined with " + members.size() + " member(s): " + String.join(", ", members)));
    }

    /**
     * The node runs and answers: {@code READY=1}, then the periodic status and watchdog tick.
     *
     * @param status the node's status line; throws when the node does not answer
     */
    void ready(Supplier<String> status) {
        run(() -> {
            cancel(extending);
            String line;
            try {
                line = status.get();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the node did not answer its first status", e);
                line = "running";
            }
            send("READY=1\nSTATUS=" + line);
            Duration every = watchdogEvery != null ? watchdogEvery : STATUS_EVERY;
            ticking = thread.scheduleWithFixedDelay(() -> tick(status), every.toNanos(), every.toNanos(),
                    TimeUnit.NANOSECONDS);
        });
    }

    /** A watchdog ping only when the node answered; its status line goes with it. */
    private void tick(Supplier<String> status) {
        String line;
        try {
            line = status.get();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the node did not answer its status: no watchdog ping this time", e);
            return;
        }
        send((watchdogEvery != null ? "WATCHDOG=1\n" : "") + "STATUS=" + line);
    }

    /** A reload (SIGHUP) begins. */
    void reloading() {
        run(() -> send("RELOADING=1\nSTATUS=reloading the configuration"));
    }

    /** The reload ended (applied or refused): ready again. */
    void reloaded(String outcome) {
        run(() -> send("READY=1\nSTATUS=" + outcome));
    }

    /** The start failed: the reason as the last status line. */
    void failed(String reason) {
        run(() -> {
            cancel(extending);
            send("STATUS=" + reason);
        });
    }

    /** The stop begins: no more pings or extensions, then {@code STOPPING=1}. */
    void stopping() {
        run(() -> {
            cancel(extending);
            cancel(ticking);
            send("STOPPING=1\nSTATUS=stopping");
        });
    }

    /**
     * Sends what is queued, waiting at most {@link #CLOSE_WAIT} (the first send of a process may
     * load libc through jnr-ffi, which takes a moment), then ends the thread.
     */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        thread.shutdown();
        try {
            thread.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
    }

    /**
     * The status line: members and folder states, e.g.
     * {@code "2 member(s): alpha, beta; 3 folder(s): 2 idle, 1 halted"}.
     */
    static String describe(StatusView status) {
        Map<String, Integer> states = new TreeMap<>();
        status.folders().forEach(f -> states.merge(f.state(), 1, Integer::sum));
        StringBuilder s = new StringBuilder().append(status.members().size()).append(" member(s): ")
                .append(String.join(", ", status.members())).append("; ").append(status.folders().size())
                .append(" folder(s)");
        String sep = ": ";
        for (Map.Entry<String, Integer> e : states.entrySet()) {
            s.append(sep).append(e.getValue()).append(' ').append(e.getKey());
            sep = ", ";
        }
        for (StatusView.FolderStatus f : status.folders()) {
            if (f.need() != null && f.need().files() > 0) {
                s.append("; ").append(f.name()).append(" needs ").append(f.need().describe());
            }
        }
        return s.toString();
    }

    private void run(Runnable step) {
        if (thread == null) {
            return;
        }
        try {
            thread.execute(step);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.fine(() -> "systemd notification after close, dropped");
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private void send(String state) {
        try {
            target.send(state);
        } catch (java.io.IOException | RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "cannot notify systemd (" + target.socket() + "); going on without it,"
                        + " further failures are not logged", e);
            }
        }
    }
}
