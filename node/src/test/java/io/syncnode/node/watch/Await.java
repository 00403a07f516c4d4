package io.syncnode.node.watch;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, checking every millisecond. */
final class Await {
    private Await() {
    }

    static void await(Duration timeout, BooleanSupplier condition) {
        await(timeout, condition, "condition");
    }

    static void await(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
