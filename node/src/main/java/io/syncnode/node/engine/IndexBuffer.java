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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A folder's pending index changes, and the messages that may only leave once they are committed.
 *
 * <p>Confined to the folder's worker thread. Reads go through {@link #current}, which sees pending
 * changes before the index. {@link #flush} writes everything pending in one transaction and waits
 * for the commit ({@link SqliteIndexStore#writeAndWait}: on the worker itself when no other write
 * is queued, else behind them on the store's writer thread), then has the {@link Announcer}
 * multicast the new local versions and send the acknowledgements: nothing is announced or
 * acknowledged before it is durable in the index.
 *
 * <p>A walk (a full scan) commits without waiting: {@link #flushBehind} hands the pending changes
 * to the store's writer thread as the <em>in-flight</em> batch and the walk goes on while they are
 * written (the commit overlaps the walk on another core). Reads see pending changes first, then
 * the in-flight batch, then the index; the in-flight batch is announced once committed, when the
 * next batch is handed over or at {@link #settle} / {@link #flush}. At most one batch is in flight.
 */
final class IndexBuffer {
    /**
     * A full scan flushes when this many changes are pending. The content-hash index takes each
     * new file's row at a random place, so a commit writes about one index page per row until its
     * rows outnumber the index's pages: bigger commits write each page once for more rows. A
     * million-file index took 141 s with 8,000, 167 s with 2,000 (129 s and 137 s with the
     * writer's cache and WAL settings, {@code IndexConnections}); 16,000 did not do better. With
     * the commits behind the walk ({@link #flushBehind}) it took 49-51 s against 72-80 s waiting for
     * each (another day, a faster host: the same runs interleaved).
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
    private PendingPuts pending = new PendingPuts();
    /** The changes of the batch handed to the writer by {@link #flushBehind}, not yet committed and announced; empty when none. */
    private PendingPuts inFlight = new PendingPuts();
    /** That batch (what it sends once committed) and its transaction; null when none. */
    private InFlight committing;

    private record InFlight(IndexBatch batch, CompletableFuture<Void> commit) {
    }
    private final Map<String, List<Message.AckEntry>> acks = new HashMap<>();
    private final List<IndexBatch.Clear> clears = new ArrayList<>();
    /** Open conflicts of this folder (loaded at start), and changes to them not yet written. */
    private final Map<String, StoredConflict> conflicts = new HashMap<>();
    private final Map<String, StoredConflict> conflictChanges = new LinkedHashMap<>();

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
        Put p = buffered(rel);
        if (p != null) {
            return new StoredFile(folder, p.record(), p.stat(), 0);
        }
        return (stored != null ? stored : store.get(folder, rel)).orElse(null);
    }

    /** The path's buffered change: pending, else in flight; null if none. */
    private Put buffered(String rel) {
        Put p = pending.get(rel);
        return p != null || inFlight.isEmpty() ? p : inFlight.get(rel);
    }

    /** Whether the path has a buffered change (pending or in flight): its indexed row, if any, is not current. */
    private boolean hasBuffered(String rel) {
        return pending.contains(rel) || inFlight.contains(rel);
    }

    /**
     * The indexed rows ({@code indexed}) of paths without a buffered change, then the live buffered
     * changes {@code select} picks from the in-flight batch and from pending (a pending change of a
     * path hides its in-flight one), by path.
     */
    private List<StoredFile> withBuffered(List<StoredFile> indexed,
                                          java.util.function.Function<PendingPuts, List<Put>> select) {
        Map<String, StoredFile> out = new java.util.TreeMap<>();
        for (StoredFile f : indexed) {
            if (!hasBuffered(f.record().path())) {
                out.put(f.record().path(), f);
            }
        }
        if (!inFlight.isEmpty()) {
            for (Put p : select.apply(inFlight)) {
                if (!pending.contains(p.record().path())) {
                    out.put(p.record().path(), new StoredFile(folder, p.record(), p.stat(), 0));
                }
            }
        }
        for (Put p : select.apply(pending)) {
            out.put(p.record().path(), new StoredFile(folder, p.record(), p.stat(), 0));
        }
        return new ArrayList<>(out.values());
    }

    /** Live buffered records strictly under {@code dir} (pending or in flight: perhaps not yet in the index). */
    List<StoredFile> pendingUnder(String dir) {
        return withBuffered(List.of(), b -> b.liveUnder(dir));
    }

    /**
     * The live entries whose stat names inode {@code ino} on {@code dev}, pending changes first
     * (a pending change of a path hides its indexed row): candidate names of a hard-link group.
     */
    List<StoredFile> sameInode(long dev, long ino) {
        return withBuffered(store.sameInode(folder, dev, ino), b -> b.liveOnInode(dev, ino));
    }

    /** The live records that link to {@code first} as their hard-link group's first name, pending changes first. */
    List<StoredFile> linkedTo(String first) {
        return withBuffered(store.linkedTo(folder, first), b -> b.liveLinkingTo(first));
    }

    /**
     * The indexed rows linking to each of {@code firsts} (64 names per query), for {@link
     * #linkedTo(String, Map)}: the index holds them until the next {@link #flush} or {@link #settle}
     * on this thread (a batch in flight shows through its buffered changes until then).
     */
    Map<String, List<StoredFile>> indexedLinksTo(java.util.Collection<String> firsts) {
        return store.linkedTo(folder, firsts);
    }

    /** {@link #linkedTo(String)} over {@code indexed}, rows read before by {@link #indexedLinksTo} since the last flush. */
    List<StoredFile> linkedTo(String first, Map<String, List<StoredFile>> indexed) {
        return withBuffered(indexed.getOrDefault(first, List.of()), b -> b.liveLinkingTo(first));
    }

    /** Buffers a change; a version that dominates an open conflict's remote version settles it. */
    void put(Put p) {
        String path = p.record().path();
        p = merged(pending.remove(path), p);
        pending.add(p);
        StoredConflict open = conflicts.get(path);
        if (open != null && p.record().version().covers(open.remote().version())) {
            conflicts.remove(path);
            conflictChanges.put(path, null);
        }
    }

    /** The change {@code p} of a path that had {@code before} buffered (null: none). */
    private static Put merged(Put before, Put p) {
        if (before != null && before.markDirty() && !p.markDirty()
                && before.record().version().equals(p.record().version())) {
            // only the signature changed since the new version was buffered: it is still to be announced
            return new Put(p.record(), p.stat(), true, before.exceptPeer(), before.inline(), before.taken() || p.taken());
        }
        return p;
    }

    void ack(String member, String path, VersionVector version) {
        acks.computeIfAbsent(member, k -> new ArrayList<>()).add(new Message.AckEntry(path, version));
    }

    void clearDirty(String path, long peer) {
        clears.add(new IndexBatch.Clear(path, peer));
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
        settle();
        IndexBatch b = take();
        if (b == null) {
            return;
        }
        pending.clear();
        if (b.writes()) {
            markPuts(Hops.Hop.FLUSH, b.puts());
            try {
                store.writeAndWait(w -> b.write(w, peers, sharedWith));
            } catch (RuntimeException e) {
                restore(b);
                throw e;
            }
            markPuts(Hops.Hop.COMMITTED, b.puts());
        }
        b.send(announcer);
    }

    /**
     * For a walk, between two entries: waits for the batch in flight (if any) and announces it,
     * then hands the pending changes to the store's writer thread without waiting for their commit
     * (they become the batch in flight; reads still see them). Call {@link #settle} or
     * {@link #flush} when the walk ends.
     */
    void flushBehind() {
        settle();
        IndexBatch b = take();
        if (b == null) {
            return;
        }
        if (!b.writes()) {
            b.send(announcer); // nothing pending either
            return;
        }
        markPuts(Hops.Hop.FLUSH, b.puts());
        PendingPuts empty = inFlight;
        inFlight = pending;
        pending = empty;
        committing = new InFlight(b, store.write(w -> b.write(w, peers, sharedWith)));
    }

    /**
     * Waits for the batch in flight, if any, to be committed and sends its announcements and
     * acknowledgements. Throws the {@link io.syncnode.node.index.IndexException} of a failed commit;
     * its changes are then pending again (older than the pending ones), as after a failed {@link #flush}.
     */
    void settle() {
        if (committing == null) {
            return;
        }
        IndexBatch b = committing.batch();
        CompletableFuture<Void> commit = committing.commit();
        committing = null;
        try {
            commit.join();
        } catch (java.util.concurrent.CompletionException e) {
            inFlight.clear();
            restore(b);
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        inFlight.clear();
        markPuts(Hops.Hop.COMMITTED, b.puts());
        b.send(announcer);
    }

    /**
     * Takes everything buffered (but the pending puts, which the caller clears or moves) as one
     * batch; null when nothing is buffered.
     */
    private IndexBatch take() {
        if (pending.isEmpty() && clears.isEmpty() && acks.isEmpty() && conflictChanges.isEmpty()
                && intentsDone.isEmpty()) {
            return null;
        }
        IndexBatch b = new IndexBatch(folder, new ArrayList<>(pending.inOrder()), new ArrayList<>(clears),
                new LinkedHashMap<>(conflictChanges), new ArrayList<>(intentsDone), new HashMap<>(acks),
                clock.instant());
        clears.clear();
        conflictChanges.clear();
        intentsDone.clear();
        acks.clear();
        return b;
    }

    /**
     * A batch whose transaction failed is buffered again, older than what was buffered since (the
     * newer change of a path wins, as in {@link #put}): it is written with the next flush.
     */
    private void restore(IndexBatch b) {
        PendingPuts newer = pending;
        pending = new PendingPuts();
        b.puts().forEach(pending::add);
        for (Put p : newer.inOrder()) {
            pending.add(merged(pending.remove(p.record().path()), p));
        }
        clears.addAll(0, b.cleared());
        b.acks().forEach((member, entries) -> acks.computeIfAbsent(member, k -> new ArrayList<>()).addAll(0, entries));
        b.conflicted().forEach(conflictChanges::putIfAbsent);
        intentsDone.addAll(b.journalled());
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
            if (!anyDirty && !hasBuffered(path)) {
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
