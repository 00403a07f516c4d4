package io.syncnode.node.engine;

import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.DiskEntry;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.FolderVerdict;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * What the folder tells the members about its index: its digest for an exchange, its whole index
 * to a member whose digest differs (with small files inline for a new replica; sent page by page
 * by {@link FullIndexSender}), and the records dirty toward a member (after its digest, or when
 * they have been dirty for long).
 *
 * <p>The public-facing methods may be called from any thread: each queues its work on the folder's
 * worker, where everything else runs. A paused folder answers nothing (the resume asks again).
 */
final class DigestResponder {
    private static final Logger LOG = Logger.getLogger(DigestResponder.class.getName());
    /** How long after sending a member its index with inline content a new digest of it gets records only. */
    static final Duration INLINE_AGAIN_AFTER = Duration.ofMinutes(1);
    /** Dirty records sent to a member per page (see {@link #pushDirty}). */
    static final int DIRTY_PAGE = 1000;

    private final FolderContext folder;
    private final PeerDirectory peers;
    private final EntryReader reader;
    /** Commits the index buffer (and sends what depends on it) before a digest is computed. */
    private final Runnable flush;
    private final BooleanSupplier halted;
    /** Sends the whole index to members whose digest differs, page by page (worker only). */
    private final FullIndexSender fullIndex;
    /** Members sent the index with inline content, and when (worker only). */
    private final Map<String, Instant> inlinedTo = new HashMap<>();
    /**
     * Per member, its newest digest not yet answered (guarded by itself): one answer is queued per
     * member at a time, and digests that arrive meanwhile replace the waiting one, so a member that
     * sends many digests gets one answer to the newest, never a queue of whole-index dumps.
     */
    private final Map<String, Message.FolderDigest> unanswered = new HashMap<>();
    /** The view's members and which of them share the folder (see {@link #inlinesTo}, {@link #pushDirty}). */
    private final View view;
    /**
     * Members known to hold entries of the folder (guarded by itself): their newest digest of it
     * counted some, or they sent records of it since.
     */
    private final Set<String> holding = new HashSet<>();
    /** Runs a task on the folder's worker after a delay (waiting for room in a member's lane). */
    private final FullIndexSender.Later later;
    /**
     * Members whose dirty records are being sent page by page (worker only), and whether another
     * push was asked for meanwhile (it starts over from the first path when this one ends).
     */
    private final Map<String, Boolean> pushing = new HashMap<>();

    /**
     * @param members the names of the current view's members
     * @param sharedWith whether the folder is shared with a node (by name)
     */
    record View(Supplier<Set<String>> members, Predicate<String> sharedWith) {
    }

    DigestResponder(FolderContext folder, PeerDirectory peers, EntryReader reader, Runnable flush,
                    BooleanSupplier halted, FullIndexSender.Later later, View view) {
        this.folder = folder;
        this.view = view;
        this.peers = peers;
        this.reader = reader;
        this.flush = flush;
        this.halted = halted;
        this.fullIndex = new FullIndexSender(folder, this::currentContent, later);
        this.later = later;
    }

    /** Worker: {@code member} acknowledged {@code entries} records (paces an index exchange to it). */
    void acknowledged(String member, int entries) {
        fullIndex.acknowledged(member, entries);
    }

    /** A member's digest of this folder: if it differs, send it our whole index; then its dirty entries. */
    void onDigest(String from, Message.FolderDigest digest) {
        synchronized (holding) {
            if (digest.records() == 0) {
                holding.remove(from);
            } else {
                holding.add(from);
            }
        }
        synchronized (unanswered) {
            Message.FolderDigest waiting = unanswered.get(from);
            if (waiting != null) {
                // an answer is queued: it takes this newer digest, but a member that was empty when
                // it sent the waiting one still gets the small files inline (records = 0)
                unanswered.put(from, waiting.records() == 0 && digest.records() != 0
                        ? new Message.FolderDigest(digest.folder(), digest.digest(), 0) : digest);
                return;
            }
            unanswered.put(from, digest);
        }
        folder.worker().execute(folder.guard("digest from " + from, () -> answer(from)));
    }

    /** Answers {@code from}'s newest digest (worker). */
    private void answer(String from) throws IOException {
        Message.FolderDigest digest;
        synchronized (unanswered) {
            digest = unanswered.remove(from);
        }
        if (digest == null || folder.worker().paused()) {
            return; // the member keeps its dirty entries toward this node; the resume asks again
        }
        flush.run();
        if (!Arrays.equals(digest.digest(), folder.store().digest(folder.name()))) {
            // a member with no entries at all (a new replica) lacks every file: small ones go
            // inline, once per minute and member (the digests repeat while it catches up)
            Instant now = folder.clock().instant();
            Instant last = inlinedTo.get(from);
            boolean inline = digest.records() == 0 && (last == null || now.isAfter(last.plus(INLINE_AGAIN_AFTER)))
                    && inlinesTo(from);
            if (inline) {
                inlinedTo.put(from, now);
            }
            LOG.fine(() -> folder.name() + ": index differs from " + from + "'s; sending ours"
                    + (inline ? " with small files inline" : ""));
            fullIndex.start(from, inline); // page by page, paced by its acknowledgements
        }
        pushDirty(from);
    }

    /** Any thread: {@code member} sent records of the folder, so it holds entries of it. */
    void holds(String member) {
        synchronized (holding) {
            holding.add(member);
        }
    }

