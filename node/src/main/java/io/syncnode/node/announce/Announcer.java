package io.syncnode.node.announce;

import io.syncnode.node.trace.Hops;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.protocol.FileRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Sends one folder's announcements and acknowledgements in batches: records in
 * {@code IndexUpdate}s of at most {@value #BATCH} records and {@link WireCodec#MAX_BATCH_BYTES}
 * (1 MiB, by {@link WireCodec#sizeBound}: paths, versions, inline content and extended attributes
 * counted), acknowledgements in {@code Ack}s of at most {@value #BATCH} entries and 1 MiB; a
 * single larger record goes alone. So no message a node sends approaches the largest envelope a
 * node decodes ({@link WireCodec#MAX_ENVELOPE}). Confined to the folder's worker thread.
 */
public final class Announcer {
    public static final int BATCH = 1000;

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
     *
     * @return false when a batch was not taken (the member left the view, or its lane dropped it)
     */
    public boolean send(String member, List<Message.Announced> records, boolean full,
                        Function<FileRecord, byte[]> inline) {
        return send(member, records, full, full, inline);
    }

    /**
     * Sends one page of a full-index exchange to {@code member}: batches marked {@code full}, the
     * final one marked {@code last} when {@code last} (the page is the exchange's final one).
     *
     * @return false when a batch was not taken (the member left the view, or its lane dropped it)
     */
    public boolean sendPage(String member, List<Message.Announced> records, boolean last) {
        return send(member, records, true, last, null);
    }

    /** Bytes queued for {@code member} that its transport has not taken yet (see {@link Outbox#waiting}). */
    public long waiting(String member) {
        return outbox.waiting(member);
    }

    /**
     * Sends {@code member} this node's versions of the paths of a folder-scope verdict it won against
     * the member: batches marked {@code verdict}.
     *
     * @return false when a batch was not taken (the member left the view, or its lane dropped it)
     */
    public boolean sendVerdict(String member, List<Message.Announced> records) {
        return send(member, records, false, false, true, null);
    }

    private boolean send(String member, List<Message.Announced> records, boolean full, boolean last,
                         Function<FileRecord, byte[]> inline) {
        return send(member, records, full, last, false, inline);
    }

    private boolean send(String member, List<Message.Announced> records, boolean full, boolean last, boolean verdict,
                         Function<FileRecord, byte[]> inline) {
        boolean taken = true;
        List<Message.Announced> batch = new ArrayList<>();
        long batchBytes = 0;
        for (Message.Announced a : records) {
            if (inline != null && a.inlineContent() == null) {
                byte[] content = inline.apply(a.record());
                if (content != null) {
                    a = new Message.Announced(a.record(), content);
                }
            }
            counters.inlineBytesSent().addAndGet(a.inlineContent() == null ? 0 : a.inlineContent().length);
            long len = WireCodec.sizeBound(a);
            if (!batch.isEmpty() && (batch.size() >= BATCH || batchBytes + len > WireCodec.MAX_BATCH_BYTES)) {
                taken &= sendBatch(member, batch, full, false, verdict);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(a);
            batchBytes += len;
        }
        if (!batch.isEmpty() || last) {
            taken &= sendBatch(member, batch, full, last, verdict);
        }
        return taken;
    }

    /** Sends each member its acknowledgements. */
    public void acknowledge(Map<String, List<Message.AckEntry>> perMember) {
        perMember.forEach((member, entries) -> {
            int from = 0;
            long bytes = 0;
            for (int i = 0; i < entries.size(); i++) {
                long len = WireCodec.sizeBound(entries.get(i));
                if (i > from && (i - from >= BATCH || bytes + len > WireCodec.MAX_BATCH_BYTES)) {
                    outbox.send(member, new Message.Ack(folder, entries.subList(from, i)));
                    from = i;
                    bytes = 0;
                }
                bytes += len;
            }
            if (from < entries.size()) {
                outbox.send(member, new Message.Ack(folder, entries.subList(from, entries.size())));
            }
        });
    }

    private boolean sendBatch(String member, List<Message.Announced> batch, boolean full, boolean last,
                              boolean verdict) {
        Message.IndexUpdate u = new Message.IndexUpdate(folder, batch, full, last, verdict);
        if (Hops.on()) { // before the hand-over: the lane's thread may send it before this one goes on
            Hops.markAll(Hops.Hop.ANNOUNCED, batch.stream().map(a -> a.record().path()).toList());
        }
        boolean taken = true;
        if (member == null) {
            outbox.multicast(u);
        } else {
            taken = outbox.send(member, u);
        }
        counters.announcementsSent().incrementAndGet();
        counters.recordsAnnounced().addAndGet(batch.size());
        return taken;
    }
}
