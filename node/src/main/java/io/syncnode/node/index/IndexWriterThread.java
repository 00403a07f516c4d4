package io.syncnode.node.index;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The {@code index-writer} thread of {@link SqliteIndexStore}: runs each write function as one
 * {@code BEGIN IMMEDIATE ... COMMIT} on the one write connection, in submission order, and
 * completes its future after the commit or, after a rollback, with an {@link IndexException}.
 * The thread is a daemon: {@link #drain} lets the queued writes finish before the store closes
 * its connections, and a forgotten store does not keep the JVM alive.
 *
 * <p>{@link #runHere} is the waiting caller's way (a folder worker committing its own batch): when
 * no write is queued or running, the calling thread runs the transaction itself, without the hand-off
 * to the writer thread and back (two thread wake-ups, each a scheduling delay on a busy machine);
 * otherwise it queues behind them and waits. Every transaction, on either thread, holds
 * {@link #tx}: the one connection still has one transaction at a time.
 */
final class IndexWriterThread {
    private static final System.Logger LOG = System.getLogger(IndexWriterThread.class.getName());
    private static final String NAME = "index-writer";

    private final SqliteIndexWriter writer;
    private final String subject;
    private final ExecutorService executor;
    private volatile Thread thread;
    /** Held for the whole of every transaction, on the writer thread or a caller's ({@link #runHere}). */
    private final ReentrantLock tx = new ReentrantLock();
    /** Writes submitted to the writer thread and not yet finished. */
    private final AtomicInteger queued = new AtomicInteger();
    /** Set under {@link #tx} by {@link #drain}: no caller runs a transaction any more. */
    private boolean closed;

    IndexWriterThread(SqliteIndexWriter writer, String subject) {
        this.writer = writer;
        this.subject = subject;
        this.executor = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, NAME);
            t.setDaemon(true); // close() drains the queue; a forgotten store must not keep the JVM alive
            thread = t;
            return t;
        });
    }

    /** See {@link SqliteIndexStore#write}. */
    <T> CompletableFuture<T> submit(Function<IndexWriter, T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        queued.incrementAndGet();
        try {
            executor.execute(() -> {
                tx.lock();
                try {
                    runTransaction(work, result);
                } finally {
                    tx.unlock();
                    queued.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
            result.completeExceptionally(new IndexException("write", subject, "the index is closed"));
        }
        return result;
    }

    /**
     * Runs {@code work} as one transaction and returns its result once committed: on the calling
     * thread when no write is queued or running (every write submitted before has committed), else
     * on the writer thread behind those, waiting for it. Throws the {@link IndexException} of a
     * rolled-back transaction. Not from inside a write function.
     */
    <T> T runHere(Function<IndexWriter, T> work) {
        if (isCurrent()) {
            throw new IllegalStateException("a write waited for from inside a write function");
        }
        if (queued.get() == 0 && tx.tryLock()) {
            try {
                if (!closed) {
                    CompletableFuture<T> result = new CompletableFuture<>();
                    runTransaction(work, result);
                    return result.join();
                }
            } catch (CompletionException e) {
                throw (IndexException) e.getCause();
            } finally {
                tx.unlock();
            }
        }
        try {
            return submit(work).join();
        } catch (CompletionException e) {
            throw (IndexException) e.getCause();
        }
    }

    /** True inside a write function: on the writer thread, or on a caller running one ({@link #runHere}). */
    boolean isCurrent() {
        return Thread.currentThread() == thread || tx.isHeldByCurrentThread();
    }

    /**
     * Takes no more writes and waits until the queued ones are committed or rolled back. An
     * interrupt does not cut the wait short (the queued writes were promised to their callers):
     * returns true if there was one, for the caller to restore once it is done closing.
     */
    boolean drain() {
        executor.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
                    tx.lock(); // a caller's transaction still running ends first
                    closed = true;
                    tx.unlock();
                    return interrupted;
                }
                LOG.log(System.Logger.Level.WARNING, "closing " + subject + ": still waiting for queued writes");
            } catch (InterruptedException e) {
                interrupted = true; // queued writes were promised to callers: finish them, then re-interrupt
            }
        }
    }

    private <T> void runTransaction(Function<IndexWriter, T> work, CompletableFuture<T> result) {
        try {
            writer.begin();
        } catch (SQLException e) {
            result.completeExceptionally(new IndexException("begin transaction", subject, e));
            return;
        }
        T value;
        try {
            value = work.apply(writer);
            writer.commit();
        } catch (Throwable e) {
            IndexException failure = e instanceof IndexException ie ? ie
                    : e instanceof SQLException sql ? new IndexException("commit", subject, sql)
                    : new IndexException("write transaction", subject, e);
            try {
                writer.rollback();
            } catch (SQLException rollback) {
                failure.addSuppressed(rollback);
            }
            result.completeExceptionally(failure);
            return;
        }
        result.complete(value);
    }
}
