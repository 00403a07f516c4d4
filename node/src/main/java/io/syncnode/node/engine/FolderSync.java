package io.syncnode.node.engine;

import io.syncnode.config.FolderConfig;
import io.syncnode.node.apply.Applier;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
    private final ExecutorService worker;

    private final IndexBuffer buffer;
    private final LocalScanner scanner;
    private final RemoteApplier remote;
    private boolean flushQueued;

    private volatile String state = "scanning";
    private volatile int pendingFetches;
    private volatile String problem;
    private final Map<String, String> problems = new java.util.concurrent.ConcurrentHashMap<>();

    public FolderSync(FolderConfig config, long selfId, SqliteIndexStore store, PeerDirectory peers, Outbox outbox,
                      Fetcher fetcher, ScheduledExecutorService scheduler, Clock clock, NodeCounters counters) {
        this.config = config;
        this.name = config.name();
        this.root = config.path();
        this.selfId = selfId;
        this.store = store;
        this.peers = peers;
        this.outbox = outbox;
        this.fetcher = fetcher;
        this.scheduler = scheduler;
        this.clock = clock;
        this.counters = counters;
        this.ignore = IgnoreMatcher.compile(config.ignore());
        this.applier = new Applier(root);
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "folder-" + config.name());
            t.setDaemon(true);
            return t;
        });
        this.buffer = new IndexBuffer(name, store, peers, outbox, clock, counters);
        this.scanner = new LocalScanner(name, root, selfId, store, buffer, applier, reader, this::ignored, clock,
                problems, this::retryLater, this::halt);
        this.remote = new RemoteApplier(name, buffer, store, applier,
                new Reconciler(config.conflict(), config.deleteConflict()), fetcher, worker, this::guard,
                this::ignored, this::scanLater, problems, counters);
    }

    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    /** True for paths the folder does not sync: the node's temp files and the ignore globs. */
    public boolean ignored(String rel, boolean isDirectory) {
        return Applier.isTempName(RelativePath.name(rel)) || ignore.ignored(rel, isDirectory);
    }

    /** Watcher-side filter: the type is unknown there, so a path ignored either way is skipped. */
    public boolean ignoredAnyType(String rel) {
        return ignored(rel, false) || ignored(rel, true);
    }

    // ================================================================== entry points (any thread)

    /** Removes leftover temp files and runs the first full scan; completes when it is done. */
    public CompletableFuture<Long> startScan() {
        return submit(() -> {
            int removed = applier.removeLeftoverTemps();
            if (removed > 0) {
                LOG.info(() -> name + ": removed " + removed + " temp files left by an interrupted apply");
            }
            return fullScan();
        });
    }

    public void onChanges(ChangeBatch batch) {
        worker.execute(guard("scanning changes", () -> {
            if (batch.rescanAll()) {
                fullScan();
                return;
            }
            for (String p : batch.recursivePaths()) {
                scanner.scanTree(p);
            }
            for (String p : batch.paths()) {
                if (!batch.recursivePaths().contains(p)) {
                    scanner.scanPath(p);
                }
            }
            flush();
        }));
    }

    public void onIndexUpdate(String from, Message.IndexUpdate update) {
        counters.announcementsReceived.incrementAndGet();
        worker.execute(guard("applying records from " + from, () -> {
            if (problem == null) {
                remote.applyUpdate(from, update);
                settled();
            }
        }));
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
            flush();
            if (!Arrays.equals(digest.digest(), store.digest(name))) {
                LOG.fine(() -> name + ": index differs from " + from + "'s; sending ours");
                List<Message.Announced> all = new ArrayList<>();
                store.forEach(name, f -> all.add(new Message.Announced(f.record(), null)));
                buffer.send(from, all, true);
            }
            pushDirty(from);
        }));
    }

    /** Sends {@code member} the current records of every path dirty toward it. */
    public void pushDirtyTo(String member) {
        worker.execute(guard("pushing dirty entries to " + member, () -> pushDirty(member)));
    }

    public Message.FolderDigest digest() {
        try {
            return submit(() -> {
                flush();
                return new Message.FolderDigest(name, store.digest(name), store.liveCount(name));
            }).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(name + ": computing the digest failed", e);
        }
    }

    /** Rescans now (whole folder, or the given relative paths); returns how many changes were found. */
    public CompletableFuture<Long> check(List<String> paths) {
        return submit(() -> {
            if (paths.isEmpty()) {
                return fullScan();
            }
            long before = counters.recordsAnnounced.get();
            for (String p : paths) {
                RelativePath.validate(p);
                scanner.scanTree(p);
            }
            flush();
            return counters.recordsAnnounced.get() - before;
        });
    }

    public StatusView.FolderStatus status() {
        long dirty = store.dirtyCount(name);
        String s = problem != null ? "halted" : state;
        if (problem == null && "idle".equals(s) && (dirty > 0 || pendingFetches > 0)) {
            s = "syncing";
        }
        return new StatusView.FolderStatus(name, root.toString(), store.liveCount(name), dirty, 0,
                problems.size(), s, problem);
    }

    @Override
    public void close() {
        worker.execute(() -> {
            try {
                flush();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + ": last index flush failed; the next start rescans", e);
            }
        });
        worker.shutdown();
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
        CompletableFuture<T> f = new CompletableFuture<>();
        worker.execute(() -> {
            try {
                f.complete(work.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
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
            } catch (Exception | Error e) {
                LOG.log(Level.WARNING, name + ": " + what + " failed; the next rescan or digest exchange retries", e);
            }
        };
    }

    /** Full scan of the folder (state "scanning" meanwhile); returns how many changes it announced. */
    private long fullScan() throws IOException {
        state = "scanning";
        counters.rescans.incrementAndGet();
        long before = counters.recordsAnnounced.get();
        try {
            scanner.fullScan();
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

    private void retryLater(String rel) {
        long delay = Math.max(50, config.settle().toMillis());
        scheduler.schedule(() -> scanLater(rel), delay, TimeUnit.MILLISECONDS);
    }

    private void scanLater(String rel) {
        worker.execute(guard("rescanning " + rel, () -> {
            scanner.scanPath(rel);
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
        buffer.flush();
        settled();
    }

    private void settled() {
        pendingFetches = remote.pendingFetches();
    }

    private void pushDirty(String member) {
        Long id = peers.idOf(member);
        if (id == null) {
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
        return f.map(s -> new io.syncnode.node.fetch.TransferSource.Served(root.resolve(s.record().path()), s.stat()));
    }

    /** The source found a file changed while serving it: rescan (which re-announces it). */
    public void sourceChanged(String path) {
        scanLater(path);
    }
}
