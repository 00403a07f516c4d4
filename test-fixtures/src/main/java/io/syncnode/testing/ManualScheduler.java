package io.syncnode.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on a manual clock, for tests of timing rules: nothing runs until the test calls
 * {@link #advance} (or {@link #runDue}), which moves the clock and runs every task that falls due,
 * in order of due time, on the calling thread. {@link #nanoTime} is the clock to give the code
 * under test, so its "now" and the scheduler's delays are one timeline and asserts can be exact.
 * Thread-safe for submitting from other threads; tasks run only inside {@code advance}.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long now;
    private long sequence;
    private boolean shutdown;

    /** The manual clock, in nanoseconds (starts at 0). */
    public synchronized long nanoTime() {
        return now;
    }

    /** Tasks waiting (periodic ones included). */
    public synchronized int pending() {
        return queue.size();
    }

    /** Runs what is due now (e.g. tasks given to {@link #execute}) without moving the clock. */
    public int runDue() {
        return advance(Duration.ZERO);
    }

    /**
     * Moves the clock forward by {@code by}, running every task that falls due meanwhile (tasks they
     * schedule too) at its due time. Returns how many tasks ran.
     */
    public int advance(Duration by) {
        long target;
        synchronized (this) {
            target = now + by.toNanos();
        }
        int ran = 0;
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due - target > 0) {
                    now = target;
                    return ran;
                }
                queue.poll();
                now = Math.max(now, next.due);
            }
            if (!next.isCancelled()) {
                next.run();
                ran++;
            }
        }
    }

    private synchronized <V> Task<V> enqueue(Task<V> t) {
        if (shutdown) {
            throw new RejectedExecutionException("the manual scheduler is shut down");
        }
        queue.add(t);
        return t;
    }

    private synchronized long dueIn(long delay, TimeUnit unit) {
        return now + Math.max(0, unit.toNanos(delay));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Task<Void>(Executors.callable(command, null), dueIn(delay, unit), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, dueIn(delay, unit), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return periodic(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return periodic(command, initialDelay, delay, unit); // tasks take no time on a manual clock
    }

    private ScheduledFuture<?> periodic(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period " + period + " must be positive");
        }
        return enqueue(new Task<Void>(Executors.callable(command, null), dueIn(initialDelay, unit), unit.toNanos(period)));
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        private final long seq;
        private final long period;
        private long due;

        Task(Callable<V> callable, long due, long period) {
            super(callable);
            this.due = due;
            this.period = period;
            synchronized (ManualScheduler.this) {
                this.seq = sequence++;
            }
        }

        @Override
        public boolean isPeriodic() {
            return period > 0;
        }

        @Override
        public void run() {
            if (!isPeriodic()) {
                super.run();
            } else if (runAndReset()) {
                synchronized (ManualScheduler.this) {
                    due += period;
                    if (!shutdown) {
                        queue.add(this);
                    }
                }
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Task<?> t = (Task<?>) o;
            int c = Long.compare(due, t.due);
            return c != 0 ? c : Long.compare(seq, t.seq);
        }
    }
}
