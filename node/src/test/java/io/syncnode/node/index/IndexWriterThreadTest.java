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

/** The index-writer thread as the store's close sees it: queued writes finish, an interrupt is kept. */
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
}
