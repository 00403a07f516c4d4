package io.syncnode.node.engine;

import io.syncnode.node.control.StatusView;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What a folder still has to fetch from its peers: the files and bytes of the versions its
 * {@link FetchQueue} wants (queued, being fetched, waiting for disk space or for a retry), and the
 * pace at which fetches complete (completed files and bytes per second over the last
 * {@value #WINDOW_SECONDS} s, in one-second buckets), for {@code status}'s {@code need} and the seed's
 * progress log ({@link SeedLog}).
 *
 * <p>{@link #wanted}, {@link #dropped} and {@link #fetched} run on the folder's worker;
 * {@link #snapshot} on any thread (the totals are volatile, the buckets guarded by this object).
 */
final class FetchNeed {
    static final int WINDOW_SECONDS = 10;
    private static final long SECOND = 1_000_000_000L;

    private final LongSupplier nanos;
    /** path -> size of the version wanted there (worker only). */
    private final Map<String, Long> sizes = new HashMap<>();
    private volatile long files;
    private volatile long bytes;
    private final long[] bucketSecond = new long[WINDOW_SECONDS];
    private final long[] bucketFiles = new long[WINDOW_SECONDS];
    private final long[] bucketBytes = new long[WINDOW_SECONDS];
    /**
     * The second of the first completion since the need was last zero: the pace of a seed younger
     * than the window is taken over its own seconds.
     */
    private long firstSecond = Long.MIN_VALUE;

    FetchNeed(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** {@code path}'s version of {@code size} bytes is wanted (replaces what was wanted there). */
    void wanted(String path, long size) {
        Long old = sizes.put(path, size);
        files += old == null ? 1 : 0;
        bytes += size - (old == null ? 0 : old);
    }

    /** Nothing is wanted at {@code path} any more (installed, stored otherwise, or given up). */
    void dropped(String path) {
        Long old = sizes.remove(path);
        if (old != null) {
            files -= 1;
            bytes -= old;
            if (files == 0) {
                synchronized (this) {
                    firstSecond = Long.MIN_VALUE;
                }
            }
        }
    }

    /** A fetch of {@code size} bytes completed. */
    synchronized void fetched(long size) {
        long second = Math.floorDiv(nanos.getAsLong(), SECOND);
        int i = (int) Math.floorMod(second, WINDOW_SECONDS);
        if (bucketSecond[i] != second) {
            bucketSecond[i] = second;
            bucketFiles[i] = 0;
            bucketBytes[i] = 0;
        }
        bucketFiles[i]++;
        bucketBytes[i] += size;
        if (firstSecond == Long.MIN_VALUE) {
            firstSecond = second;
        }
    }

    /** The need and pace now. */
    StatusView.Need snapshot() {
        long f = files;
        long b = bytes;
        if (f == 0) {
            return StatusView.Need.NONE;
        }
        long doneFiles = 0;
        long doneBytes = 0;
        long span;
        synchronized (this) {
            long now = Math.floorDiv(nanos.getAsLong(), SECOND);
            for (int i = 0; i < WINDOW_SECONDS; i++) {
                if (now - bucketSecond[i] < WINDOW_SECONDS && bucketSecond[i] <= now) {
                    doneFiles += bucketFiles[i];
                    doneBytes += bucketBytes[i];
                }
            }
            // over the whole window, or over the seconds since the first completion when that is younger
            span = firstSecond == Long.MIN_VALUE ? WINDOW_SECONDS
                    : Math.max(1, Math.min(WINDOW_SECONDS, now - firstSecond + 1));
        }
        double filesPerSecond = (double) doneFiles / span;
        long bytesPerSecond = doneBytes / span;
        Long eta = null;
        if (doneFiles > 0) {
            double byFiles = f / filesPerSecond;
            double byBytes = bytesPerSecond > 0 ? (double) b / bytesPerSecond : 0;
            eta = (long) Math.ceil(Math.max(byFiles, byBytes));
        }
        return new StatusView.Need(f, b, bytesPerSecond, Math.round(filesPerSecond * 10) / 10.0, eta);
    }
}
