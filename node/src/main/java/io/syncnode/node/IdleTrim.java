package io.syncnode.node;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives the heap a bulk copy grew back to the system once the node has gone quiet (issue 13:
 * memory returned after bulk work). Every {@value #CHECK_SECONDS} s it compares a count of the
 * node's work (records announced and applied, bytes on the wire, fetched and served) with the last
 * one; after {@value #QUIET_CHECKS} checks without any change following some work, and if the
 * committed heap is still above {@value #COMMITTED_MIB} MiB, it runs one full collection, which
 * with the launcher's {@code -XX:MaxHeapFreeRatio=40} shrinks the heap to about its live data
 * (11-14 MiB at rest here). Then nothing until the next work. At that same point, whatever the
 * heap, the index's connections free their SQLite page caches ({@code release}: the writer's holds
 * up to 64 MiB after a bulk copy or a large scan, outside the heap).
 *
 * <p>Why not only G1's periodic collection (the launcher sets it, 5 min): it waits that long after
 * the last collection whatever happened, so a node measured 30 s after a copy still held its bulk
 * heap. One collection of an idle node costs 0.03-0.05 CPU-s; the committed-heap floor keeps a
 * node with a trickle of small changes (whose heap stays small) from paying it again and again.
 *
 * <p>Runs on the node's scheduler thread.
 */
final class IdleTrim {
    private static final Logger LOG = Logger.getLogger(IdleTrim.class.getName());
    static final long CHECK_SECONDS = 5;
    static final int QUIET_CHECKS = 2;
    static final long COMMITTED_MIB = 64;

    private final LongSupplier work;
    private final LongSupplier committedHeap;
    private final Runnable collect;
    private final Runnable release;
    private long lastWork;
    private boolean worked;
    private int quiet;

    /**
     * @param work          a count that moves whenever the node works
     * @param committedHeap the heap's committed bytes now
     * @param collect       the full collection ({@code System::gc} in a node)
     * @param release       frees memory held outside the heap (the index's page caches), whatever the heap
     */
    IdleTrim(LongSupplier work, LongSupplier committedHeap, Runnable collect, Runnable release) {
        this.work = work;
        this.committedHeap = committedHeap;
        this.collect = collect;
        this.release = release;
        this.lastWork = work.getAsLong();
    }

    void start(ScheduledExecutorService scheduler) {
        scheduler.scheduleWithFixedDelay(this::check, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
    }

    /** One check: returns whether it collected. */
    boolean check() {
        long now = work.getAsLong();
        if (now != lastWork) {
            lastWork = now;
            worked = true;
            quiet = 0;
            return false;
        }
        if (!worked || ++quiet < QUIET_CHECKS) {
            return false;
        }
        worked = false;
        release.run();
        long committed = committedHeap.getAsLong();
        if (committed <= COMMITTED_MIB << 20) {
            return false;
        }
        long t0 = System.nanoTime();
        collect.run();
        if (LOG.isLoggable(Level.FINE)) { // no lambda: its first capture, at rest, would spin a class
            LOG.fine("quiet after work: collected a heap of " + (committed >> 20) + " MiB committed ("
                    + (committedHeap.getAsLong() >> 20) + " MiB after, " + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        }
        return true;
    }
}
