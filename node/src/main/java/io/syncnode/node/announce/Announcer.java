package io.syncnode.node.announce;

import io.syncnode.node.trace.Hops;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.FileRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Sends one folder's announcements and acknowledgements in batches: records in
 * {@code IndexUpdate}s of at most {@value #BATCH} records and {@value #INLINE_BYTES} bytes of inline
 * content and extended attribute values; acknowledgements in {@code Ack}s of at most
 * {@value #BATCH} entries. Confined to the folder's worker thread.
 */
public final class Announcer {
    public static final int BATCH = 1000;
    public static final int INLINE_BYTES = 1 << 20;

    /** What the announcer counts (shown by {@code status}). */
    public record Counters(AtomicLong announcementsSent, AtomicLong recordsAnnounced, AtomicLong inlineBytesSent) {
    }

    private final String folder;
    private final Outbox outbox;
    private final Counters counters;

    public Announcer(String folder, Outbox outbox, Counters counters) {
        this.folder = folder;
        this.outbox = outbox;
        this.counters = counters;
    }

    /**
     * Sends {@code records} to {@code member} (anti-entropy, dirty re-sends) or to every member
     * ({@code member} null). {@code full}: part of a full-index exchange, which always ends with a
     * batch marked last, even an empty one. {@code inline}, if not null, gives the content of
     * records sent without it (null: none), read as the batches are cut, so at most one batch of
     * content is held at a time.
     */
    public void send(String member, List<Message.Announced> records, boolean full,
                     Function<FileRecord, byte[]> inline) {
        List<Message.Announced> batch = new ArrayList<>();
        int batchBytes = 0;
        for (Message.Announced a : records) {
            if (inline != null && a.inlineContent() == null) {
                byte[] content = inline.apply(a.record());
                if (content != null) {
                    a = new Message.Announced(a.record(), content);
                }
            }
            int len = a.inlineContent() == null ? 0 : a.inlineContent().length;
            counters.inlineBytesSent().addAndGet(len);
            for (Map.Entry<String, byte[]> x : a.record().xattrs()) {
                len += x.getValue().length;
            }
            if (!batch.isEmpty() && (batch.size() >= BATCH || batchBytes + len > INLINE_BYTES)) {
                sendBatch(member, batch, full, false);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(a);
            batchBytes += len;
        }
        if (!batch.isEmpty() || full) {
            sendBatch(member, batch, full, full);
        }
    }

    /** Sends each member its acknowledgements. */
    public void acknowledge(Map<String, List<Message.AckEntry>> perMember) {
        perMember.forEach((member, entries) -> {
            for (int i = 0; i < entries.size(); i += BATCH) {
                outbox.send(member, new Message.Ack(folder, entries.subList(i, Math.min(entries.size(), i + BATCH))));
            }
        });
    }

    private void sendBatch(String member, List<Message.Announced> batch, boolean full, boolean last) {
        Message.IndexUpdate u = new Message.IndexUpdate(folder, batch, full, last);
        if (Hops.on()) { // before the hand-over: the lane's thread may send it before this one goes on
            Hops.markAll(Hops.Hop.ANNOUNCED, batch.stream().map(a -> a.record().path()).toList());
        }
        if (member == null) {
            outbox.multicast(u);
        } else {
            outbox.send(member, u);
        }
        counters.announcementsSent().incrementAndGet();
        counters.recordsAnnounced().addAndGet(batch.size());
    }
}
