package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An unhandled throwable stops the node with exit 70; while stopping, only errors do. */
class FailFastTest {
    @Test
    void anUnexpectedExceptionOrErrorHaltsWithSeventy() throws Exception {
        List<Integer> halts = new ArrayList<>();
        FailFast f = new FailFast(halts::add);
        Thread worker = new Thread(() -> {
            throw new IllegalStateException("a bug in a folder worker");
        }, "folder-data");
        worker.setUncaughtExceptionHandler(f);
        worker.start();
        worker.join();
        assertEquals(List.of(70), halts);
        f.uncaughtException(Thread.currentThread(), new OutOfMemoryError("Java heap space"));
        assertEquals(List.of(70, 70), halts);
    }

    @Test
    void whileStoppingOnlyErrorsHalt() {
        List<Integer> halts = new ArrayList<>();
        FailFast f = new FailFast(halts::add);
        f.stopping();
        f.uncaughtException(Thread.currentThread(), new java.util.concurrent.RejectedExecutionException("pool shut down"));
        assertEquals(List.of(), halts, "a thread cut short by the stop");
        f.uncaughtException(Thread.currentThread(), new StackOverflowError());
        assertEquals(List.of(70), halts);
    }
}
