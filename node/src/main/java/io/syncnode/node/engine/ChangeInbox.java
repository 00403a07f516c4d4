package io.syncnode.node.engine;

import io.syncnode.node.trace.Hops;
import io.syncnode.node.watch.ChangeBatch;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.protocol.VersionVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What arrived for a folder's worker since its last drain: local changes reported by the watcher,
 * announced records per member (a later record of a path replaces an earlier one), and the
 * members' acknowledgements (likewise one per member and path, at most {@link #MAX_ACK_BYTES}
 * per member). A burst
 * that arrives while the worker is busy is taken in one drain, so it is scanned, committed and
 * announced together.
 *
 * <p>Filled by any thread (watcher, network, retries), taken by the worker; guarded by itself.
 */
final class ChangeInbox {
    /** One drain's worth: the local changes, then the records per member in arrival order. */
    /**
     * @param inExchange members whose records taken include batches of a full-index exchange (their
     *                   deletes add up in the mass-delete guard until the exchange ends)
     */
    record Drained(boolean rescanAll, List<String> paths, List<String> recursive,
                   Map<String, LinkedHashMap<String, Message.Announced>> updates, Set<String> inExchange,
                   Set<String> exchangeEnded, Map<String, LinkedHashMap<String, VersionVector>> acks) {
    }

    /** At most this many announced records are taken by one drain. */
    static final int TAKE_RECORDS = 2000;
    /**
     * A drain stops taking the records of a member's index exchange once their inline content
     * reaches this many bytes (one page, {@link FullIndexSender#PAGE_INLINE_BYTES}): a new replica's
     * small files are then installed, committed and acknowledged a page at a time, so the sender's
     * next pages arrive while the worker installs (issue 13: taking the whole window of 6 pages at
     * once left both sides idle in turn, the receiver installing and the sender waiting for its
     * acknowledgements). Announcements are not paced by acknowledgements: a burst of them is taken
     * in drains of up to {@value #TAKE_RECORDS}, fewer and larger install steps.
     */
    static final long TAKE_INLINE_BYTES = FullIndexSender.PAGE_INLINE_BYTES;

    private boolean rescanAll;
    private final Set<String> paths = new LinkedHashSet<>();
    private final Set<String> recursive = new LinkedHashSet<>();
    private final Map<String, LinkedHashMap<String, Message.Announced>> updates = new LinkedHashMap<>();
    private final Set<String> inExchange = new LinkedHashSet<>();
    private final Set<String> exchangeEnded = new LinkedHashSet<>();
    private final Map<String, LinkedHashMap<String, VersionVector>> acks = new LinkedHashMap<>();
    /** Acknowledgements waiting per member, in bytes (by {@link WireCodec#sizeBound}). */
    private final Map<String, Long> ackBytes = new HashMap<>();
    /** Members whose acknowledgements were dropped since the last drain (said once). */
    private final Set<String> ackDropsSaid = new java.util.HashSet<>();
    /** Most acknowledgements that wait for one drain per member, in bytes: some 80,000 of ordinary paths. */
    static final long MAX_ACK_BYTES = 16L << 20;
    private boolean drainQueued;

    synchronized void changes(ChangeBatch batch) {
        rescanAll |= batch.rescanAll();
        paths.addAll(batch.paths());
        recursive.addAll(batch.recursivePaths());
    }

    /** Announced records of {@code from}; the end of its full index is noted for the folder-scope verdict. */
    synchronized void announced(String from, Message.IndexUpdate update) {
        LinkedHashMap<String, Message.Announced> records = updates.computeIfAbsent(from, k -> new LinkedHashMap<>());
        for (Message.Announced a : update.files()) {
            Hops.mark(Hops.Hop.RECEIVED, a.record().path());
            Message.Announced before = records.remove(a.record().path());
            if (before != null && a.inlineContent() == null && before.inlineContent() != null
                    && !a.record().deleted() && a.record().hash() != null
                    && a.record().hash().equals(before.record().hash())) {
                // the same content again without it (a repeated index exchange): keep the bytes
                a = new Message.Announced(a.record(), before.inlineContent());
            }
            records.put(a.record().path(), a); // a later record of the same path replaces an earlier one
        }
        if (update.full()) {
            inExchange.add(from);
        }
        if (update.full() && update.last()) {
            exchangeEnded.add(from);
        }
    }

