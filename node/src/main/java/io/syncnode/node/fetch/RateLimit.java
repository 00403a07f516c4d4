package io.syncnode.node.fetch;

import java.util.function.LongSupplier;

/**
 * A bandwidth cap ({@code [cluster] max-send} or {@code max-receive}) as a schedule: each
 * {@link #reserve} books its bytes on a timeline that advances at the cap, and says how long the
 * caller must wait before they go (a burst of up to {@value #BURST_MILLIS} ms of the cap may go at
 * once after a quiet spell). Callers wait by themselves: a serving thread parks
 * ({@link #pace}); a fetch delays the credit it grants. Thread-safe (one lock, held only to book).
 */
public final class RateLimit {
    static final long BURST_MILLIS = 250;
    private static final long SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    private final LongSupplier nanos;
    /** When the bytes booked so far have all gone, at the cap. */
    private long next;
    private boolean started;

    public RateLimit(long bytesPerSecond, LongSupplier nanos) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("a rate must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.nanos = nanos;
    }

    /** The limit of a configured cap, on the real clock; null for none. */
    public static RateLimit of(io.syncnode.config.Rate cap) {
        return cap == null ? null : new RateLimit(cap.bytesPerSecond(), System::nanoTime);
    }

    /** Books {@code bytes}; returns how many nanoseconds from now they may go (0: at once). */
    public synchronized long reserve(long bytes) {
        long now = nanos.getAsLong();
        long burst = BURST_MILLIS * 1_000_000;
        if (!started || next - (now - burst) < 0) {
            next = now - burst; // after a quiet spell: at most one burst is owed
            started = true;
        }
        long start = next;
        next = start + (long) (bytes * (double) SECOND / bytesPerSecond);
        return Math.max(0, start - now);
    }

    /** Books {@code bytes} and parks the calling thread until they may go. */
    public void pace(long bytes) throws InterruptedException {
        long wait = reserve(bytes);
        long until = nanos.getAsLong() + wait;
        while (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, wait);
            if (Thread.interrupted()) {
                throw new InterruptedException("paced send interrupted");
            }
            wait = until - nanos.getAsLong();
        }
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }
}
