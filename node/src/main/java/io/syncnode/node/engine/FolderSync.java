package io.syncnode.node.engine;

import io.syncnode.config.FolderConfig;
import io.syncnode.node.apply.Applier;
import io.syncnode.node.apply.FolderConflictArchive;
import io.syncnode.node.conflict.ConflictScript;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.fetch.DiskSpace;
import io.syncnode.node.index.PauseMarks;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.watch.ChangeBatch;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.protocol.ConflictScope;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.IgnoreMatcher;
import io.syncnode.protocol.Reconciler;
import io.syncnode.protocol.RelativePath;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps one folder in sync: scans local changes into versioned records and announces them;
 * reconciles announced records against the index and applies the plans ({@link RemoteApplier});
 * answers acknowledgements and digests ({@link DigestResponder}). Builds the folder's parts around
 * one {@link FolderContext} and sequences them.
 *
 * <p>Everything that reads-then-writes this folder's index or disk runs on the folder's single
 * worker thread ({@link FolderWorker}). Index changes are buffered in the {@link IndexBuffer} and
 * written in one transaction by {@link #flush}, which also sends the acknowledgements and
 * announcements that depend on them: nothing is announced before it is committed.
 *
 * <p><b>Pause</b>: see {@link FolderPause}. <b>Trust</b>: the folder's {@code type} and
 * {@code [folder.accept]} decide whether a remote change is applied ({@link RemoteTrust}); a member
 * that would delete most of the folder halts it ({@link RemoteDeleteGuard}).
 */
public final class FolderSync implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FolderSync.class.getName());
    private final FolderConfig config;
    private final String name;
    private final Path root;
    private final long selfId;
    private final String selfName;
    private final SqliteIndexStore store;
    private final PeerDirectory peers;
    private final Clock clock;
    private final NodeCounters counters;
    private final IgnoreMatcher ignore;
    private final EntryReader reader = new EntryReader(WireCodec.MAX_INLINE);
    private final Applier applier;
    private final FolderWorker worker;
    private final FolderContext context;
    private final IndexBuffer buffer;
    private final SplitBrainLog split;
    private final FolderConflictArchive archive;
    private final ConflictSettler settler;
    private final FolderScans scans;
    private final RemoteApplier remote;
    private final RemoteDeleteGuard deletes;
    private final DigestResponder digests;
    private final ChangeInbox inbox = new ChangeInbox();
    /** Folder verdicts of members waiting for the worker, per member and path (guarded by itself). */
    private final Map<String, LinkedHashMap<String, Message.Announced>> verdicts = new HashMap<>();
    private final FolderPause pause;
    private final PauseMarks pauses;
    private final Problems problems = new Problems();
    private final FolderActions actions;
    private final FolderVersions versions;
    /** Worker only. */
    private boolean flushQueued;
    private volatile int pendingFetches;

    public FolderSync(FolderConfig config, NodeParts node) {
        this.config = config;
        this.name = config.name();
        this.root = config.path();
        this.selfId = node.selfId();
        this.selfName = node.selfName();
        this.store = node.store();
        this.peers = node.peers();
        this.clock = node.clock();
        this.counters = node.counters();
        this.ignore = IgnoreMatcher.compile(config.ignore());
        this.applier = new Applier(root);
        this.pauses = node.pauses();
        this.worker = new FolderWorker(name, pauses.paused(name));
        this.buffer = new IndexBuffer(name, store, peers, config::sharedWith, node.outbox(), clock, counters);
        this.split = new SplitBrainLog(name);
        this.actions = config.actions().isEmpty() ? FolderActions.NONE : new FolderActions(name, root, config.actions(),
                node.workDir().resolve(config.name()), node.scheduler(), System::nanoTime);
        this.context = new FolderContext(name, root, selfId, selfName, store, buffer, applier, clock, counters,
                problems, worker, split, this::ignored, this::scanLater, this::nodeName, node.ioPool(), actions,
                config.type().announces() ? LocalChanges.NONE : LocalChanges.held());
        Reconciler reconciler = new Reconciler(config.conflict(), config.deleteConflict(), selfId, this::priorityRank);
        this.scans = new FolderScans(context, reader, config.settle(), node.scheduler(), this::flush, this::requestFlush);
        this.archive = new FolderConflictArchive(node.workDir().resolveSibling("conflicts").resolve(config.name()), clock,
                split::lastHeal);
        this.versions = new FolderVersions(context, config.versions(), node.workDir().resolveSibling("versions")
                .resolve(name));
        this.remote = new RemoteApplier(context, reconciler, node.fetcher(),
                new FetchQueue.Space(new DiskSpace(root, config.minFree()),
                        (delay, task) -> node.scheduler().schedule(() -> worker.execute(worker.guard("a fetch put off", task::run)),
                                delay.toMillis(), TimeUnit.MILLISECONDS)),
                new ApplyRetries(name, (delay, task) -> node.scheduler().schedule(task, delay.toMillis(),
                        TimeUnit.MILLISECONDS), this::redeliver),
                config.conflictScope() == ConflictScope.FOLDER
                        ? new FolderScopeSettings(config, archive, buffer, store, node.outbox(), this::priorityRank,
                        selfId, peers) : null,
                this::runScript, config.maxConflictCopies(),
                new RemoteTrust(name, config.type(), config.accept(), counters, problems, clock));
        this.deletes = new RemoteDeleteGuard(context, reconciler, scans::haltRemote, remote::applyUpdate,
                config.type().applies());
        scans.holdDeletes(deletes);
        this.pause = new FolderPause(name, worker, pauses, this::flush, scans::rescanUnlessHalted);
        this.digests = new DigestResponder(context, peers, reader, this::flush, () -> scans.halt() != null,
                (delay, task) -> node.scheduler().schedule(() -> worker.execute(task), delay.toMillis(),
                        TimeUnit.MILLISECONDS), new DigestResponder.View(node.members(), config::sharedWith));
        this.settler = new ConflictSettler(new SettlerFolder(context, node.workDir().resolve(config.name()), this::flush),
                buffer, remote.outcomes(), applier, node.fetcher(), config.script() == null ? null
                        : new ConflictScript(config.script(), ConflictScript.DEFAULT_TIMEOUT));
    }

    /** Whether this folder is shared with node {@code node} ({@code [[folder]] nodes}; empty: every node). */
    public boolean sharedWith(String node) {
        return config.sharedWith(node);
    }

    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    /** True for paths the folder does not sync: the node's temp files and the ignore globs. */
    public boolean ignored(String rel, boolean isDirectory) {
        return !rel.equals(RelativePath.ROOT) && (RelativePath.inTempEntry(rel) || ignore.ignored(rel, isDirectory));
    }

    // ================================================================== entry points (any thread)

    /**
     * Removes leftover temp files and runs the first full scan; completes when it is done. A folder
     * paused before the restart stays paused and is not scanned (its resume scans it).
     */
    public CompletableFuture<Long> startScan() {
        return scans.startScan(() -> pauses.since(name).map(t -> " since " + t).orElse(""));
    }

    /** Changes reported by the watcher; they wait in the {@link ChangeInbox} for one drain. */
    public void onChanges(ChangeBatch batch) {
        inbox.changes(batch);
        drainSoon();
    }

    /** Announced records; like changes, they wait in the inbox and are applied in one drain. */
    public void onIndexUpdate(String from, Message.IndexUpdate update) {
        counters.announcementsReceived.incrementAndGet();
        if (!update.files().isEmpty()) {
            digests.holds(from);
        }
        inbox.announced(from, update);
        drainSoon();
    }

    /**
     * A folder verdict {@code from} won against this node ({@code IndexUpdate.verdict}): its
     * versions wait here, per member and path (a newer record replaces the waiting one), for one
     * task on the worker, which takes them as the losing side ({@link RemoteApplier#applyVerdict}).
     * Paused or halted: dropped; the winner sends them again when our old versions reach it again.
     */
    public void onVerdict(String from, Message.IndexUpdate update) {
        counters.announcementsReceived.incrementAndGet();
        boolean queue;
        synchronized (verdicts) {
            LinkedHashMap<String, Message.Announced> waiting = verdicts.get(from);
            queue = waiting == null;
            if (queue) {
                waiting = new LinkedHashMap<>();
                verdicts.put(from, waiting);
            }
            for (Message.Announced a : update.files()) {
                waiting.put(a.record().path(), a);
            }
        }
        if (queue) {
            worker.execute(worker.guard("the folder verdict of " + from, () -> takeVerdict(from)));
        }
    }

    private void takeVerdict(String from) {
        LinkedHashMap<String, Message.Announced> waiting;
        synchronized (verdicts) {
            waiting = verdicts.remove(from);
        }
        if (waiting == null || worker.paused() || scans.halt() != null) {
            return;
        }
        remote.applyVerdict(from, new ArrayList<>(waiting.values()));
        flush();
    }

    /**
     * A version this node failed to apply, handed back by {@link ApplyRetries} as if {@code from}
     * had announced it again (not counted as received).
     */
    private void redeliver(String from, Message.Announced a) {
        inbox.redeliver(from, a);
        drainSoon();
    }

    private void drainSoon() {
        if (inbox.queueDrain()) {
            worker.execute(worker.guard("processing changes", this::drain));
        }
    }

    /** Scans the reported local changes, then applies the announced records, then commits once. */
    private void drain() throws IOException {
        ChangeInbox.Drained d = inbox.take();
        d.acks().forEach((from, byPath) -> {
            buffer.acknowledged(peers.idOf(from), byPath); // also paused or halted
            digests.acknowledged(from, byPath.size()); // paces an index exchange to the member
        });
        if (!worker.paused()) { // paused: local changes are found by the resume's rescan, remote ones by its digest exchange
            scans.scanReported(d);
            d.updates().forEach((from, records) -> {
                Message.IndexUpdate u = new Message.IndexUpdate(name, new ArrayList<>(records.values()),
                        d.inExchange().contains(from), d.exchangeEnded().contains(from));
                if (scans.halt() == null && deletes.admits(from, u)) { // halted: dropped, offered again by anti-entropy
                    remote.applyUpdate(from, u);
                }
            });
        }
        flush(); // paused: the acks
        if (inbox.hasRecords()) {
            drainSoon(); // the records the take left (a bounded share per drain, see ChangeInbox.take); paused: dropped
        }
    }

    /** A member's acknowledgements; like changes, they wait in the inbox and are taken in one drain. */
    public void onAck(String from, Message.Ack ack) {
        int dropped = inbox.acked(from, ack);
        if (dropped > 0) {
            LOG.warning(() -> name + ": dropped " + dropped + " acknowledgements from " + from + " beyond the "
                    + (ChangeInbox.MAX_ACK_BYTES >> 20) + " MiB waiting for the worker (they stay dirty there, offered again)");
        }
        drainSoon();
    }

    /** A member's digest of this folder (see {@link DigestResponder#onDigest}). */
    public void onDigest(String from, Message.FolderDigest digest) {
        digests.onDigest(from, digest);
    }

    /** Offers records dirty toward members for long again (see {@link DigestResponder#pushStaleDirty}). */
    public void pushStaleDirty(Collection<String> members, Instant before, int limit) {
        digests.pushStaleDirty(members, before, limit);
    }

    /** Sends {@code member} the current records of every path dirty toward it. */
    public void pushDirtyTo(String member) {
        digests.pushDirtyTo(member);
    }

    /** The folder's digest, computed by its worker (see {@link DigestResponder#digestLater}). */
    public CompletableFuture<Message.FolderDigest> digestLater() {
        return digests.digestLater();
    }

    /**
     * Rescans now (whole folder, or the given relative paths); returns how many changes were found.
     * Never accepts a mass delete (see {@link FolderScans#check}).
     */
    public CompletableFuture<Long> check(List<String> paths) {
        return scans.check(paths);
    }

    /**
     * Releases a mass-delete halt: a scan's deletes propagate, a member's are applied (see {@link
     * FolderScans#acceptDeletes} and {@link RemoteDeleteGuard}); empty when not halted for a mass delete.
     */
    public CompletableFuture<java.util.OptionalLong> acceptDeletes() {
        return scans.acceptDeletes();
    }

    /** A receive-only folder's local changes go back to the cluster's version ({@link LocalRevert}). */
    public CompletableFuture<Long> revert(List<String> members) {
        return scans.revert(new LocalRevert(context, reader, remote, this::flush), members);
    }

    /** Why the folder is halted (what {@code status} shows), or null when it is not. */
    public String haltReason() {
        HaltReason h = scans.halt();
        return h == null ? null : h.text();
    }

    /** True while the folder is paused on this node. */
    public boolean paused() {
        return worker.paused();
    }

    /** Stops syncing this folder on this node, durably (see the class notes and {@link FolderPause#pause}). */
    public CompletableFuture<Boolean> pause() {
        return pause.pause();
    }

    /** Restarts syncing a paused folder (see {@link FolderPause#resume}); completes once the rescan is done. */
    public CompletableFuture<Boolean> resume() {
        return pause.resume();
    }

    /** Any thread: how far the running full scan has come ({@code status} while the node starts). */
    public io.syncnode.node.control.ScanProgress scanProgress() {
        return scans.progress();
    }

    public StatusView.FolderStatus status() {
        long dirty = store.dirtyCount(name);
        HaltReason h = scans.halt();
        FolderState shown = FolderState.shown(scans.state(), worker.paused(), h != null, dirty, pendingFetches);
        return new StatusView.FolderStatus(name, root.toString(), store.liveCount(name), dirty,
                store.conflicts(name).size(), problems.size(), shown.word(), h == null ? null : h.text(),
                split.lastHeal() == null ? null : split.lastHeal().toString(), split.sinceHeal(),
                problems.listed(StatusView.PROBLEMS_LISTED), actions.status(), config.type().configName(),
                context.local().count(), remote.need(), worker.queued(), versions.status());
    }

    /** The folder's kept versions: listing, restoring, retention ({@link FolderVersions}). */
    public FolderVersions versions() {
        return versions;
    }

    /** Any thread: what this folder still has to fetch from its peers, and the pace. */
    public StatusView.Need need() {
        return remote.need();
    }

    /** Any thread: the worker's current step ends at its next safe point (the node is stopping). */
    public void stopSoon() {
        buffer.stop();
    }

    /**
     * Stops the worker promptly: the step it runs ends at its next safe point (between two
     * entries), the steps still queued are dropped (each is found again: local changes by the
     * next start's full scan, remote ones by the members' dirty entries toward this node; finished
     * transfers' temp files are removed at the next start), callers waiting on them are told the
     * node is stopping, then what is buffered is committed.
     */
    @Override
    public void close() {
        stopSoon();
        worker.close(() -> {
            try {
                remote.discardPartials();
                flush();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + ": last index flush failed; the next start rescans", e);
            }
        });
        settler.close();
        actions.close();
        worker.awaitEnd();
    }

    // ================================================================== worker steps

    /** A step of work on the folder worker. */
    interface Step {
        void run() throws Exception;
    }

    /** Queues a flush behind the work already queued, so that bursts share one transaction. */
    private void requestFlush() {
        if (!flushQueued) {
            flushQueued = true;
            worker.execute(worker.guard("writing the index", this::flush));
        }
    }

    private void flush() {
        flushQueued = false;
        remote.finishApplies();
        buffer.flush();
        pendingFetches = remote.pendingFetches();
    }

    /** Open conflicts of this folder. */
    public List<StoredConflict> conflicts() {
        return store.conflicts(name);
    }

    /** Settles the open conflict of {@code path} ({@link ConflictSettler#resolve}: keep local, remote or NODE). */
    public CompletableFuture<Void> resolve(String path, String keep) {
        return settler.resolve(path, keep);
    }

    /** This node's tree wins the folder over {@code theirs}, the members' records ({@link FolderOverride}). */
    public CompletableFuture<FolderOverride.Result> override(List<List<FileRecord>> theirs) {
        return FolderOverride.submit(context, config.type(), theirs, this::flush);
    }

    /** Runs the folder's script for an open conflict this node is to settle (worker thread). */
    private void runScript(StoredConflict c) {
        settler.runScript(c);
    }

    /** Whole-folder conflicts settled on this node: the saved losing versions. */
    public FolderConflictArchive folderConflicts() {
        return archive;
    }

    private String nodeName(long id) {
        return id == selfId ? selfName : peers.nameOf(id);
    }

    /** A node's place in the folder's {@code priority} list: 0 first, unlisted last. */
    private int priorityRank(Long id) {
        int i = config.priority().indexOf(nodeName(id));
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    /** A partition healed: from now on the concurrent paths met are counted for the heal's report. */
    public void partitionHealed() {
        split.healed(clock.instant());
        worker.execute(worker.guard("noting the heal", remote::healed));
    }

    /** Rescans {@code rel} soon: a source found it changed while serving it (re-announced), FolderContext.scanLater. */
    public void scanLater(String rel) {
        scans.scanLater(rel);
    }
}
