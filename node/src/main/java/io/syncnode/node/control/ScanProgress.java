package io.syncnode.node.control;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a folder's running full scan has come: entries walked and bytes hashed since it began,
 * and how many entries the index held when it began (what the scan will walk again, roughly: the
 * basis of an ETA). Written by the folder's worker, read from any thread ({@code status} while the
 * node starts).
 */
public final class ScanProgress {
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong bytesHashed = new AtomicLong();
    private volatile long startedNanos = System.nanoTime();
    private volatile long expected;
    private volatile boolean running;

    /** A full scan begins; {@code expectedEntries} is what the index holds now (0: unknown). */
    public void began(long expectedEntries) {
        entries.set(0);
        bytesHashed.set(0);
        expected = expectedEntries;
        startedNanos = System.nanoTime();
        running = true;
    }

    /** One entry walked. */
    public void entry() {
        entries.incrementAndGet();
    }

    /** {@code bytes} of a file's content read and hashed. */
    public void hashed(long bytes) {
        bytesHashed.addAndGet(bytes);
    }

    /** The full scan ended. */
    public void ended() {
        running = false;
    }

    /** The figures now, as {@code status} shows them while the node starts. */
    public StatusView.ScanView view(String folder) {
        long walked = entries.get();
        double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        double rate = walked / seconds;
        long left = expected - walked;
        // boxed on each branch: a mixed long/Long conditional unboxes its null (status failed while a scan began)
        Long eta = running && expected > 0 && rate > 0 && left > 0 ? Long.valueOf(Math.round(left / rate))
                : running ? null : Long.valueOf(0);
        return new StatusView.ScanView(folder, running, walked, bytesHashed.get(), Math.round(rate), expected, eta);
    }
}
