package io.syncnode.node.watch;

import io.syncnode.node.trace.Hops;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Settles bursts of watcher reports into {@link ChangeBatch}es.
 *
 * <p>A batch is flushed when no change has arrived for {@code settle} (quiet time), or when
 * {@code maxDelay} has passed since its first change, whichever comes first, so a continuous
 * stream still flushes every {@code maxDelay}. {@code settle = 0} flushes on the scheduler's next
 * turn, coalescing whatever arrived until then. An overflow flushes at once with
 * {@code rescanAll = true}.
 *
 * <p>Implementation notes: at most one timer is outstanding. A change only records its time;
 * when the timer fires it flushes if the deadline min(last + settle, first + maxDelay) has passed,
 * otherwise it reschedules itself for the remaining time. So a burst of a million events costs
 * one timer, not a million cancelled ones, and nothing polls. Each scheduled timer carries a
 * generation number; a timer superseded by an overflow flush finds a newer generation and does
 * nothing.
 *
 * <p>Threading: all methods are thread-safe and never block on the sink. The sink and the limit
 * consumer run on the scheduler's thread, outside the aggregator's lock; with a single-threaded
 * scheduler their calls are in order and never overlap. If the scheduler has been shut down,
 * reports are dropped (the folder is shutting down too).
 */
public final class ChangeAggregator implements WatchListener {
    private static final System.Logger LOG = System.getLogger(ChangeAggregator.class.getName());

    private final long settleNanos;
    private final long maxDelayNanos;
    private final ScheduledExecutorService scheduler;
    private final Consumer<ChangeBatch> sink;
    private final Consumer<String> limitSink;
    private final LongSupplier nanoTime;

    private final Object lock = new Object();
    private Set<String> paths = new LinkedHashSet<>();
    private Set<String> recursivePaths = new LinkedHashSet<>();
    private boolean rescanAll;
    private long firstNanos;
    private long lastNanos;
    private boolean timerPending;
    private long generation;

    /** As the full constructor; limit messages are logged at WARNING. */
    public ChangeAggregator(Duration settle, Duration maxDelay, ScheduledExecutorService scheduler,
            Consumer<ChangeBatch> sink) {
        this(settle, maxDelay, scheduler, sink,
                message -> LOG.log(System.Logger.Level.WARNING, message), System::nanoTime);
    }

    /**
     * @param settle    quiet time after the last change before flushing; may be zero
     * @param maxDelay  longest time a change waits, counted from the first change of a batch
     * @param scheduler runs the timers and calls {@code sink} and {@code limitSink}
     * @param sink      receives the batches
     * @param limitSink receives {@link #limitReached} messages
     */
    public ChangeAggregator(Duration settle, Duration maxDelay, ScheduledExecutorService scheduler,
            Consumer<ChangeBatch> sink, Consumer<String> limitSink) {
        this(settle, maxDelay, scheduler, sink, limitSink, System::nanoTime);
    }

    /** nanoTime must run in step with the scheduler's delays (System::nanoTime for a real one). */
    ChangeAggregator(Duration settle, Duration maxDelay, ScheduledExecutorService scheduler,
            Consumer<ChangeBatch> sink, Consumer<String> limitSink, LongSupplier nanoTime) {
        if (settle.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("settle " + settle + " and maxDelay " + maxDelay + " must not be negative");
        }
        this.settleNanos = settle.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.limitSink = Objects.requireNonNull(limitSink, "limitSink");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public void changed(String relPath, boolean recursive) {
        synchronized (lock) {
            long now = nanoTime.getAsLong();
            if (paths.isEmpty() && recursivePaths.isEmpty()) {
                firstNanos = now;
            }
            lastNanos = now;
            (recursive ? recursivePaths : paths).add(relPath);
            if (!timerPending) {
                schedule(Math.min(settleNanos, maxDelayNanos));
            }
        }
    }

    @Override
    public void overflow(String reason) {
        LOG.log(System.Logger.Level.INFO, "rescanning the whole folder: " + reason);
        synchronized (lock) {
            rescanAll = true;
            schedule(0); // supersedes a pending timer through the generation number
        }
    }

    @Override
    public void limitReached(String message) {
        try {
            scheduler.execute(() -> limitSink.accept(message));
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "scheduler shut down; not forwarding: " + message);
        }
    }

    /** Caller holds the lock. */
    private void schedule(long delayNanos) {
        long gen = ++generation;
        timerPending = true;
        try {
            scheduler.schedule(() -> fire(gen), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            timerPending = false;
            LOG.log(System.Logger.Level.DEBUG, "scheduler shut down; dropping pending changes");
        }
    }

    private void fire(long gen) {
        ChangeBatch batch;
        synchronized (lock) {
            if (gen != generation) {
                return;
            }
            long now = nanoTime.getAsLong();
            long due = Math.min(lastNanos + settleNanos, firstNanos + maxDelayNanos);
            if (!rescanAll && now - due < 0) {
                schedule(due - now);
                return;
            }
            timerPending = false;
            if (!rescanAll && paths.isEmpty() && recursivePaths.isEmpty()) {
                return;
            }
            batch = new ChangeBatch(paths, recursivePaths, rescanAll);
            paths = new LinkedHashSet<>();
            recursivePaths = new LinkedHashSet<>();
            rescanAll = false;
        }
        Hops.markAll(Hops.Hop.BATCHED, batch.paths());
        Hops.markAll(Hops.Hop.BATCHED, batch.recursivePaths());
        sink.accept(batch);
    }
}
