package io.syncnode.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits on a condition with a deadline, for every module's tests: never a bare sleep to
 * synchronise. A timeout fails with an {@link AssertionError} naming what was awaited.
 */
public final class Await {
    private static final Duration EVERY = Duration.ofMillis(20);

    private Await() {
    }

    /** Polls {@code condition} every 20 ms until it holds; fails after {@code timeout}. */
    public static void await(Duration timeout, BooleanSupplier condition) {
        await(timeout, EVERY, condition, () -> "a condition");
    }

    /** As {@link #await(Duration, BooleanSupplier)}, naming {@code what} on failure. */
    public static void await(Duration timeout, BooleanSupplier condition, String what) {
        await(timeout, EVERY, condition, () -> what);
    }

    /** As {@link #await(Duration, BooleanSupplier)}, naming {@code what} (computed on failure). */
    public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
        await(timeout, EVERY, condition, what);
    }

    /** Polls {@code condition} every {@code every} until it holds; fails naming {@code what} after {@code timeout}. */
    public static void await(Duration timeout, Duration every, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what.get());
            }
            LockSupport.parkNanos(every.toNanos());
        }
    }

    /**
     * Checks {@code invariant} every {@code every} for {@code period}: a quiet-period assertion,
     * the opposite of waiting (the time is the point). Fails at the first violation.
     */
    public static void holdsFor(Duration period, Duration every, Runnable invariant) {
        long end = System.nanoTime() + period.toNanos();
        do {
            invariant.run();
            LockSupport.parkNanos(every.toNanos());
        } while (System.nanoTime() - end < 0);
        invariant.run();
    }
}