    /**
     * Whether this node sends the new replica {@code replica} its small files inline: not when a
     * member of the view with a smaller id ({@link FolderVerdict#decides} order) shares the folder
     * and is known to hold entries of it ({@link #holding}); that one sends them. So a node that
     * joins N members gets each small file once, not N times; when in doubt (a member not known to
     * hold any yet), this node sends them too. Should the one member not answer (paused, halted),
     * the replica fetches the small files, from every member that offers them.
     */
    private boolean inlinesTo(String replica) {
        Set<String> known;
        synchronized (holding) {
            known = Set.copyOf(holding);
        }
        for (String m : view.members().get()) {
            if (m.equals(replica) || !known.contains(m) || !view.sharedWith().test(m)) {
                continue;
            }
            Long id = peers.idOf(m);
            if (id != null && FolderVerdict.decides(id, folder.selfId())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The content of a small regular file as its record describes it, read now; null when it is
     * not one, or the file no longer matches the record (the receiver fetches it then).
     */
    byte[] currentContent(StoredFile f) {
        FileRecord r = f.record();
        if (r.deleted() || r.type() != FileType.REGULAR || r.size() > WireCodec.MAX_INLINE || r.hardLink() != null) {
            return null;
        }
        try {
            Path abs = folder.applier().resolve(r.path());
            if (f.stat() != null) { // the file indexed with this hash, while its signature holds: not hashed again
                return EntryReader.contentIfUnchanged(abs, r.path(), f.stat(), WireCodec.MAX_INLINE).orElse(null);
            }
            Optional<DiskEntry> e = reader.read(abs, r.path());
            return e.isPresent() && r.hash().equals(e.get().hash()) ? e.get().inline() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Sends each of {@code members} the current records of at most {@code limit} paths that have
     * been dirty toward it since before {@code before}: what a member should have acknowledged
     * long ago was lost on the way (a partition that changed no view, a dropped announcement) or
     * failed there, and is offered again without waiting for the next digest exchange.
     */
    void pushStaleDirty(Collection<String> members, Instant before, int limit) {
        folder.worker().execute(folder.guard("offering stale dirty entries again", () -> {
            fullIndex.tick(); // the 30 s timer also moves stalled index exchanges on
            if (folder.worker().paused() || halted.getAsBoolean()) {
                return;
            }
            for (String member : members) {
                Long id = peers.idOf(member);
                if (id == null) {
                    continue;
                }
                List<Message.Announced> stale = new ArrayList<>();
                for (StoredFile f : folder.store().staleDirtyRecordsFor(id, folder.name(), before, limit)) {
                    stale.add(new Message.Announced(f.record(), null));
                }
                if (!stale.isEmpty()) {
                    LOG.fine(() -> folder.name() + ": offering " + stale.size() + " record(s) dirty toward " + member
                            + " for long again");
                    folder.buffer().send(member, stale, false);
                }
            }
        }));
    }

    /** Sends {@code member} the current records of every path dirty toward it. */
    void pushDirtyTo(String member) {
        folder.worker().execute(folder.guard("pushing dirty entries to " + member, () -> pushDirty(member)));
    }

    /**
     * Worker only: sends {@code member} the current records of every path dirty toward it, a page of
     * {@value #DIRTY_PAGE} at a time, each when the member's send lane has room (as the index pages
     * of {@link FullIndexSender}): a million paths dirty toward a member that was away are never all
     * in memory, nor all in its lane at once. One push per member runs at a time; one asked for
     * meanwhile starts over when it ends.
     */
    private void pushDirty(String member) {
        if (pushing.containsKey(member)) {
            pushing.put(member, true);
            return;
        }
        pushing.put(member, false);
        pushDirtyAfter(member, null);
    }

    private void pushDirtyAfter(String member, String after) {
        Long id = peers.idOf(member);
        if (id == null || folder.worker().paused() || !view.members().get().contains(member)) {
            pushing.remove(member); // a resume, or the member's return, exchanges digests again
            return;
        }
        try {
            pushDirtyPage(member, id, after);
        } catch (RuntimeException e) {
            pushing.remove(member); // the next digest answer pushes again
            throw e;
        }
    }

    private void pushDirtyPage(String member, long id, String after) {
        if (folder.buffer().waiting(member) >= FullIndexSender.LANE_ROOM) {
            later.run(FullIndexSender.ROOM_RETRY, folder.guard("sending dirty records to " + member,
                    () -> pushDirtyAfter(member, after)));
            return;
        }
        List<StoredFile> rows = folder.store().dirtyRecordsFor(id, folder.name(), after, DIRTY_PAGE);
        List<Message.Announced> page = new ArrayList<>(rows.size());
        for (StoredFile f : rows) {
            page.add(new Message.Announced(f.record(), null));
        }
        if (!page.isEmpty()) {
            folder.buffer().send(member, page, false);
        }
        if (rows.size() == DIRTY_PAGE) {
            String last = rows.get(rows.size() - 1).record().path();
            folder.worker().execute(folder.guard("sending dirty records to " + member, () -> pushDirtyAfter(member, last)));
        } else if (Boolean.TRUE.equals(pushing.remove(member))) {
            pushDirty(member);
        }
    }

    /**
     * The folder's digest, computed by its worker after the work queued before (so it includes the
     * changes scanned so far). Nobody waits on it: the caller sends it when it completes.
     */
    CompletableFuture<Message.FolderDigest> digestLater() {
        return folder.worker().submit(() -> {
            flush.run();
            return new Message.FolderDigest(folder.name(), folder.store().digest(folder.name()),
                    folder.store().liveCount(folder.name()));
        });
    }
}
