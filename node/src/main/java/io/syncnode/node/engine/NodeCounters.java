package io.syncnode.node.engine;

import io.syncnode.node.control.StatusView;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** Counters since start, shown by {@code status}. */
public final class NodeCounters {
    public final AtomicLong announcementsSent = new AtomicLong();
    public final AtomicLong announcementsReceived = new AtomicLong();
    public final AtomicLong recordsAnnounced = new AtomicLong();
    public final AtomicLong filesApplied = new AtomicLong();
    public final AtomicLong bytesFetched = new AtomicLong();
    public final AtomicLong bytesServed = new AtomicLong();
    public final AtomicLong rescans = new AtomicLong();
    public final AtomicLong rejectedMessages = new AtomicLong();
    public final AtomicLong wireBytesSent = new AtomicLong();
    public final AtomicLong wireBytesReceived = new AtomicLong();
    /** Content of small files carried inside announcements, sent and received. */
    public final AtomicLong inlineBytesSent = new AtomicLong();
    public final AtomicLong inlineBytesReceived = new AtomicLong();
    /** Remote changes a send-only folder did not apply ({@code [[folder]] type = "send-only"}). */
    public final AtomicLong remoteIgnored = new AtomicLong();
    /** Remote changes refused by a folder's {@code [folder.accept]} filter. */
    public final AtomicLong remoteRefused = new AtomicLong();
    /** Tombstones dropped by {@link TombstoneCollector}. */
    public final AtomicLong tombstonesCollected = new AtomicLong();

    /** Where each applied remote change's latency goes (nanoseconds); null: nobody asked. */
    private volatile LongConsumer applyLatency;
    /** Where each full scan's duration goes (folder, nanoseconds); null: nobody asked yet. */
    private volatile java.util.function.ObjLongConsumer<String> scanDuration;
    /** The start's scans, which run before the http listener asks: folder -> nanoseconds. */
    private final java.util.Map<String, Long> scannedBeforeAsked = new java.util.concurrent.ConcurrentHashMap<>();

    /** Sends the latency of every remote change applied from now on to {@code sink}. */
    public void onApplyLatency(LongConsumer sink) {
        applyLatency = sink;
    }

    /**
     * Sends the duration of every full scan to {@code sink}: those of the start (the last one per
     * folder, which ran before anyone asked), then every one from now on.
     */
    public void onScanDuration(java.util.function.ObjLongConsumer<String> sink) {
        scanDuration = sink;
        scannedBeforeAsked.forEach(sink::accept);
        scannedBeforeAsked.clear();
    }

    /** A full scan of {@code folder} took {@code nanos}. */
    void scanned(String folder, long nanos) {
        java.util.function.ObjLongConsumer<String> sink = scanDuration;
        if (sink != null) {
            sink.accept(folder, nanos);
        } else {
            scannedBeforeAsked.put(folder, nanos);
        }
    }

    /** Whether anyone wants apply latencies (the [node] http listener's histogram). */
    boolean applyLatencyWanted() {
        return applyLatency != null;
    }

    /** One remote change applied, {@code latencyNanos} after it was taken up (negative: not known). */
    void applied(long latencyNanos) {
        filesApplied.incrementAndGet();
        LongConsumer sink = applyLatency;
        if (sink != null && latencyNanos >= 0) {
            sink.accept(latencyNanos);
        }
    }

    public StatusView.Counters snapshot() {
        return new StatusView.Counters(announcementsSent.get(), announcementsReceived.get(), recordsAnnounced.get(),
                filesApplied.get(), bytesFetched.get(), bytesServed.get(), rescans.get(),
                rejectedMessages.get(), wireBytesSent.get(), wireBytesReceived.get(),
                inlineBytesSent.get(), inlineBytesReceived.get(), remoteIgnored.get(), remoteRefused.get(),
                tombstonesCollected.get());
    }
}
