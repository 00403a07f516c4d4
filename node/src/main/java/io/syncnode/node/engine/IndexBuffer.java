package io.syncnode.node.engine;

import io.syncnode.node.announce.Announcer;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.trace.Hops;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A folder's pending index changes, and the messages that may only leave once they are committed.
 *
 * <p>Confined to the folder's worker thread. Reads go through {@link #current}, which sees pending
 * changes before the index. {@link #flush} writes everything pending in one transaction and waits
 * for the commit ({@link SqliteIndexStore#writeAndWait}: on the worker itself when no other write
 * is queued, else behind them on the store's writer thread), then has the {@link Announcer}
 * multicast the new local versions and send the acknowledgements: nothing is announced or
 * acknowledged before it is durable in the index.
 */
final class IndexBuffer {
    /**
     * A full scan flushes when this many changes are pending. The content-hash index takes each
     * new file's row at a random place, so a commit writes about one index page per row until its
     * rows outnumber the index's pages: bigger commits write each page once for more rows. A
     * million-file index took 141 s with 8,000, 167 s with 2,000 (129 s and 137 s with the
     * writer's cache and WAL settings, {@code IndexConnections}); 16,000 did not do better.
     */
    static final int FLUSH_AT = 8000;
    /**
     * ... or when the pending changes hold this many bytes of inline content (files of up to
     * {@link io.syncnode.node.wire.WireCodec#MAX_INLINE} bytes carry theirs until announced): a
     * scan of 8,000 such files would otherwise hold 512 MiB.
     */
    static final long FLUSH_INLINE_BYTES = 16L << 20;

    /**
     * One buffered index change. {@code markDirty}: a new version this node must get acknowledged
     * by every peer (but {@code exceptPeer}) and announce, with {@code inline} content if small.
     * {@code taken}: a version taken from a peer; its author's dirty entries deliver it to everyone,
     * so this node's dirty entries for older versions of the path are dropped (no peer would
     * acknowledge them to this node any more).
     */
    record Put(FileRecord record, StatSignature stat, boolean markDirty, String exceptPeer, byte[] inline,
               boolean taken) {
        static Put local(FileRecord record, StatSignature stat, byte[] inline) {
            return new Put(record, stat, true, null, inline, false);
        }

        /** Only the stat signature (or nothing on disk) changed: no new version. */
        static Put quiet(FileRecord record, StatSignature stat) {
            return new Put(record, stat, false, null, null, false);
        }

        static Put taken(FileRecord record, StatSignature stat) {
            return new Put(record, stat, false, null, null, true);
        }
    }

    private final String folder;
    private final SqliteIndexStore store;
    private final PeerDirectory peers;
    private final java.util.function.Predicate<String> sharedWith;
    private final Announcer announcer;
    private final Clock clock;
    private final PendingPuts pending = new PendingPuts();
    private final Map<String, List<Message.AckEntry>> acks = new HashMap<>();
    private final List<Clear> clears = new ArrayList<>();
    /** Open conflicts of this folder (loaded at start), and changes to them not yet written. */
    private final Map<String, StoredConflict> conflicts = new HashMap<>();
    private final Map<String, StoredConflict> conflictChanges = new LinkedHashMap<>();

    private record Clear(String path, long peer) {
    }

    /** @param sharedWith whether the folder is shared with a node (by name): its changes are dirty only toward those */
    IndexBuffer(String folder, SqliteIndexStore store, PeerDirectory peers, java.util.function.Predicate<String> sharedWith,
                Outbox outbox, Clock clock, NodeCounters counters) {
        this.folder = folder;
        this.store = store;
        this.peers = peers;
        this.sharedWith = sharedWith;
        this.announcer = new Announcer(folder, outbox,
                new Announcer.Counters(counters.announcementsSent, counters.recordsAnnounced, counters.inlineBytesSent));
        this.clock = clock;
        for (StoredConflict c : store.conflicts(folder)) {
            conflicts.put(c.path(), c);
        }
    }

    /** Records an open conflict (replacing an older one of the same path). */
    void putConflict(StoredConflict c) {
        conflicts.put(c.path(), c);
        conflictChanges.put(c.path(), c);
    }

    StoredConflict conflict(String path) {
        return conflicts.get(path);
    }


    /** Set by {@link #stop}: long steps end at their next safe point (see {@link #checkStopping}). */
    private volatile boolean stopping;

    /** Thrown at a safe point of a long step (between two entries) once the node is stopping. */
    static final class Stopping extends RuntimeException {
        Stopping() {
            super("the node is stopping", null, false, false);
        }
    }

    /** Any thread: the node is stopping; the worker's current step ends at its next safe point. */
    void stop() {
        stopping = true;
    }

    /**
     * Called between two entries of a long step (a scan, a batch of announced records), where
     * everything buffered so far is a finished change: throws {@link Stopping} once {@link #stop}
     * was called. What the step did not reach is found again after the restart.
     */
    void checkStopping() {
        if (stopping) {
            throw new Stopping();
        }
    }

    /** The entry as this worker knows it: pending changes first, then the index; null if unknown. */
    StoredFile current(String rel) {
        return current(rel, null);
    }

    /** As {@link #current(String)}, the index's row already known ({@code stored}, empty: none) or null to read it. */
    StoredFile current(String rel, Optional<StoredFile> stored) {
        Put p = pending.get(rel);
        if (p != null) {
            return new StoredFile(folder, p.record(), p.stat(), 0);
        }
        return (stored != null ? stored : store.get(folder, rel)).orElse(null);
    }

    /** Live pending records strictly under {@code dir} (not yet in the index). */
    List<StoredFile> pendingUnder(String dir) {
        List<StoredFile> out = new ArrayList<>();
        for (Put p : pending.liveUnder(dir)) {
            out.add(new StoredFile(folder, p.record(), p.stat(), 0));
        }
        return out;
    }

    /**
     * The live entries whose stat names inode {@code ino} on {@code dev}, pending changes first
     * (a pending change of a path hides its indexed row): candidate names of a hard-link group.
     */
    List<StoredFile> sameInode(long dev, long ino) {
        Map<String, StoredFile> out = new java.util.TreeMap<>();
        for (StoredFile f : store.sameInode(folder, dev, ino)) {
            if (!pending.contains(f.record().path())) {
                out.put(f.record().path(), f);
            }
        }
        for (Put p : pending.liveOnInode(dev, ino)) {
            out.put(p.record().path(), new StoredFile(folder, p.record(), p.stat(), 0));
        }
        return new ArrayList<>(out.values());
    }

    /** The live records that link to {@code first} as their hard-link group's first name, pending changes first. */
    List<StoredFile> linkedTo(String first) {
        Map<String, StoredFile> out = new java.util.TreeMap<>();
        for (StoredFile f : store.linkedTo(folder, first)) {
            if (!pending.contains(f.record().path())) {
                out.put(f.record().path(), f);
            }
        }
        for (Put p : pending.liveLinkingTo(first)) {
            out.put(p.record().path(), new StoredFile(folder, p.record(), p.stat(), 0));
        }
        return new ArrayList<>(out.values());
    }

    /** Buffers a change; a version that dominates an open conflict's remote version settles it. */
    void put(Put p) {
        String path = p.record().path();
        Put before = pending.remove(path);
        if (before != null && before.markDirty() && !p.markDirty()
                && before.record().version().equals(p.record().version())) {
            // only the signature changed since the new version was buffered: it is still to be announced
            p = new Put(p.record(), p.stat(), true, before.exceptPeer(), before.inline(), before.taken() || p.taken());
        }
        pending.add(p);
        StoredConflict open = conflicts.get(path);
        if (open != null && p.record().version().covers(open.remote().version())) {
            conflicts.remove(path);
            conflictChanges.put(path, null);
        }
    }

    void ack(String member, String path, VersionVector version) {
        acks.computeIfAbsent(member, k -> new ArrayList<>()).add(new Message.AckEntry(path, version));
    }

    void clearDirty(String path, long peer) {
        clears.add(new Clear(path, peer));
    }

    /** Whether a full scan should flush now ({@link #FLUSH_AT}, {@link #FLUSH_INLINE_BYTES}). */
    boolean large() {
        return pending.size() >= FLUSH_AT || pending.inlineBytes() >= FLUSH_INLINE_BYTES;
    }

    /**
     * Journals versions about to be written (see {@link io.syncnode.node.index.ApplyIntent}): committed
     * now, before the caller writes; each row goes with the next {@link #flush} after
     * {@link #intentsDone}. Worker only.
     */
    void journal(List<io.syncnode.node.index.ApplyIntent> intents) {
        if (!intents.isEmpty()) {
            store.writeAndWait(w -> {
                intents.forEach(w::putIntent);
                return null;
            });
        }
    }

    /** The journal rows of {@code paths} go with the next flush (in the transaction that records what was written). */
    void intentsDone(java.util.Collection<String> paths) {
        intentsDone.addAll(paths);
    }

    private final Set<String> intentsDone = new java.util.LinkedHashSet<>();

    /** Writes buffered changes in one transaction, then sends the announcements and acks they allow. */
    void flush() {
        if (pending.isEmpty() && clears.isEmpty() && acks.isEmpty() && conflictChanges.isEmpty()
                && intentsDone.isEmpty()) {
            return;
        }
        List<Put> puts = new ArrayList<>(pending.inOrder());
        List<Clear> cleared = new ArrayList<>(clears);
        Map<String, StoredConflict> conflicted = new LinkedHashMap<>(conflictChanges);
        conflictChanges.clear();
        List<String> journalled = new ArrayList<>(intentsDone);
        intentsDone.clear();
        if (!puts.isEmpty() || !cleared.isEmpty() || !conflicted.isEmpty() || !journalled.isEmpty()) {
            Instant now = clock.instant();
            markPuts(Hops.Hop.FLUSH, puts);
            store.writeAndWait(w -> {
                // read inside the transaction: a peer forgotten meanwhile (PeerDirectory.forget) gets no row
                Set<Long> known = peers.knownIds(sharedWith);
                for (Put p : puts) {
                    if (p.taken()) {
                        w.clearDirtyAll(folder, p.record().path());
                    }
                    w.put(folder, p.record(), p.stat());
                    if (p.markDirty() && !known.isEmpty()) {
                        Set<Long> to = new HashSet<>(known);
                        if (p.exceptPeer() != null) {
                            to.remove(peers.idOf(p.exceptPeer()));
                        }
                        w.markDirty(folder, p.record().path(), to, now);
                    }
                }
                for (Clear c : cleared) {
                    w.clearDirty(folder, c.path(), c.peer());
                }
                conflicted.forEach((path, c) -> {
                    if (c == null) {
                        w.deleteConflict(folder, path);
                    } else {
                        w.putConflict(c);
                    }
                });
                if (!journalled.isEmpty()) {
                    w.deleteIntents(folder, journalled);
                }
                return null;
            });
            markPuts(Hops.Hop.COMMITTED, puts);
        }
        pending.clear();
        clears.clear();
        List<Message.Announced> announce = new ArrayList<>();
        for (Put p : puts) {
            if (p.markDirty()) {
                announce.add(new Message.Announced(p.record(), p.inline()));
            }
        }
        if (!announce.isEmpty()) {
            send(null, announce, false);
        }
        Map<String, List<Message.AckEntry>> toSend = new HashMap<>(acks);
        acks.clear();
        announcer.acknowledge(toSend);
    }

    /** Marks the new versions (announced or taken from a member) of {@code puts} for {@link Hops}. */
    private static void markPuts(Hops.Hop hop, List<Put> puts) {
        if (Hops.on()) {
            Hops.markAll(hop, puts.stream().filter(p -> p.markDirty() || p.taken()).map(p -> p.record().path()).toList());
        }
    }

    /** Clears the dirty entries toward {@code peer} (null: unknown, nothing) that its acknowledgements cover. */
    void acknowledged(Long peer, Map<String, VersionVector> byPath) {
        if (peer == null) {
            return;
        }
        // the acks of an index exchange name every record of the folder: when nothing is dirty
        // toward the peer in the index, only the paths with a pending change can need a look (one
        // probe instead of a read per acknowledged path)
        boolean anyDirty = byPath.isEmpty() || store.anyDirtyToward(peer, folder);
        byPath.forEach((path, version) -> {
            if (!anyDirty && !pending.contains(path)) {
                return;
            }
            StoredFile cur = current(path);
            if (cur != null && version.covers(cur.record().version())) {
                clearDirty(path, peer);
            }
        });
    }

    /** Sends records to one member or to all ({@code member} null): see {@link Announcer#send}. */
    void send(String member, List<Message.Announced> records, boolean full) {
        announcer.send(member, records, full, null);
    }

    /** This node's versions of the paths of a folder verdict it won, to {@code member} (see {@link Announcer#sendVerdict}). */
    boolean sendVerdict(String member, List<Message.Announced> records) {
        return announcer.sendVerdict(member, records);
    }

    /**
     * One page of a full-index exchange to {@code member} (see {@link Announcer#sendPage}); false
     * when a batch was not taken (the member left, or its lane is full).
     */
    boolean sendPage(String member, List<Message.Announced> records, boolean last) {
        return announcer.sendPage(member, records, last);
    }

    /** Bytes queued for {@code member} that its transport has not taken yet. */
    long waiting(String member) {
        return announcer.waiting(member);
    }

    /** As {@link #send(String, List, boolean)}, reading missing inline content through {@code inline}. */
    void send(String member, List<Message.Announced> records, boolean full,
              java.util.function.Function<FileRecord, byte[]> inline) {
        announcer.send(member, records, full, inline);
    }
}
