package io.syncnode.node.engine;

import io.syncnode.config.FolderConfig;
import io.syncnode.node.apply.Applier;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.conflict.ConflictScript;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.node.watch.ChangeBatch;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.IgnoreMatcher;
import io.syncnode.protocol.Reconciler;
import io.syncnode.protocol.RelativePath;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps one folder in sync: scans local changes into versioned records and announces them;
 * reconciles announced records against the index and applies the plans (fetching content when it
 * cannot be found locally); answers acknowledgements and digests.
 *
 * <p>Everything that reads-then-writes this folder's index or disk runs on the folder's single
 * worker thread. Index changes are buffered in {@link #pending} (reads see them through
 * {@link #current}) and written in one transaction by {@link #flush}, which also sends the
 * acknowledgements and announcements that depend on them: nothing is announced before it is
 * committed.
 *
 * <p><b>Pause.</b> A paused folder ({@link #pause}, kept across restarts by {@link PauseMarks})
 * neither scans and announces local changes nor applies remote ones: watcher events, periodic
 * rescans and announcements are dropped; digests of other members are not answered and this
 * node's digest leaves the folder out, so members keep their dirty entries toward this node (it
 * acknowledges nothing). Transfers already running finish into their temp files, but their
 * commits (and those of conflict scripts) wait until {@link #resume}, which re-checks that they
 * are still current (a node stopped meanwhile removes those temp files at its next start). Serving fetches to other members goes on: the source only serves content
 * whose stat signature still equals the index's, i.e. versions announced before the pause, and
 * aborts ({@code SOURCE_CHANGED}) on anything changed since. {@link #resume} rescans the whole
 * folder (the stat signatures make it cheap), which finds and announces what changed meanwhile;
 * the composition root then starts a digest exchange, which brings what the members changed.
 */
public final class FolderSync implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FolderSync.class.getName());
    private final FolderConfig config;
    private final String name;
    private final Path root;
    private final long selfId;
    private final SqliteIndexStore store;
    private final PeerDirectory peers;
    private final Outbox outbox;
    private final Fetcher fetcher;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final NodeCounters counters;
    private final IgnoreMatcher ignore;
    private final EntryReader reader = new EntryReader(WireCodec.MAX_INLINE);
    private final Applier applier;
    private final ThreadPoolExecutor worker;

    private final IndexBuffer buffer;
    private final SplitBrainLog split;
    private final String selfName;
    private final Path workDir;
    private final FolderConflictArchive archive;
    private final ConflictSettler settler;
    private final LocalScanner scanner;
    private final RemoteApplier remote;
    private boolean flushQueued;
    private final Inbox inbox = new Inbox();

    private final PauseMarks pauses;
    /** Set and cleared on the worker; read anywhere. */
    private volatile boolean paused;
    /** Remote-side work (transfer commits, script answers) that arrived while paused. Worker only. */
    private final List<Runnable> held = new ArrayList<>();
    /** The worker, except that remote-side work waits in {@link #held} while the folder is paused. */
    private final java.util.concurrent.Executor remoteSide;

    private volatile String state = "scanning";
    private volatile int pendingFetches;
    private volatile String problem;
    private final Map<String, String> problems = new java.util.concurrent.ConcurrentHashMap<>();

    public FolderSync(FolderConfig config, long selfId, String selfName, Path workDir, SqliteIndexStore store, PeerDirectory peers, Outbox outbox,
                      Fetcher fetcher, ScheduledExecutorService scheduler, Clock clock, NodeCounters counters,
                      java.util.concurrent.Executor ioPool, PauseMarks pauses) {
        this.config = config;
        this.name = config.name();
        this.root = config.path();
        this.selfId = selfId;
        this.selfName = selfName;
        this.workDir = workDir.resolve(config.name());
        this.store = store;
        this.peers = peers;
        this.outbox = outbox;
        this.fetcher = fetcher;
        this.scheduler = scheduler;
        this.clock = clock;
        this.counters = counters;
        this.ignore = IgnoreMatcher.compile(config.ignore());
        this.applier = new Applier(root);
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "folder-" + config.name());
            t.setDaemon(true);
            return t;
        });
        this.pauses = pauses;
        this.paused = pauses.paused(name);
        this.remoteSide = r -> worker.execute(() -> {
            if (paused) {
                held.add(r);
            } else {
                r.run();
            }
        });
        this.buffer = new IndexBuffer(name, store, peers, config::sharedWith, outbox, clock, counters);
        this.scanner = new LocalScanner(name, root, selfId, store, buffer, applier, reader, this::ignored, clock,
                problems, new ChangingEntries(config.settle(), problems, this::scanAfter), this::halt);
        this.split = new SplitBrainLog(name);
        this.archive = new FolderConflictArchive(workDir.resolveSibling("conflicts").resolve(config.name()), clock,
                split::lastHeal);
        this.remote = new RemoteApplier(name, buffer, store, applier,
                new Reconciler(config.conflict(), config.deleteConflict(), selfId, this::priorityRank), fetcher,
                remoteSide, this::guard, this::ignored, this::scanLater, problems, counters, split, this::runScript,
                this::nodeName, clock, config.maxConflictCopies(), selfId, ioPool,
                config.conflictScope() == io.syncnode.protocol.ConflictScope.FOLDER ? new FolderScopeSettings() : null,
                new FetchQueue.Space(new io.syncnode.node.fetch.DiskSpace(root, config.minFree()),
                        (delay, task) -> scheduler.schedule(() -> worker.execute(guard("a fetch put off", task::run)),
                                delay.toMillis(), TimeUnit.MILLISECONDS)),
                new ApplyRetries(name, (delay, task) -> scheduler.schedule(task, delay.toMillis(),
                        TimeUnit.MILLISECONDS), this::redeliver));
        this.settler = new ConflictSettler(new SettlerView(), buffer, remote, applier, fetcher,
                config.script() == null ? null : new ConflictScript(config.script(), ConflictScript.DEFAULT_TIMEOUT));
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
        if (rel.equals(RelativePath.ROOT)) {
            return false;
        }
        return Applier.isTempName(RelativePath.name(rel)) || ignore.ignored(rel, isDirectory);
    }

    /** Watcher-side filter: the type is unknown there, so a path ignored either way is skipped. */
    public boolean ignoredAnyType(String rel) {
        return ignored(rel, false) || ignored(rel, true);
    }

    // ================================================================== entry points (any thread)

    /**
     * Removes leftover temp files and runs the first full scan; completes when it is done. A folder
     * paused before the restart stays paused and is not scanned (its resume scans it).
     */
    public CompletableFuture<Long> startScan() {
        return submit(() -> {
            int removed = applier.removeLeftoverTemps();
            if (removed > 0) {
                LOG.info(() -> name + ": removed " + removed + " temp files left by an interrupted apply");
            }
            JournalRecovery.recover(name, store, buffer, applier, reader);
            if (paused) {
                LOG.warning(() -> name + ": paused" + pauses.since(name).map(t -> " since " + t).orElse("")
                        + " (kept across the restart): not syncing it until `syncnode resume " + name + "`");
                return 0L;
            }
            return fullScan(true);
        });
    }

    /**
     * Changes reported by the watcher. They pile up in an inbox drained by one worker task, so a
     * burst that arrives while the worker is busy is scanned, committed and announced together.
     */
    public void onChanges(ChangeBatch batch) {
        synchronized (inbox) {
            inbox.rescanAll |= batch.rescanAll();
            inbox.paths.addAll(batch.paths());
            inbox.recursive.addAll(batch.recursivePaths());
        }
        drainSoon();
    }

    /** Announced records; like changes, they wait in the inbox and are applied in one drain. */
    public void onIndexUpdate(String from, Message.IndexUpdate update) {
        counters.announcementsReceived.incrementAndGet();
        synchronized (inbox) {
            LinkedHashMap<String, Message.Announced> records = inbox.updates.computeIfAbsent(from,
                    k -> new LinkedHashMap<>());
            for (Message.Announced a : update.files()) {
                Message.Announced before = records.remove(a.record().path());
                if (before != null && a.inlineContent() == null && before.inlineContent() != null
                        && !a.record().deleted() && a.record().hash() != null
                        && a.record().hash().equals(before.record().hash())) {
                    // the same content again without it (a repeated index exchange): keep the bytes
                    a = new Message.Announced(a.record(), before.inlineContent());
                }
                records.put(a.record().path(), a); // a later record of the same path replaces an earlier one
            }
            if (update.full() && update.last()) {
                inbox.exchangeEnded.add(from);
            }
        }
        drainSoon();
    }

    /**
     * A version this node failed to apply, handed back by {@link ApplyRetries} as if {@code from}
     * had announced it again (not counted as received).
     */
    private void redeliver(String from, Message.Announced a) {
        synchronized (inbox) {
            inbox.updates.computeIfAbsent(from, k -> new LinkedHashMap<>()).putIfAbsent(a.record().path(), a);
        }
        drainSoon();
    }

    /** What arrived for the worker since its last drain. Guarded by itself. */
    private static final class Inbox {
        boolean rescanAll;
        final Set<String> paths = new LinkedHashSet<>();
        final Set<String> recursive = new LinkedHashSet<>();
        final Map<String, LinkedHashMap<String, Message.Announced>> updates = new LinkedHashMap<>();
        final Set<String> exchangeEnded = new LinkedHashSet<>();
        boolean drainQueued;
    }

    private void drainSoon() {
        synchronized (inbox) {
            if (inbox.drainQueued) {
                return;
            }
            inbox.drainQueued = true;
        }
        worker.execute(guard("processing changes", this::drain));
    }

    /** Scans the reported local changes, then applies the announced records, then commits once. */
    private void drain() throws IOException {
        boolean rescanAll;
        List<String> paths;
        List<String> recursive;
        Map<String, LinkedHashMap<String, Message.Announced>> updates;
        Set<String> ended;
        synchronized (inbox) {
            inbox.drainQueued = false;
            rescanAll = inbox.rescanAll;
            paths = new ArrayList<>(inbox.paths);
            recursive = new ArrayList<>(inbox.recursive);
            updates = new LinkedHashMap<>(inbox.updates);
            ended = new LinkedHashSet<>(inbox.exchangeEnded);
            inbox.exchangeEnded.clear();
            inbox.rescanAll = false;
            inbox.paths.clear();
            inbox.recursive.clear();
            inbox.updates.clear();
        }
        if (paused) {
            return; // local changes are found by the resume's rescan, remote ones by its digest exchange
        }
        if (problem != null) {
            // halted: nothing local propagates until the cause is fixed (restart) or accepted (check)
        } else if (rescanAll) {
            fullScan(true);
        } else {
            for (String p : recursive) {
                scanner.scanTree(p);
            }
            for (String p : paths) {
                if (!recursive.contains(p)) {
                    scanner.scanPath(p);
                }
            }
            scanner.scanParents();
        }
        if (problem == null) {
            updates.forEach((from, records) -> remote.applyUpdate(from,
                    new Message.IndexUpdate(name, new ArrayList<>(records.values()), ended.contains(from),
                            ended.contains(from))));
        }
        flush();
    }

    public void onAck(String from, Message.Ack ack) {
        worker.execute(guard("acknowledgement from " + from, () -> {
            Long peer = peers.idOf(from);
            if (peer == null) {
                return;
            }
            for (Message.AckEntry e : ack.entries()) {
                StoredFile cur = buffer.current(e.path());
                if (cur != null && e.version().covers(cur.record().version())) {
                    buffer.clearDirty(e.path(), peer);
                }
            }
            flush();
        }));
    }

    /** A member's digest of this folder: if it differs, send it our whole index; then its dirty entries. */
    public void onDigest(String from, Message.FolderDigest digest) {
        worker.execute(guard("digest from " + from, () -> {
            if (paused) {
                return; // the member keeps its dirty entries toward this node; the resume asks again
            }
            flush();
            if (!Arrays.equals(digest.digest(), store.digest(name))) {
                // a member with no entries at all (a new replica) lacks every file: small ones go
                // inline, once per minute and member (the digests repeat while it catches up)
                Instant now = clock.instant();
                Instant last = inlinedTo.get(from);
                boolean inline = digest.records() == 0 && (last == null || now.isAfter(last.plus(INLINE_AGAIN_AFTER)));
                if (inline) {
                    inlinedTo.put(from, now);
                }
                LOG.fine(() -> name + ": index differs from " + from + "'s; sending ours"
                        + (inline ? " with small files inline" : ""));
                List<Message.Announced> all = new ArrayList<>();
                store.forEach(name, f -> all.add(new Message.Announced(f.record(), null)));
                buffer.send(from, all, true, inline ? this::currentContent : null);
            }
            pushDirty(from);
        }));
    }

    /** How long after sending a member its index with inline content a new digest of it gets records only. */
    static final java.time.Duration INLINE_AGAIN_AFTER = java.time.Duration.ofMinutes(1);
    /** Members sent the index with inline content, and when (worker only). */
    private final Map<String, Instant> inlinedTo = new java.util.HashMap<>();

    /**
     * The content of a small regular file as its record describes it, read now; null when it is
     * not one, or the file no longer matches the record (the receiver fetches it then).
     */
    private byte[] currentContent(FileRecord r) {
        if (r.deleted() || r.type() != FileType.REGULAR || r.size() > WireCodec.MAX_INLINE || r.hardLink() != null) {
            return null;
        }
        try {
            Optional<io.syncnode.node.scan.DiskEntry> e = reader.read(applier.resolve(r.path()), r.path());
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
    public void pushStaleDirty(java.util.Collection<String> members, Instant before, int limit) {
        worker.execute(guard("offering stale dirty entries again", () -> {
            if (paused || problem != null) {
                return;
            }
            for (String member : members) {
                Long id = peers.idOf(member);
                if (id == null) {
                    continue;
                }
                List<Message.Announced> stale = new ArrayList<>();
                for (StoredFile f : store.staleDirtyRecordsFor(id, name, before, limit)) {
                    stale.add(new Message.Announced(f.record(), null));
                }
                if (!stale.isEmpty()) {
                    LOG.fine(() -> name + ": offering " + stale.size() + " record(s) dirty toward " + member
                            + " for long again");
                    buffer.send(member, stale, false);
                }
            }
        }));
    }

    /** Sends {@code member} the current records of every path dirty toward it. */
    public void pushDirtyTo(String member) {
        worker.execute(guard("pushing dirty entries to " + member, () -> pushDirty(member)));
    }

    /**
     * The folder's digest, computed by its worker after the work queued before (so it includes the
     * changes scanned so far). Nobody waits on it: the caller sends it when it completes.
     */
    public CompletableFuture<Message.FolderDigest> digestLater() {
        return submit(() -> {
            flush();
            return new Message.FolderDigest(name, store.digest(name), store.liveCount(name));
        });
    }

    /** Rescans now (whole folder, or the given relative paths); returns how many changes were found. */
    public CompletableFuture<Long> check(List<String> paths) {
        return submit(() -> {
            if (paused) {
                throw new IllegalStateException("folder " + name + " is paused on this node; `syncnode resume "
                        + name + "` rescans it");
            }
            if (paths.isEmpty()) {
                if (problem != null && problem.startsWith("a scan found")) {
                    LOG.warning(() -> name + ": the operator accepts the deletes; resuming");
                    problem = null;
                }
                return fullScan(false);
            }
            long before = counters.recordsAnnounced.get();
            for (String p : paths) {
                RelativePath.validate(p);
                scanner.scanTree(p);
            }
            scanner.scanParents();
            flush();
            return counters.recordsAnnounced.get() - before;
        });
    }

    /** True while the folder is paused on this node. */
    public boolean paused() {
        return paused;
    }

    /**
     * Stops syncing this folder on this node (see the class notes), durably: it stays paused across
     * restarts until {@link #resume}. What was scanned or applied before is committed and announced
     * first. Completes with false when the folder was paused already.
     */
    public CompletableFuture<Boolean> pause() {
        return submit(() -> {
            if (paused) {
                return false;
            }
            flush();
            pauses.mark(name);
            paused = true;
            LOG.info(() -> name + ": paused: local changes are not announced and remote ones not applied"
                    + " until `syncnode resume " + name + "`");
            return true;
        });
    }

    /**
     * Restarts syncing a paused folder: removes the pause mark, rescans the whole folder (what
     * changed while paused is announced and marked dirty), then commits the transfers that finished
     * meanwhile if they are still current. Completes, with false when the folder was not paused,
     * once the rescan is done; the caller then starts a digest exchange with the members.
     */
    public CompletableFuture<Boolean> resume() {
        return submit(() -> {
            if (!paused) {
                return false;
            }
            pauses.clear(name);
            paused = false;
            LOG.info(() -> name + ": resumed: rescanning, then exchanging digests with the members");
            try {
                if (problem == null) {
                    fullScan(true);
                }
            } finally {
                List<Runnable> release = new ArrayList<>(held);
                held.clear();
                release.forEach(Runnable::run);
                flush();
            }
            return true;
        });
    }

    public StatusView.FolderStatus status() {
        long dirty = store.dirtyCount(name);
        String s = paused ? "paused" : problem != null ? "halted" : state;
        if (!paused && problem == null && "idle".equals(s) && (dirty > 0 || pendingFetches > 0)) {
            s = "syncing";
        }
        List<StatusView.PathProblem> listed = new java.util.TreeMap<>(problems).entrySet().stream()
                .limit(StatusView.PROBLEMS_LISTED).map(e -> new StatusView.PathProblem(e.getKey(), e.getValue())).toList();
        return new StatusView.FolderStatus(name, root.toString(), store.liveCount(name), dirty,
                store.conflicts(name).size(), problems.size(), s, problem,
                split.lastHeal() == null ? null : split.lastHeal().toString(), split.sinceHeal(), listed);
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
        List<Runnable> dropped = new ArrayList<>();
        worker.getQueue().drainTo(dropped);
        for (Runnable r : dropped) {
            if (r instanceof Job<?> job) {
                job.refuse();
            }
        }
        if (!dropped.isEmpty()) {
            LOG.info(() -> name + ": stopping: " + dropped.size() + " queued steps dropped (found again after the restart)");
        }
        worker.execute(() -> {
            try {
                remote.discardPartials();
                flush();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + ": last index flush failed; the next start rescans", e);
            }
        });
        worker.shutdown();
        settler.close();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ================================================================== worker plumbing

    private interface Work<T> {
        T run() throws Exception;
    }

    private <T> CompletableFuture<T> submit(Work<T> work) {
        Job<T> job = new Job<>(work);
        worker.execute(job);
        return job.result;
    }

    /** A step whose caller waits for its result. */
    private final class Job<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Work<T> work;

        Job(Work<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            try {
                result.complete(work.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }

        void refuse() {
            result.completeExceptionally(new IllegalStateException("folder " + name + ": the node is stopping"));
        }
    }

    /** A step of work on the folder worker. */
    interface Step {
        void run() throws Exception;
    }

    /** Wraps a step so that a failure is logged with its context and the worker goes on. */
    private Runnable guard(String what, Step step) {
        return () -> {
            try {
                step.run();
            } catch (IndexBuffer.Stopping e) {
                LOG.fine(() -> name + ": " + what + " ended early: the node is stopping");
            } catch (Exception | Error e) {
                LOG.log(Level.WARNING, name + ": " + what + " failed; the next rescan or digest exchange retries", e);
            }
        };
    }

    /**
     * Full scan of the folder (state "scanning" meanwhile); returns how many changes it announced.
     * {@code guarded}: an automatic scan, which halts rather than delete most of the folder.
     */
    private long fullScan(boolean guarded) throws IOException {
        state = "scanning";
        counters.rescans.incrementAndGet();
        long before = counters.recordsAnnounced.get();
        try {
            scanner.fullScan(guarded);
        } finally {
            state = "idle";
        }
        return counters.recordsAnnounced.get() - before;
    }

    private void halt(String why) {
        if (!why.equals(problem)) {
            LOG.severe(name + ": halted: " + why);
        }
        problem = why;
    }

    private void scanAfter(String rel, java.time.Duration delay) {
        scheduler.schedule(() -> scanLater(rel), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scanLater(String rel) {
        worker.execute(guard("rescanning " + rel, () -> {
            if (paused) {
                return; // the resume's full rescan finds it
            }
            scanner.scanPath(rel);
            scanner.scanParents();
            requestFlush();
        }));
    }

    /** Queues a flush behind the work already queued, so that bursts share one transaction. */
    private void requestFlush() {
        if (!flushQueued) {
            flushQueued = true;
            worker.execute(guard("writing the index", this::flush));
        }
    }

    private void flush() {
        flushQueued = false;
        remote.finishApplies();
        buffer.flush();
        settled();
    }

    private void settled() {
        pendingFetches = remote.pendingFetches();
    }

    private void pushDirty(String member) {
        Long id = peers.idOf(member);
        if (id == null || paused) {
            return;
        }
        List<Message.Announced> dirty = new ArrayList<>();
        for (StoredFile f : store.dirtyRecordsFor(id, name)) {
            dirty.add(new Message.Announced(f.record(), null));
        }
        if (!dirty.isEmpty()) {
            buffer.send(member, dirty, false);
        }
    }

    /** Serving side: where the content with {@code hash} at {@code path} is, if the index still says so. */
    public Optional<io.syncnode.node.fetch.TransferSource.Served> served(String path, ContentHash hash) {
        Optional<StoredFile> f = store.get(name, path)
                .filter(s -> !s.record().deleted() && s.stat() != null && hash.equals(s.record().hash()));
        if (f.isEmpty()) {
            f = store.findLiveByHash(name, hash);
        }
        return f.map(s -> new io.syncnode.node.fetch.TransferSource.Served(
                io.syncnode.node.os.PathBytes.under(root, s.record().path()), s.stat()));
    }

    // ================================================================== open conflicts

    /** Open conflicts of this folder. */
    public List<StoredConflict> conflicts() {
        return store.conflicts(name);
    }

    /**
     * Settles the open conflict of {@code path}: {@code keep} is "local", "remote", or the name of
     * the node whose version wins (see {@link ConflictSettler#resolve}).
     */
    public CompletableFuture<Void> resolve(String path, String keep) {
        return settler.resolve(path, keep);
    }

    /** Runs the folder's script for an open conflict this node is to settle (worker thread). */
    private void runScript(StoredConflict c) {
        settler.runScript(c);
    }

    /** What the conflict settler sees of this folder. */
    private final class SettlerView implements ConflictSettler.Folder {
        @Override
        public String name() {
            return name;
        }

        @Override
        public String selfName() {
            return selfName;
        }

        @Override
        public Path root() {
            return root;
        }

        @Override
        public Path workDir() {
            return workDir;
        }

        @Override
        public boolean paused() {
            return paused;
        }

        @Override
        public java.util.concurrent.Executor worker() {
            return worker;
        }

        @Override
        public java.util.concurrent.Executor remoteSide() {
            return remoteSide;
        }

        @Override
        public Runnable guard(String what, Step step) {
            return FolderSync.this.guard(what, step);
        }

        @Override
        public void flush() {
            FolderSync.this.flush();
        }

        @Override
        public String nodeName(long id) {
            return FolderSync.this.nodeName(id);
        }
    }

    /** Folder-scope conflicts: the verdict, where losers are saved, and exchange requests. */
    private final class FolderScopeSettings implements RemoteApplier.FolderScope {
        @Override
        public boolean localSideWins(List<FileRecord> local, List<FileRecord> remote) {
            return io.syncnode.protocol.FolderVerdict.localWins(config.conflict(), local, remote,
                    FolderSync.this::priorityRank);
        }

        @Override
        public Path saveDir(String winner) throws IOException {
            return archive.newSaveDir(winner);
        }

        /** Our digest, by unicast: it differs, so the member answers with its whole index. */
        @Override
        public void requestExchange(String member) {
            buffer.flush();
            outbox.send(member, new Message.Digest(List.of(
                    new Message.FolderDigest(name, store.digest(name), store.liveCount(name)))));
        }
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
    }

    /** The source found a file changed while serving it: rescan (which re-announces it). */
    public void sourceChanged(String path) {
        scanLater(path);
    }
}