    /**
     * A member's acknowledgements (a later one of a path replaces an earlier one). At most
     * {@link #MAX_ACK_BYTES} of them (by {@link WireCodec#sizeBound}) wait per member: an ack may
     * name any path, so a member acknowledging ever new paths while the worker is busy would
     * otherwise grow this without bound. Beyond it they are dropped, which is safe (the entries stay
     * dirty, are offered again and acknowledged again later); returns how many were dropped, the
     * first time in a drain that the member's are (0 after: one log line per member and drain).
     */
    synchronized int acked(String from, Message.Ack ack) {
        LinkedHashMap<String, VersionVector> byPath = acks.computeIfAbsent(from, k -> new LinkedHashMap<>());
        long bytes = ackBytes.getOrDefault(from, 0L);
        int dropped = 0;
        for (Message.AckEntry e : ack.entries()) {
            if (!byPath.containsKey(e.path())) {
                long len = WireCodec.sizeBound(e);
                if (bytes + len > MAX_ACK_BYTES) {
                    dropped++;
                    continue;
                }
                bytes += len;
            }
            byPath.put(e.path(), e.version());
        }
        ackBytes.put(from, bytes);
        return dropped > 0 && ackDropsSaid.add(from) ? dropped : 0;
    }

    /** A version handed back for another try, unless a newer record of its path waits already. */
    synchronized void redeliver(String from, Message.Announced a) {
        updates.computeIfAbsent(from, k -> new LinkedHashMap<>()).putIfAbsent(a.record().path(), a);
    }

    /** True when the caller is to queue a drain (none is queued yet). */
    synchronized boolean queueDrain() {
        if (drainQueued) {
            return false;
        }
        drainQueued = true;
        return true;
    }

    /**
     * Worker: takes what arrived, and lets the next arrival queue a new drain. Everything but the
     * members' records is taken whole; of those, at most {@value #TAKE_RECORDS}, and of an index
     * exchange's no more once their inline content reaches {@link #TAKE_INLINE_BYTES} (whole members first, in arrival order, then
     * part of the next one): a drain commits and acknowledges what it applied
     * at its end, and the member's index exchange is paced by those acknowledgements, so taking a
     * bounded share keeps both sides busy (the sender refills while the rest is applied) and one drain
     * from holding a whole exchange. {@link #hasRecords} says whether records were left.
     */
    synchronized Drained take() {
        drainQueued = false;
        Map<String, LinkedHashMap<String, Message.Announced>> taken = new LinkedHashMap<>();
        Set<String> takenInExchange = new LinkedHashSet<>();
        Set<String> takenEnded = new LinkedHashSet<>();
        int room = TAKE_RECORDS;
        long inlineRoom = TAKE_INLINE_BYTES;
        for (var it = updates.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, LinkedHashMap<String, Message.Announced>> e = it.next();
            String from = e.getKey();
            LinkedHashMap<String, Message.Announced> records = e.getValue();
            if (inExchange.contains(from)) {
                takenInExchange.add(from);
            }
            boolean paced = inExchange.contains(from);
            LinkedHashMap<String, Message.Announced> part = new LinkedHashMap<>();
            for (var ri = records.entrySet().iterator(); ri.hasNext() && room > 0 && (!paced || inlineRoom > 0); room--) {
                Map.Entry<String, Message.Announced> r = ri.next();
                part.put(r.getKey(), r.getValue());
                byte[] inline = r.getValue().inlineContent();
                if (paced && inline != null) {
                    inlineRoom -= inline.length;
                }
                ri.remove();
            }
            taken.put(from, part);
            if (!records.isEmpty()) {
                break; // the rest of this member's records and those of the members after it: the next drain
            }
            it.remove();
            inExchange.remove(from);
            if (exchangeEnded.remove(from)) {
                takenEnded.add(from);
            }
            if (room == 0 || paced && inlineRoom <= 0) {
                break;
            }
        }
        Drained d = new Drained(rescanAll, new ArrayList<>(paths), new ArrayList<>(recursive), taken,
                takenInExchange, takenEnded, new LinkedHashMap<>(acks));
        if (Hops.on()) {
            Hops.markAll(Hops.Hop.DRAIN, d.paths());
            Hops.markAll(Hops.Hop.DRAIN, d.recursive());
            d.updates().values().forEach(u -> Hops.markAll(Hops.Hop.REMOTE_DRAIN, u.keySet()));
        }
        acks.clear();
        ackBytes.clear();
        ackDropsSaid.clear();
        rescanAll = false;
        paths.clear();
        recursive.clear();
        return d;
    }

    /** Whether announced records wait (left by {@link #take}, or arrived since). */
    synchronized boolean hasRecords() {
        return !updates.isEmpty();
    }
}
