package io.syncnode.node.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The folder's single worker thread ({@code folder-<name>}): every step that reads-then-writes the
 * folder's index or disk is queued here. Owns the pause flag and the remote-side work held while
 * the folder is paused (transfer commits, script answers), released by {@link #releaseHeld} at
 * the resume.
 *
 * <p>{@link #execute}, {@link #submit} and {@link #remoteSide} may be called from any thread;
 * {@link #setPaused} and {@link #releaseHeld} only on the worker; {@link #paused} anywhere.
 */
final class FolderWorker {
    private static final Logger LOG = Logger.getLogger(FolderWorker.class.getName());
    private final String folder;
    private final ThreadPoolExecutor executor;
    /** Set and cleared on the worker; read anywhere. */
    private volatile boolean paused;
    /** Remote-side work (transfer commits, script answers) that arrived while paused. Worker only. */
    private final List<Runnable> held = new ArrayList<>();
    /** The worker, except that remote-side work waits in {@link #held} while the folder is paused. */
    private final Executor remoteSide;

    FolderWorker(String folder, boolean paused) {
        this.folder = folder;
        this.paused = paused;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "folder-" + folder);
            t.setDaemon(true);
            return t;
        });
        this.remoteSide = r -> executor.execute(() -> {
            if (this.paused) {
                held.add(r);
            } else {
                r.run();
            }
        });
    }

    /** Any thread: steps waiting behind the running one (status's {@code queued}). */
    int queued() {
        return executor.getQueue().size();
    }

    /** Queues {@code task} behind the work already queued. */
    void execute(Runnable task) {
        executor.execute(task);
    }

    /** The worker as an {@link Executor}. */
    Executor executor() {
        return executor;
    }

    /** The worker, except that work waits while the folder is paused (see the class notes). */
    Executor remoteSide() {
        return remoteSide;
    }

    boolean paused() {
        return paused;
    }

    /** Worker only. */
    void setPaused(boolean paused) {
        this.paused = paused;
    }

    /** Worker only: runs the remote-side work held while the folder was paused. */
    void releaseHeld() {
        List<Runnable> release = new ArrayList<>(held);
        held.clear();
        release.forEach(Runnable::run);
    }

    /** A step whose caller gets its result. */
    interface Work<T> {
        T run() throws Exception;
    }

    /** Queues {@code work}; the future completes with its result or failure. */
    <T> CompletableFuture<T> submit(Work<T> work) {
        Job<T> job = new Job<>(work);
        executor.execute(job);
        return job.result;
    }

    /** A step whose caller waits for its result. */
    private final class Job<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Work<T> work;

        Job(Work<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            try {
                result.complete(work.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }

        void refuse() {
            result.completeExceptionally(new IllegalStateException("folder " + folder + ": the node is stopping"));
        }
    }

    /** Wraps a step so that a failure is logged with its context and the worker goes on. */
    Runnable guard(String what, FolderSync.Step step) {
        return () -> {
            try {
                step.run();
            } catch (IndexBuffer.Stopping e) {
                LOG.fine(() -> folder + ": " + what + " ended early: the node is stopping");
            } catch (Exception | Error e) {
                LOG.log(Level.WARNING, folder + ": " + what + " failed; the next rescan or digest exchange retries", e);
            }
        };
    }

    /**
     * Stops the worker promptly: the steps still queued are dropped and callers waiting on them are
     * told the node is stopping, then {@code last} runs, then the worker ends (30 s at most).
     */
    void close(Runnable last) {
        List<Runnable> dropped = new ArrayList<>();
        executor.getQueue().drainTo(dropped);
        for (Runnable r : dropped) {
            if (r instanceof Job<?> job) {
                job.refuse();
            }
        }
        if (!dropped.isEmpty()) {
            LOG.info(() -> folder + ": stopping: " + dropped.size() + " queued steps dropped (found again after the restart)");
        }
        executor.execute(last);
        executor.shutdown();
    }

    /** Waits for the worker to end after {@link #close} (30 s, then interrupts it). */
    void awaitEnd() {
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
