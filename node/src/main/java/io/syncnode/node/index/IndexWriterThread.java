package io.syncnode.node.index;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The {@code index-writer} thread of {@link SqliteIndexStore}: runs each write function as one
 * {@code BEGIN IMMEDIATE ... COMMIT} on the one write connection, in submission order, and
 * completes its future after the commit or, after a rollback, with an {@link IndexException}.
 * The thread is a daemon: {@link #drain} lets the queued writes finish before the store closes
 * its connections, and a forgotten store does not keep the JVM alive.
 */
final class IndexWriterThread {
    private static final System.Logger LOG = System.getLogger(IndexWriterThread.class.getName());
    private static final String NAME = "index-writer";

    private final SqliteIndexWriter writer;
    private final String subject;
    private final ExecutorService executor;
    private volatile Thread thread;

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
        try {
            executor.execute(() -> runTransaction(work, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IndexException("write", subject, "the index is closed"));
        }
        return result;
    }

    /** True on the writer thread itself, i.e. inside a write function. */
    boolean isCurrent() {
        return Thread.currentThread() == thread;
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
