package io.syncnode.node.index;

import static io.syncnode.node.index.Records.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index-writer thread as the store's close sees it (queued writes finish, an interrupt is kept),
 * and {@link SqliteIndexStore#writeAndWait}: on the caller's thread when nothing is queued, else
 * behind the queued writes, in order.
 */
class IndexWriterThreadTest {
    @TempDir
    Path stateDir;

    @Test
    void anInterruptedCloseStillFinishesTheQueuedWritesAndKeepsTheInterrupt() throws Exception {
        SqliteIndexStore store = SqliteIndexStore.open(stateDir);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> queued = store.write(w -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException("the writer thread was interrupted", e);
            }
            return 7;
        });
        AtomicBoolean interruptedAfterClose = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            Thread.currentThread().interrupt();
            store.close();
            interruptedAfterClose.set(Thread.currentThread().isInterrupted());
        }, "closer");
        closer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (closer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            closer.join(10); // until close() waits for the queued write
        }
        assertFalse(queued.isDone(), "the write waits for the test");
        release.countDown();
        closer.join(30_000);

        assertFalse(closer.isAlive());
        assertEquals(7, await(queued));
        assertTrue(interruptedAfterClose.get(), "close() restores the interrupt it swallowed");
        assertThrows(IndexException.class, () -> await(store.write(w -> 1)), "a closed store takes no writes");
    }

    @Test
    void closingFromInsideAWriteFunctionIsRefused() {
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            CompletableFuture<Void> inside = store.write(w -> {
                store.close();
                return null;
            });
            IndexException e = assertThrows(IndexException.class, () -> await(inside));
            assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
        }
    }

    @Test
    void writeAndWaitRunsOnTheCallersThreadWhenNothingIsQueued() {
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            Thread caller = Thread.currentThread();
            Thread ran = store.writeAndWait(w -> {
                w.put("f", Records.regular("a", "x"), Records.stat(1));
                return Thread.currentThread();
            });
            assertEquals(caller, ran, "no hand-off to the index-writer thread");
            assertTrue(store.get("f", "a").isPresent(), "committed when writeAndWait returns");
        }
    }

    @Test
    void writeAndWaitQueuesBehindAWriteStillRunningAndKeepsTheOrder() throws Exception {
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            CountDownLatch release = new CountDownLatch(1);
            java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            CompletableFuture<Void> first = store.write(w -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                order.add("first:" + Thread.currentThread().getName());
                return null;
            });
            CompletableFuture<String> second = new CompletableFuture<>();
            Thread caller = new Thread(() -> second.complete(store.writeAndWait(w -> {
                order.add("second:" + Thread.currentThread().getName());
                return Thread.currentThread().getName();
            })), "second-caller");
            caller.start();
            io.syncnode.testing.Await.await(java.time.Duration.ofSeconds(20), () -> waitsInRunHere(caller),
                    "the second caller waits inside writeAndWait");
            assertFalse(second.isDone(), "the second write waits for the first");
            release.countDown();
            assertEquals("index-writer", second.get(30, TimeUnit.SECONDS), "queued behind, it ran on the writer thread");
            await(first);
            assertEquals(java.util.List.of("first:index-writer", "second:index-writer"), order);
        }
    }

    /** True once {@code t} is parked inside writeAndWait (waiting for the writer thread). */
    private static boolean waitsInRunHere(Thread t) {
        return t.getState() == Thread.State.WAITING
                && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("runHere"));
    }

    @Test
    void writeAndWaitThrowsTheRollbacksIndexExceptionAndFailsOnceClosed() {
        SqliteIndexStore store = SqliteIndexStore.open(stateDir);
        IndexException e = assertThrows(IndexException.class, () -> store.writeAndWait(w -> {
            w.put("f", Records.regular("a", "x"), Records.stat(1));
            throw new IllegalArgumentException("boom");
        }));
        assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
        assertTrue(store.get("f", "a").isEmpty(), "rolled back");
        store.close();
        assertThrows(IndexException.class, () -> store.writeAndWait(w -> 1), "a closed store takes no writes");
    }
}
