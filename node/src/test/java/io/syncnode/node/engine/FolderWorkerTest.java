package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The folder's single worker: steps run in order on {@code folder-<name>}; remote-side work waits
 * while the folder is paused and runs at the resume; a failed step is contained; at the stop,
 * queued steps are dropped and their callers told why.
 */
class FolderWorkerTest {
    private final FolderWorker worker = new FolderWorker("data", false);
    private boolean closed;

    @AfterEach
    void stop() {
        if (!closed) {
            worker.close(() -> { });
            worker.awaitEnd();
        }
    }

    private <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void stepsRunInOrderOnTheFoldersThread() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        worker.execute(() -> ran.add("first"));
        worker.execute(() -> ran.add("second"));
        assertEquals("folder-data", await(worker.submit(() -> Thread.currentThread().getName())));
        assertEquals(List.of("first", "second"), ran);
    }

    @Test
    void remoteSideWorkWaitsWhilePausedAndRunsAtTheResume() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        await(worker.submit(() -> {
            worker.setPaused(true);
            return null;
        }));
        worker.remoteSide().execute(() -> ran.add("a transfer's commit"));
        worker.execute(() -> ran.add("local step"));
        await(worker.submit(() -> null));
        assertEquals(List.of("local step"), ran, "held while paused");

        await(worker.submit(() -> {
            worker.setPaused(false);
            worker.releaseHeld();
            return null;
        }));
        assertEquals(List.of("local step", "a transfer's commit"), ran);
    }

    @Test
    void aFailedStepIsContainedAndTheWorkerGoesOn() throws Exception {
        worker.execute(worker.guard("a step that fails", () -> {
            throw new IllegalStateException("boom");
        }));
        assertEquals(42, await(worker.submit(() -> 42)));
    }

    @Test
    void queuedStepsAreRefusedAtTheStop() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        worker.execute(() -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        CompletableFuture<Integer> queued = worker.submit(() -> 1);
        List<String> last = new CopyOnWriteArrayList<>();
        worker.close(() -> last.add("committed"));
        closed = true;
        release.countDown();
        worker.awaitEnd();

        ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(10, TimeUnit.SECONDS));
        assertEquals("folder data: the node is stopping", e.getCause().getMessage());
        assertEquals(List.of("committed"), last, "what is buffered is still committed");
    }
}
