package io.syncnode.node.engine;

import io.syncnode.config.FolderConfig;
import io.syncnode.node.apply.Applier;
import io.syncnode.node.apply.LocalChangedException;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.fetch.FetchFailedException;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.DiskEntry;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.node.watch.ChangeBatch;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.IgnoreMatcher;
import io.syncnode.protocol.Plan;
import io.syncnode.protocol.Reconciler;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private static final int FLUSH_AT = 2000;
    private static final int ANNOUNCE_BATCH = 1000;
    private static final int ANNOUNCE_INLINE_BYTES = 1 << 20;
    private static final int MAX_ACTIVE_FETCHES = 16;

    /**
     * One buffered index change. {@code remote}: a version taken from a peer; its author's outbox
     * delivers it, so this node's older dirty entries for the path are dropped (no peer would ever
     * acknowledge them to this node: they stayed dirty forever).
     */
    private record Put(FileRecord record, StatSignature stat, boolean markDirty, String exceptPeer, byte[] inline,
                       boolean remote) {
        Put(FileRecord record, StatSignature stat, boolean markDirty, String exceptPeer, byte[] inline) {
            this(record, stat, markDirty, exceptPeer, inline, false);
        }
    }

    private final FolderConfig config;
    private final String name;
    private final Path root;
    private final long selfId;
    private final SqliteIndexStore store;
    private final PeerDirectory peers;
    private final Outbox outbox;
    private final Fetcher fetcher;
    private final Reconciler reconciler;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final NodeCounters counters;
    private final IgnoreMatcher ignore;
    private final EntryReader reader = new EntryReader(WireCodec.MAX_INLINE);
    private final Applier applier;
    private final ExecutorService worker;

    // worker-thread state
    private final LinkedHashMap<String, Put> pending = new LinkedHashMap<>();
    private final Map<String, List<Message.AckEntry>> pendingAcks = new HashMap<>();
    private final List<String[]> pendingClears = new ArrayList<>();
    private boolean flushQueued;
    private final Map<String, FileRecord> fetching = new HashMap<>();
    private final ArrayDeque<Runnable> fetchQueue = new ArrayDeque<>();
    private int activeFetches;
    private Long rootDevice;

    private volatile String state = "scanning";
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
        this.reconciler = new Reconciler(config.conflict(), config.deleteConflict());
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
                scanTree(p);
            }
            for (String p : batch.paths()) {
                if (!batch.recursivePaths().contains(p)) {
                    scanPath(p);
                }
            }
            flush();
        }));
    }

    public void onIndexUpdate(String from, Message.IndexUpdate update) {
        counters.announcementsReceived.incrementAndGet();
        worker.execute(guard("applying records from " + from, () -> applyUpdate(from, update)));
    }

    public void onAck(String from, Message.Ack ack) {
        worker.execute(guard("acknowledgement from " + from, () -> {
            Long peer = peers.idOf(from);
            if (peer == null) {
                return;
            }
            for (Message.AckEntry e : ack.entries()) {
                StoredFile cur = current(e.path());
                if (cur != null && e.version().covers(cur.record().version())) {
                    pendingClears.add(new String[] {e.path(), Long.toString(peer)});
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
                sendIndex(from, allRecords(), true);
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
                scanTree(p);
            }
            flush();
            return counters.recordsAnnounced.get() - before;
        });
    }

    public StatusView.FolderStatus status() {
        long dirty = store.dirtyCount(name);
        String s = problem != null ? "halted" : state;
        if (problem == null && "idle".equals(s) && (dirty > 0 || fetcher.openTransfers() > 0)) {
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

    // ================================================================== scanning (worker)

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

    private interface Step {
        void run() throws Exception;
    }

    private Runnable guard(String what, Step step) {
        return () -> {
            try {
                step.run();
            } catch (Exception | Error e) {
                LOG.log(Level.WARNING, name + ": " + what + " failed; the next rescan or digest exchange retries", e);
            }
        };
    }

    /** Full scan: every entry on disk, then tombstones for indexed entries no longer there. */
    long fullScan() throws IOException {
        if (!checkRoot()) {
            return 0;
        }
        state = "scanning";
        counters.rescans.incrementAndGet();
        long before = counters.recordsAnnounced.get();
        Set<String> seen = new HashSet<>();
        walk("", seen);
        flush();
        List<StoredFile> gone = new ArrayList<>();
        store.forEach(name, f -> {
            if (!f.record().deleted() && !seen.contains(f.record().path())) {
                gone.add(f);
            }
        });
        for (StoredFile f : gone) {
            if (!ignored(f.record().path(), f.record().type() == FileType.DIRECTORY)) {
                tombstone(f);
            }
        }
        flush();
        state = "idle";
        return counters.recordsAnnounced.get() - before;
    }

    /** The folder halts instead of propagating deletes when its root vanished or changed device. */
    private boolean checkRoot() throws IOException {
        Optional<EntryReader.Lstat> st = EntryReader.lstat(root);
        if (st.isEmpty() || st.get().type() != FileType.DIRECTORY) {
            halt("folder root " + root + " is missing or not a directory; not propagating deletes."
                    + " Restore it (or fix the config) and restart the node");
            return false;
        }
        long dev = st.get().signature().dev();
        if (rootDevice == null) {
            rootDevice = dev;
        } else if (rootDevice != dev) {
            halt("folder root " + root + " is on another device than at start (unmounted or remounted?);"
                    + " not propagating changes. Fix the mount and restart the node");
            return false;
        }
        return true;
    }

    private void halt(String why) {
        if (!why.equals(problem)) {
            LOG.severe(name + ": halted: " + why);
        }
        problem = why;
    }

    private void walk(String start, Set<String> seen) throws IOException {
        Path from = start.isEmpty() ? root : root.resolve(start);
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = rel(dir);
                if (rel.isEmpty()) {
                    return FileVisitResult.CONTINUE;
                }
                if (ignored(rel, true)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                seen.add(rel);
                scanPath(rel);
                flushIfLarge();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = rel(file);
                if (!ignored(rel, false)) {
                    seen.add(rel);
                    scanPath(rel);
                    flushIfLarge();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (!(e instanceof java.nio.file.NoSuchFileException)) {
                    problems.put(rel(file), "cannot read: " + e.getMessage());
                    seen.add(rel(file)); // unreadable is not deleted
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private String rel(Path abs) {
        return root.relativize(abs).toString();
    }

    /** Scans a path and, if it is a directory, everything under it; a vanished path tombstones its subtree. */
    private void scanTree(String rel) throws IOException {
        if (rel.isEmpty()) {
            fullScan();
            return;
        }
        scanPath(rel);
        Optional<EntryReader.Lstat> st = EntryReader.lstat(root.resolve(rel));
        if (st.isPresent() && st.get().type() == FileType.DIRECTORY && !ignored(rel, true)) {
            Set<String> seen = new HashSet<>();
            walk(rel, seen);
            for (StoredFile f : store.under(name, rel)) {
                if (!f.record().deleted() && !seen.contains(f.record().path())) {
                    StoredFile cur = current(f.record().path());
                    if (cur != null && !cur.record().deleted()) {
                        tombstone(cur);
                    }
                }
            }
        }
    }

    /** Looks at one path: unchanged (stat signature), changed (new version), or gone (tombstone). */
    private void scanPath(String rel) throws IOException {
        if (rel.isEmpty() || RelativePath.problem(rel) != null) {
            return;
        }
        StoredFile cur = current(rel);
        boolean live = cur != null && !cur.record().deleted();
        Path abs;
        try {
            abs = applier.resolve(rel);
        } catch (IOException e) {
            // a parent is no longer a directory: the path is gone from this folder
            if (live) {
                tombstoneTree(cur);
            }
            return;
        }
        Optional<EntryReader.Lstat> st = EntryReader.lstat(abs);
        if (st.isEmpty() || st.get().type() == null) {
            if (live) {
                tombstoneTree(cur);
            }
            return;
        }
        if (ignored(rel, st.get().type() == FileType.DIRECTORY)) {
            return;
        }
        if (live && cur.stat() != null && cur.stat().equals(st.get().normalised())) {
            return;
        }
        Optional<DiskEntry> read;
        try {
            read = reader.read(abs, rel);
        } catch (EntryReader.ChangedWhileReading e) {
            retryLater(rel);
            return;
        }
        if (read.isEmpty()) {
            if (live) {
                tombstoneTree(cur);
            }
            return;
        }
        DiskEntry e = read.get();
        if (live) {
            FileRecord same = e.toRecord(cur.record().version(), cur.record().modifiedBy());
            if (same.sameEntry(cur.record())) {
                put(new Put(cur.record(), e.stat(), false, null, null));
                return;
            }
        }
        VersionVector base = cur == null ? VersionVector.EMPTY : cur.record().version();
        FileRecord r = e.toRecord(base.bump(selfId, clock.instant().getEpochSecond()), selfId);
        put(new Put(r, e.stat(), true, null, e.inline()));
        problems.remove(rel);
    }

    private void retryLater(String rel) {
        long delay = Math.max(50, config.settle().toMillis());
        scheduler.schedule(() -> worker.execute(guard("rescanning " + rel, () -> {
            scanPath(rel);
            flush();
        })), delay, TimeUnit.MILLISECONDS);
    }

    private void tombstoneTree(StoredFile cur) {
        if (cur.record().type() == FileType.DIRECTORY) {
            for (StoredFile f : store.under(name, cur.record().path())) {
                StoredFile c = current(f.record().path());
                if (c != null && !c.record().deleted()) {
                    tombstone(c);
                }
            }
            for (Put p : List.copyOf(pending.values())) {
                if (!p.record().deleted() && RelativePath.isWithin(p.record().path(), cur.record().path())
                        && !p.record().path().equals(cur.record().path())) {
                    tombstone(current(p.record().path()));
                }
            }
        }
        tombstone(cur);
    }

    private void tombstone(StoredFile cur) {
        VersionVector v = cur.record().version().bump(selfId, clock.instant().getEpochSecond());
        put(new Put(cur.record().asDeleted(v, selfId), null, true, null, null));
    }

    // ================================================================== index buffer (worker)

    /** The entry as this worker knows it: pending changes first, then the index. */
    private StoredFile current(String rel) {
        Put p = pending.get(rel);
        if (p != null) {
            return new StoredFile(name, p.record(), p.stat(), 0);
        }
        return store.get(name, rel).orElse(null);
    }

    private void put(Put p) {
        pending.remove(p.record().path());
        pending.put(p.record().path(), p);
    }

    private void ack(String member, String path, VersionVector version) {
        pendingAcks.computeIfAbsent(member, k -> new ArrayList<>()).add(new Message.AckEntry(path, version));
    }

    private void flushIfLarge() {
        if (pending.size() >= FLUSH_AT) {
            flush();
        }
    }

    /** Queues a flush behind the work already queued, so that bursts share one transaction. */
    private void requestFlush() {
        if (!flushQueued) {
            flushQueued = true;
            worker.execute(guard("writing the index", this::flush));
        }
    }

    /** Writes buffered changes in one transaction, then sends the acks and announcements they allow. */
    private void flush() {
        flushQueued = false;
        if (pending.isEmpty() && pendingClears.isEmpty() && pendingAcks.isEmpty()) {
            return;
        }
        List<Put> puts = new ArrayList<>(pending.values());
        List<String[]> clears = new ArrayList<>(pendingClears);
        Set<Long> known = peers.knownIds();
        java.time.Instant now = clock.instant();
        if (!puts.isEmpty() || !clears.isEmpty()) {
            store.write(w -> {
                for (Put p : puts) {
                    if (p.remote()) {
                        w.clearDirtyAll(name, p.record().path());
                    }
                    w.put(name, p.record(), p.stat());
                    if (p.markDirty() && !known.isEmpty()) {
                        Set<Long> to = new HashSet<>(known);
                        if (p.exceptPeer() != null) {
                            to.remove(peers.idOf(p.exceptPeer()));
                        }
                        w.markDirty(name, p.record().path(), to, now);
                    }
                }
                for (String[] c : clears) {
                    w.clearDirty(name, c[0], Long.parseLong(c[1]));
                }
                return null;
            }).join();
        }
        pending.clear();
        pendingClears.clear();
        List<Message.Announced> announce = new ArrayList<>();
        for (Put p : puts) {
            if (p.markDirty()) {
                announce.add(new Message.Announced(p.record(), p.inline()));
            }
        }
        if (!announce.isEmpty()) {
            sendIndex(null, announce, false);
        }
        Map<String, List<Message.AckEntry>> acks = new HashMap<>(pendingAcks);
        pendingAcks.clear();
        acks.forEach((member, entries) -> {
            for (int i = 0; i < entries.size(); i += ANNOUNCE_BATCH) {
                outbox.send(member, new Message.Ack(name, entries.subList(i, Math.min(entries.size(), i + ANNOUNCE_BATCH))));
            }
        });
        if (problem == null && !"scanning".equals(state)) {
            state = "idle";
        }
    }

    /** Sends records in bounded batches: to one member (full/dirty exchange) or to all (null). */
    private void sendIndex(String member, List<Message.Announced> records, boolean full) {
        List<Message.Announced> batch = new ArrayList<>();
        int inlineBytes = 0;
        for (Message.Announced a : records) {
            int len = a.inlineContent() == null ? 0 : a.inlineContent().length;
            if (!batch.isEmpty() && (batch.size() >= ANNOUNCE_BATCH || inlineBytes + len > ANNOUNCE_INLINE_BYTES)) {
                sendBatch(member, batch, full);
                batch = new ArrayList<>();
                inlineBytes = 0;
            }
            batch.add(a);
            inlineBytes += len;
        }
        if (!batch.isEmpty()) {
            sendBatch(member, batch, full);
        }
    }

    private void sendBatch(String member, List<Message.Announced> batch, boolean full) {
        Message.IndexUpdate u = new Message.IndexUpdate(name, batch, full);
        if (member == null) {
            outbox.multicast(u);
        } else {
            outbox.send(member, u);
        }
        counters.announcementsSent.incrementAndGet();
        counters.recordsAnnounced.addAndGet(batch.size());
    }

    private List<Message.Announced> allRecords() {
        List<Message.Announced> all = new ArrayList<>();
        store.forEach(name, f -> all.add(new Message.Announced(f.record(), null)));
        return all;
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
            sendIndex(member, dirty, false);
        }
    }

    // ================================================================== applying remote records (worker)

    private void applyUpdate(String from, Message.IndexUpdate update) throws IOException {
        if (problem != null) {
            return;
        }
        List<Message.Announced> live = new ArrayList<>();
        List<Message.Announced> deletes = new ArrayList<>();
        for (Message.Announced a : update.files()) {
            (a.record().deleted() ? deletes : live).add(a);
        }
        live.sort(Comparator.comparing(a -> a.record().path()));
        deletes.sort(Comparator.comparing((Message.Announced a) -> a.record().path()).reversed());
        for (Message.Announced a : live) {
            applyOne(from, a);
        }
        for (Message.Announced a : deletes) {
            applyOne(from, a);
        }
        flush();
    }

    private void applyOne(String from, Message.Announced a) {
        FileRecord remote = a.record();
        String rel = remote.path();
        if (ignored(rel, remote.type() == FileType.DIRECTORY)) {
            ack(from, rel, remote.version());
            return;
        }
        StoredFile cur = current(rel);
        Plan plan = reconciler.plan(cur == null ? null : cur.record(), remote);
        if (plan instanceof Plan.Acknowledge) {
            ack(from, rel, cur.record().version());
        } else if (plan instanceof Plan.MergeVersions m) {
            put(new Put(m.merged(), cur.stat(), true, from, null));
            ack(from, rel, m.merged().version());
        } else if (plan instanceof Plan.KeepLocal k) {
            LOG.info(() -> name + ": conflict on " + rel + ": keeping this node's version over " + from + "'s");
            put(new Put(k.updated(), cur.stat(), true, null, null));
            ack(from, rel, k.updated().version());
        } else if (plan instanceof Plan.TakeRemote t) {
            if (t.concurrent()) {
                LOG.info(() -> name + ": conflict on " + rel + ": taking " + from + "'s version");
            }
            try {
                take(from, t.target(), a.inlineContent(), cur);
            } catch (LocalChangedException e) {
                scanLater(rel);
            } catch (DirectoryNotEmptyException e) {
                problems.put(rel, "directory not empty: kept (it holds entries the delete did not cover)");
                scanLater(rel);
            } catch (IOException | RuntimeException e) {
                problems.put(rel, "apply failed: " + e.getMessage());
                LOG.log(Level.WARNING, name + ": applying " + rel + " from " + from + " failed; retried at the"
                        + " next digest exchange", e);
            }
        }
    }

    private void scanLater(String rel) {
        worker.execute(guard("rescanning " + rel, () -> {
            scanPath(rel);
            requestFlush();
        }));
    }

    private static StatSignature expectedOf(StoredFile cur) {
        return cur == null || cur.record().deleted() ? null : cur.stat();
    }

    /** Makes {@code target} the local version. Content comes inline, from a local copy, or by fetch. */
    private void take(String from, FileRecord target, byte[] inline, StoredFile cur) throws IOException {
        String rel = target.path();
        StatSignature expected = expectedOf(cur);
        if (target.deleted()) {
            applier.delete(rel, expected);
            done(from, target, null);
            return;
        }
        switch (target.type()) {
            case DIRECTORY -> done(from, target, applier.applyDirectory(rel, target, expected));
            case SYMLINK -> done(from, target, applier.applySymlink(rel, target, expected));
            case REGULAR -> takeRegular(from, target, inline, cur, expected);
            default -> {
                problems.put(rel, target.type() + " entries are not supported yet; skipped");
                ack(from, rel, target.version());
            }
        }
    }

    private void done(String from, FileRecord target, StatSignature stat) {
        put(new Put(target, stat, false, null, null, true));
        ack(from, target.path(), target.version());
        counters.filesApplied.incrementAndGet();
        problems.remove(target.path());
    }

    private void takeRegular(String from, FileRecord target, byte[] inline, StoredFile cur, StatSignature expected)
            throws IOException {
        String rel = target.path();
        if (cur != null && !cur.record().deleted() && cur.record().type() == FileType.REGULAR
                && target.hash().equals(cur.record().hash())) {
            done(from, target, applier.applyMetadata(rel, target, expected));
            return;
        }
        if (inline != null) {
            Path temp = applier.createTemp(rel);
            try {
                Files.write(temp, inline);
                verify(temp, target);
                done(from, target, applier.commitFile(rel, temp, target, expected));
            } finally {
                Fetcher.discard(temp);
            }
            return;
        }
        Optional<StoredFile> local = store.findLiveByHash(name, target.hash());
        if (local.isPresent() && copyLocal(local.get(), from, target, expected)) {
            return;
        }
        FileRecord already = fetching.put(rel, target);
        if (already != null && already.hash().equals(target.hash())) {
            return; // the running fetch brings the same content; its commit uses the newest record
        }
        fetchQueue.add(() -> startFetch(from, target));
        drainFetchQueue();
    }

    /** Copies the content from another local file with the same hash (renames, copies): no bytes on the wire. */
    private boolean copyLocal(StoredFile source, String from, FileRecord target, StatSignature expected)
            throws IOException {
        Path src;
        try {
            src = applier.resolve(source.record().path());
        } catch (IOException e) {
            return false;
        }
        Optional<EntryReader.Lstat> st = EntryReader.lstat(src);
        if (st.isEmpty() || !st.get().normalised().equals(source.stat())) {
            return false;
        }
        Path temp = applier.createTemp(target.path());
        try {
            try (InputStream in = Files.newInputStream(src, LinkOption.NOFOLLOW_LINKS);
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
                in.transferTo(out);
            }
            try {
                verify(temp, target);
            } catch (IOException e) {
                return false;
            }
            done(from, target, applier.commitFile(target.path(), temp, target, expected));
            return true;
        } finally {
            Fetcher.discard(temp);
        }
    }

    private static void verify(Path temp, FileRecord target) throws IOException {
        MessageDigest sha = EntryReader.sha256();
        long n = 0;
        try (InputStream in = Files.newInputStream(temp)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                sha.update(buf, 0, r);
                n += r;
            }
        }
        if (n != target.size() || !ContentHash.of(sha.digest()).equals(target.hash())) {
            throw new IOException("content of " + target.path() + " does not match its hash; not applied");
        }
    }

    private void drainFetchQueue() {
        while (activeFetches < MAX_ACTIVE_FETCHES && !fetchQueue.isEmpty()) {
            activeFetches++;
            fetchQueue.poll().run();
        }
    }

    private void startFetch(String from, FileRecord target) {
        String rel = target.path();
        Path temp;
        try {
            temp = applier.createTemp(rel);
        } catch (IOException e) {
            activeFetches--;
            fetching.remove(rel);
            problems.put(rel, "cannot create temp file: " + e.getMessage());
            return;
        }
        state = "syncing";
        fetcher.fetch(from, name, target, temp).whenComplete((file, err) -> worker.execute(guard(
                "committing " + rel, () -> {
                    activeFetches--;
                    try {
                        finishFetch(from, target, temp, err);
                    } finally {
                        Fetcher.discard(temp);
                        drainFetchQueue();
                    }
                })));
    }

    private void finishFetch(String from, FileRecord fetched, Path temp, Throwable err) throws IOException {
        String rel = fetched.path();
        FileRecord want = fetching.get(rel);
        if (want == null || !want.hash().equals(fetched.hash())) {
            return; // superseded by a newer version with other content
        }
        fetching.remove(rel);
        if (err != null) {
            Throwable cause = err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
            if (!(cause instanceof FetchFailedException f && f.sourceChanged())) {
                problems.put(rel, String.valueOf(cause.getMessage()));
                LOG.warning(() -> name + ": " + cause.getMessage() + "; retried at the next digest exchange");
            }
            return;
        }
        StoredFile cur = current(rel);
        if (cur != null && !want.version().covers(cur.record().version())) {
            return; // a newer or concurrent local version arrived meanwhile; it is reconciled on its own
        }
        if (cur != null && cur.record().version().equals(want.version()) && cur.stat() != null) {
            return; // already applied
        }
        try {
            done(from, want, applier.commitFile(rel, temp, want, expectedOf(cur)));
        } catch (LocalChangedException e) {
            scanLater(rel);
        }
        requestFlush();
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
