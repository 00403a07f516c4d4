package io.syncnode.node;

import io.syncnode.config.ConfigException;
import io.syncnode.config.ConfigLoader;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.JGroupsStack;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.cluster.JGroupsTransport;
import io.syncnode.node.cluster.Outbound;
import io.syncnode.node.seal.SealCounters;
import io.syncnode.node.seal.SealEngine;
import io.syncnode.node.seal.SealStatus;
import io.syncnode.node.trust.ClusterTrust;
import io.syncnode.node.trust.CredentialsException;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.ConflictView;
import io.syncnode.node.control.DirtyView;
import io.syncnode.node.control.PeerView;
import io.syncnode.node.control.ReloadView;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.engine.ClockSkew;
import io.syncnode.node.engine.FolderSync;
import io.syncnode.node.engine.MessageRouter;
import io.syncnode.node.engine.NodeCounters;
import io.syncnode.node.engine.PauseMarks;
import io.syncnode.node.engine.PeerDirectory;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.fetch.TransferSource;
import io.syncnode.node.index.DirtyEntry;
import io.syncnode.node.index.PeerInfo;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.index.StoredFile;
import io.syncnode.protocol.FileRecord;
import io.syncnode.node.watch.ChangeAggregator;
import io.syncnode.node.watch.InotifyWatcher;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The composition root: builds every part of a node with constructors and owns start and stop.
 *
 * <p>Start: open the index (node id), build the folders, join the cluster, scan every folder,
 * start the watchers, then announce a digest so that members exchange what differs. Stop
 * ({@link #close}): stop watchers, leave the cluster, cancel transfers (their temp files are
 * removed), let each folder worker finish its queue, close the index.
 */
public final class SyncNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SyncNode.class.getName());
    /** Anti-entropy safety net: a digest exchange this often even without view changes. */
    static final Duration DIGEST_EVERY = Duration.ofMinutes(2);
    /** Repeats of the digest exchange after a view change, in ms. */
    private static final long[] DIGEST_AFTER_VIEW_MS = {2_000, 10_000};
    /** How long after a lane dropped a message the catch-up digest exchange runs. */
    private static final Duration CATCH_UP = Duration.ofSeconds(5);
    /** How often {@code sync} re-sends what is still dirty while it waits. */
    private static final Duration SYNC_REPUSH = Duration.ofSeconds(2);
    /** How often a node replaces its session keys on its own (forward secrecy). */
    static final Duration ROTATE_KEYS_EVERY = Duration.ofHours(1);

    private final SyncnodeConfig config;
    private final Clock clock;
    private final SqliteIndexStore store;
    private final long nodeId;
    private final NodeCounters counters = new NodeCounters();
    private final ClockSkew clocks;
    private final PeerDirectory peers;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService sendPool;
    /** Receiving transfers (patching, writing temp files); never shared with serving, so neither waits on the other. */
    private final ExecutorService fetchPool;
    /** Serving transfers: a serve parks waiting for a slow receiver's credit without holding up any fetch. */
    private final ExecutorService servePool;
    /** fsyncs of small files applied in a batch, run side by side so the file system commits them together. */
    private final ExecutorService fsyncPool;
    private final Fetcher fetcher;
    private final TransferSource source;
    private final Map<String, FolderSync> folders = new LinkedHashMap<>();
    private final List<InotifyWatcher> watchers = new ArrayList<>();
    private final JGroupsTransport transport;
    /** Every send: cut to the folders' sharing, queued on a lane per destination (no worker waits on a peer). */
    private final Outbound outbound;
    /** A catch-up digest exchange is scheduled after a lane dropped a message (one at a time). */
    private final java.util.concurrent.atomic.AtomicBoolean catchUpScheduled =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final MessageRouter router;
    private volatile Set<String> members = Set.of();
    private volatile boolean closed;
    private final FileChannel stateLock;

    private SyncNode(SyncnodeConfig config, String stackXml, Clock clock, SealEngine seal) throws IOException {
        this.config = config;
        this.clock = clock;
        Path stateDir = config.node().stateDir();
        Files.createDirectories(stateDir);
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
        this.stateLock = lockStateDir(stateDir);
        this.store = SqliteIndexStore.open(stateDir);
        this.nodeId = store.nodeId();
        this.peers = new PeerDirectory(store, nodeId, clock);
        this.clocks = new ClockSkew(clock);
        this.scheduler = Executors.newScheduledThreadPool(1, daemon("scheduler"));
        this.sendPool = Executors.newSingleThreadExecutor(daemon("sender"));
        this.fetchPool = Executors.newFixedThreadPool(8, daemon("fetch"));
        this.servePool = Executors.newFixedThreadPool(8, daemon("serve"));
        this.fsyncPool = Executors.newFixedThreadPool(8, daemon("fsync"));
        this.outbound = new Outbound(config, nodeId, clock, this::transport, counters.wireBytesSent::addAndGet,
                this::laneOverflowed);
        Outbox outbox = outbound;
        this.fetcher = new Fetcher(outbox, fetchPool, scheduler, counters.bytesFetched);
        this.source = new TransferSource(outbox, servePool, this::lookup, (folder, path) -> {
            FolderSync f = folders.get(folder);
            if (f != null) {
                f.sourceChanged(path);
            }
        }, counters.bytesServed);
        PauseMarks pauses = new PauseMarks(stateDir.resolve("paused"));
        for (FolderConfig fc : config.folders()) {
            folders.put(fc.name(), new FolderSync(fc, nodeId, config.node().name(), stateDir.resolve("work"), store, peers, outbox, fetcher, scheduler, clock, counters, fsyncPool, pauses));
        }
        this.router = new MessageRouter(folders, peers, source, fetcher, counters, this::viewChanged,
                m -> transport().physicalAddress(m), m -> sendPool.execute(() -> sendDigest(m)), clocks,
                this::heardAgain);
        this.transport = new JGroupsTransport(stackXml, config.cluster().name(), config.node().name(), router, seal,
                clock);
    }

    /**
     * The seal layer of a cluster with credentials, or null (loopback without credentials, or
     * {@code insecure = true}, which is logged as a warning at every start).
     */
    private static SealEngine seal(SyncnodeConfig config, Clock clock) throws CredentialsException {
        if (!config.cluster().secured()) {
            if (config.cluster().insecure()) {
                LOG.warning("[cluster] insecure = true: this node runs WITHOUT admission and encryption; any host that"
                        + " reaches " + config.cluster().bind() + " can join, read every file and write any file;"
                        + " set [cluster] credentials (see `syncnode keygen --help`)");
            } else {
                LOG.info(() -> "no [cluster] credentials: running without admission and encryption, bound to the"
                        + " loopback address " + config.cluster().bind().host());
            }
            return null;
        }
        ClusterTrust trust = ClusterTrust.load(config.cluster(), config.node().name(), clock.instant());
        LOG.info(() -> "credentials of " + trust.credentials().nodeName() + " (" + trust.credentials().certificate()
                .fingerprint() + "), trusting CA " + trust.credentials().anchors().fingerprints()
                + (trust.revoked().entries().isEmpty() ? "" : ", revoked " + trust.revoked().entries()));
        SealEngine engine = new SealEngine(trust.credentials(), trust.revoked(), clock, System::nanoTime,
                new SecureRandom(), new SealCounters(), ROTATE_KEYS_EVERY.toNanos());
        engine.warmUp(trust.credentials());
        return engine;
    }

    /** One node per state dir: a second process on the same index would corrupt the cluster's view of it. */
    private static FileChannel lockStateDir(Path stateDir) throws IOException {
        FileChannel ch = FileChannel.open(stateDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("state dir " + stateDir + " is in use by another syncnode process;"
                    + " stop it first, or give this node its own state-dir");
        }
        return ch;
    }

    private JGroupsTransport transport() {
        return transport;
    }

    /** Starts a node from a validated config; returns once it is watching and has joined. */
    public static SyncNode start(SyncnodeConfig config) throws Exception {
        return start(config, JGroupsStack.forCluster(config.cluster()), Clock.systemUTC());
    }

    /** Starts a node on an explicit JGroups stack (tests: the in-JVM loopback stack). */
    public static SyncNode start(SyncnodeConfig config, String stackXml, Clock clock) throws Exception {
        SyncNode node = new SyncNode(config, stackXml, clock, seal(config, clock));
        try {
            node.startAll();
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void startAll() throws Exception {
        // watch first, then scan: a change made while the first scan runs (after it passed the
        // entry) is an event queued behind the scan on the folder's worker, never lost until the
        // next full rescan
        for (FolderSync f : folders.values()) {
            startWatcher(f);
        }
        List<CompletableFuture<Long>> scans = new ArrayList<>();
        for (FolderSync f : folders.values()) {
            scans.add(f.startScan());
        }
        for (CompletableFuture<Long> s : scans) {
            s.get();
        }
        transport.connect();
        for (FolderConfig fc : config.folders()) {
            long every = fc.rescan().toMillis();
            FolderSync f = folders.get(fc.name());
            scheduler.scheduleWithFixedDelay(() -> f.onChanges(new io.syncnode.node.watch.ChangeBatch(Set.of(),
                    Set.of(), true)), every, every, TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleWithFixedDelay(() -> sendPool.execute(this::multicastDigest), DIGEST_EVERY.toMillis(),
                DIGEST_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info(() -> "node " + config.node().name() + " (" + Long.toHexString(nodeId) + ") started with "
                + folders.size() + " folder(s); members " + transport.members());
    }

    private void startWatcher(FolderSync f) throws IOException {
        FolderConfig fc = config.folders().stream().filter(c -> c.name().equals(f.name())).findFirst().orElseThrow();
        Duration settle = fc.settle();
        Duration maxDelay = settle.multipliedBy(10).compareTo(Duration.ofSeconds(1)) > 0
                ? settle.multipliedBy(10) : Duration.ofSeconds(1);
        ChangeAggregator aggregator = new ChangeAggregator(settle, maxDelay, scheduler, f::onChanges, message -> {
            LOG.severe(f.name() + ": " + message + "; falling back to a full rescan every minute for this folder");
            scheduler.scheduleWithFixedDelay(() -> f.onChanges(new io.syncnode.node.watch.ChangeBatch(Set.of(),
                    Set.of(), true)), 60, 60, TimeUnit.SECONDS);
        });
        InotifyWatcher w = new InotifyWatcher(f.root(), f::ignoredAnyType, aggregator);
        w.start();
        watchers.add(w);
    }

    private Optional<TransferSource.Served> lookup(String folder, String path, io.syncnode.protocol.ContentHash hash) {
        FolderSync f = folders.get(folder);
        return f == null ? Optional.empty() : f.served(path, hash);
    }

    private void viewChanged(List<String> now, boolean merge, Set<String> restarted) {
        Set<String> before = members;
        Set<String> after = new HashSet<>(now);
        members = after;
        outbound.membersNow(now);
        if (merge) {
            folders.values().forEach(FolderSync::partitionHealed);
        }
        for (String m : before) {
            // a restarted member's transfers ended with its old process: they fail now (and are
            // tried again) rather than at the idle timeout
            if (!after.contains(m) || restarted.contains(m)) {
                fetcher.memberLeft(m, after.contains(m) ? "restarted" : "left the cluster");
                source.memberLeft(m);
            }
        }
        // every member multicasts its digest on a view change; each receiver answers what differs.
        // Messages sent while members install the new view can be dropped ("message from
        // non-member"), so the exchange is repeated a little later.
        sendPool.execute(this::multicastDigest);
        for (long delay : DIGEST_AFTER_VIEW_MS) {
            scheduler.schedule(() -> sendPool.execute(this::multicastDigest), delay, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A member heard again after a silence without a view change (a partition JGroups rode out):
     * what either side sent meanwhile may be lost, so this node sends it its digest (the member
     * answers with its index where they differ) and its dirty records again.
     */
    private void heardAgain(String member) {
        sendPool.execute(() -> sendDigest(member));
        for (FolderSync f : folders.values()) {
            if (!f.paused()) {
                f.pushDirtyTo(member);
            }
        }
    }

    private void multicastDigest() {
        sendDigest(null);
    }

    /**
     * This node's digest of every folder it syncs now, to {@code member} (null: to all): one message
     * per folder, each sent once its folder worker computed it, so that a folder busy with a long scan
     * delays only its own digest, never another folder's nor the sender thread.
     */
    private void sendDigest(String member) {
        if (closed) {
            return;
        }
        for (FolderSync f : folders.values()) {
            if (!f.paused()) { // a paused folder takes no part: members keep their dirty entries toward us
                sendDigestOf(f, member);
            }
        }
    }

    private void sendDigestOf(FolderSync f, String member) {
        f.digestLater().whenComplete((d, failure) -> {
            if (failure != null) {
                if (!closed) {
                    LOG.log(Level.WARNING, f.name() + ": computing its digest failed; the next exchange tries again", failure);
                }
            } else if (!closed) {
                sendPool.execute(() -> outbound.send(member, new Message.Digest(List.of(d))));
            }
        });
    }

    /**
     * A lane dropped an announcement, ack or digest (its member is slow or silent, or this node
     * sends faster than the wire takes): the records stay dirty, and a digest exchange 5 s later
     * (one at a time) brings every member up to date once the lane has room again.
     */
    private void laneOverflowed(String member) {
        if (!closed && catchUpScheduled.compareAndSet(false, true)) {
            scheduler.schedule(() -> {
                catchUpScheduled.set(false);
                sendPool.execute(this::multicastDigest);
            }, CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public ControlHandler controlHandler() {
        return new Control();
    }

    /** The router, for tests that inject messages as if they came from the network. */
    public MessageRouter router() {
        return router;
    }

    public JGroupsTransport transportForTests() {
        return transport;
    }

    public long nodeId() {
        return nodeId;
    }

    private final class Control implements ControlHandler {
        @Override
        public StatusView status() {
            List<StatusView.FolderStatus> fs = new ArrayList<>();
            for (FolderSync f : folders.values()) {
                fs.add(f.status());
            }
            io.syncnode.node.cluster.ClusterView v = transport.view();
            StatusView.ViewStatus view = new StatusView.ViewStatus(v.id(), v.coordinator(),
                    v.lastMerge() == null ? null : v.lastMerge().toString(), v.merges(), transport.deadConnectionsClosed());
            return new StatusView(config.node().name(), transport.members(), fs, counters.snapshot(), security(), view);
        }

        private StatusView.Security security() {
            SealStatus s = transport.sealStatus();
            if (s == null) {
                return new StatusView.Security(config.cluster().insecure() ? "insecure" : "loopback", null, List.of(), 0,
                        List.of(), Map.of());
            }
            return new StatusView.Security("sealed", s.fingerprint(), s.trusted(), s.generation(), s.peers().stream()
                    .map(p -> new StatusView.Session(p.name(), p.session(), p.generation(), p.ready())).toList(),
                    s.refused(), s.traffic());
        }

        @Override
        public List<PeerView> peers() {
            Map<Long, Long> dirty = store.dirtyCountByPeer();
            List<PeerView> out = new ArrayList<>();
            for (PeerInfo p : peers.all()) {
                String addr = members.contains(p.name()) ? transport.physicalAddress(p.name()) : null;
                out.add(new PeerView(p.name(), addr != null ? addr : p.address(), members.contains(p.name()),
                        dirty.getOrDefault(p.id(), 0L), p.lastSeen().toString(), clocks.offsetMs(p.name())));
            }
            out.sort((a, b) -> a.name().compareTo(b.name()));
            return out;
        }

        @Override
        public List<DirtyView> dirty(String folder) {
            List<DirtyView> out = new ArrayList<>();
            for (DirtyEntry d : store.dirty(folder)) {
                out.add(new DirtyView(d.folder(), d.path(), d.peerName(), d.since().toString()));
            }
            return out;
        }

        @Override
        public long check(String folder, List<String> paths) throws ControlException {
            long n = 0;
            for (FolderSync f : running(folder, "rescans it")) {
                try {
                    n += f.check(paths).get(1, TimeUnit.HOURS);
                } catch (Exception e) {
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    throw new ControlException("check of folder " + f.name() + " failed: " + c.getMessage());
                }
            }
            return n;
        }

        @Override
        public boolean sync(String folder, Duration timeout) throws ControlException {
            List<FolderSync> fs = running(folder, "sends its changes again");
            Instant deadline = clock.instant().plus(timeout);
            Instant nextPush = Instant.MIN;
            while (true) {
                if (!clock.instant().isBefore(nextPush)) {
                    // (re)send every dirty record to its members: a lost acknowledgement is asked again
                    for (FolderSync f : fs) {
                        for (String m : members) {
                            if (!m.equals(config.node().name())) {
                                f.pushDirtyTo(m);
                            }
                        }
                    }
                    nextPush = clock.instant().plus(SYNC_REPUSH);
                }
                long dirty = 0;
                for (FolderSync f : fs) {
                    dirty += store.dirtyCount(f.name());
                }
                if (dirty == 0) {
                    return true;
                }
                if (!clock.instant().isBefore(deadline)) {
                    return false;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }

        @Override
        public List<ConflictView> conflicts() {
            List<ConflictView> out = new ArrayList<>();
            for (FolderSync f : folders.values()) {
                for (StoredConflict c : f.conflicts()) {
                    FileRecord local = store.get(f.name(), c.path()).map(StoredFile::record).orElse(null);
                    out.add(new ConflictView(f.name(), c.path(), side(local, config.node().name()),
                            side(c.remote(), peers.nameOf(c.remote().modifiedBy())), c.detected().toString(),
                            "file", null));
                }
                for (Path saved : f.folderConflicts()) {
                    out.add(folderConflict(f.name(), saved));
                }
            }
            return out;
        }

        /** A whole-folder verdict this node lost: its saved directory and the .info file beside it. */
        private ConflictView folderConflict(String folder, Path saved) {
            String winner = "?";
            String at = null;
            try {
                for (String line : Files.readAllLines(saved.resolveSibling(saved.getFileName() + ".info"))) {
                    if (line.startsWith("winner=")) {
                        winner = line.substring(7);
                    } else if (line.startsWith("at=")) {
                        at = line.substring(3);
                    }
                }
            } catch (IOException e) {
                LOG.fine(() -> "no info beside " + saved + ": " + e.getMessage());
            }
            long files;
            try (var walk = Files.walk(saved)) {
                files = walk.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).count();
            } catch (IOException e) {
                files = 0;
            }
            return new ConflictView(folder, "", new ConflictView.Side(config.node().name(), null, files, null, false),
                    new ConflictView.Side(winner, null, 0, null, false), at, "folder", saved.toString());
        }

        private ConflictView.Side side(FileRecord r, String node) {
            if (r == null) {
                return new ConflictView.Side(node, null, 0, null, true);
            }
            String by = r.modifiedBy() == nodeId ? config.node().name() : peers.nameOf(r.modifiedBy());
            return new ConflictView.Side(by, Instant.ofEpochSecond(0, r.mtimeNs()).toString(), r.size(),
                    r.hash() == null ? null : r.hash().hex(), r.deleted());
        }

        @Override
        public void resolve(String folder, String path, String keep) throws ControlException {
            FolderSync f = running(folder, "lets you resolve it").get(0);
            try {
                f.resolve(path, keep).get(10, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new ControlException("cannot resolve " + folder + ":" + path + ": " + e.getCause().getMessage());
            } catch (Exception e) {
                throw new ControlException("cannot resolve " + folder + ":" + path + ": " + e);
            }
        }

        @Override
        public boolean pause(String folder) throws ControlException {
            FolderSync f = selected(folder).get(0);
            try {
                return f.pause().get(10, TimeUnit.MINUTES);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new ControlException("folder " + folder + " is still busy after 10 min; the pause is queued"
                        + " and takes effect when the work before it is done (see `syncnode status`)");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new ControlException("cannot pause folder " + folder + ": " + e.getCause().getMessage());
            } catch (Exception e) {
                throw new ControlException("cannot pause folder " + folder + ": " + e);
            }
        }

        @Override
        public boolean resume(String folder) throws ControlException {
            FolderSync f = selected(folder).get(0);
            boolean resumed;
            try {
                resumed = f.resume().get(1, TimeUnit.HOURS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new ControlException("cannot resume folder " + folder + ": " + e.getCause().getMessage());
            } catch (Exception e) {
                throw new ControlException("cannot resume folder " + folder + ": " + e);
            }
            if (resumed) {
                exchangeAfterResume(f);
            }
            return resumed;
        }

        @Override
        public int rekey(boolean askPeers) throws ControlException {
            if (transport.sealStatus() == null) {
                throw new ControlException("this node runs without [cluster] credentials: it has no keys to replace");
            }
            transport.rekey(askPeers);
            return transport.sealStatus().generation();
        }

        @Override
        public ReloadView reload() throws ControlException {
            return SyncNode.this.reload();
        }

        /** Selected folders that are not paused; an explicitly named paused folder is refused. */
        private List<FolderSync> running(String folder, String whatResumeDoes) throws ControlException {
            List<FolderSync> out = new ArrayList<>();
            for (FolderSync f : selected(folder)) {
                if (!f.paused()) {
                    out.add(f);
                } else if (folder != null) {
                    throw new ControlException("folder " + folder + " is paused on this node; `syncnode resume "
                            + folder + "` " + whatResumeDoes);
                }
            }
            return out;
        }

        private List<FolderSync> selected(String folder) throws ControlException {
            if (folder == null) {
                return List.copyOf(folders.values());
            }
            FolderSync f = folders.get(folder);
            if (f == null) {
                throw new ControlException("no folder named \"" + folder + "\" in this node's config (have: "
                        + String.join(", ", folders.keySet()) + ")");
            }
            return List.of(f);
        }
    }

    /**
     * After a resume: the folder's digest to every member (each answers with its whole index if it
     * differs: what the members changed meanwhile), and this node's dirty records to each (what they
     * have not confirmed, including what the resume's rescan found).
     */
    private void exchangeAfterResume(FolderSync f) {
        if (!closed && !f.paused()) {
            sendDigestOf(f, null);
        }
        for (String m : members) {
            if (!m.equals(config.node().name())) {
                f.pushDirtyTo(m);
            }
        }
    }

    /**
     * Re-reads the config file: {@code [cluster] credentials} and {@code revoked} take effect at once
     * (through the seal layer); every other difference from the running config is reported as
     * needing a restart. Synchronized: one reload at a time (SIGHUP and the verb).
     */
    private synchronized ReloadView reload() throws ControlHandler.ControlException {
        SyncnodeConfig fresh;
        try {
            fresh = ConfigLoader.load(config.file());
        } catch (ConfigException e) {
            throw new ControlHandler.ControlException("the configuration is refused and the running one stays: "
                    + e.getMessage());
        }
        List<String> applied = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        if (!fresh.node().equals(config.node())) {
            restart.add("[node]");
        }
        io.syncnode.config.ClusterSection was = config.cluster();
        io.syncnode.config.ClusterSection now = fresh.cluster();
        if (!now.name().equals(was.name()) || now.transport() != was.transport() || !now.bind().equals(was.bind())
                || !java.util.Objects.equals(now.multicast(), was.multicast()) || !now.peers().equals(was.peers())
                || now.insecure() != was.insecure() || now.secured() != was.secured()) {
            restart.add("[cluster] name, transport, bind, multicast, peers, insecure, or credentials set/unset");
        }
        if (!fresh.folders().equals(config.folders())) {
            restart.add("[[folder]] tables");
        }
        if (now.secured() && was.secured()) {
            ClusterTrust trust;
            try {
                trust = ClusterTrust.load(now, config.node().name(), clock.instant());
            } catch (CredentialsException e) {
                throw new ControlHandler.ControlException("the credentials are refused and the running ones stay: "
                        + e.getMessage());
            }
            transport.reloadTrust(trust.credentials(), trust.revoked());
            applied.add("[cluster] credentials " + now.credentials() + " (" + trust.credentials().certificate().fingerprint()
                    + "; trusting " + trust.credentials().anchors().fingerprints() + ") and revoked "
                    + trust.revoked().entries());
        }
        ReloadView result = new ReloadView(applied, restart);
        LOG.info(() -> "configuration reloaded from " + config.file() + ": applied " + applied
                + (restart.isEmpty() ? "" : "; changed but needing a restart: " + restart));
        return result;
    }

    /** Leaves the cluster, rolls back in-flight transfers, drains the folder workers, closes the index. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        LOG.info("stopping node " + config.node().name());
        for (InotifyWatcher w : watchers) {
            w.close();
        }
        closed = true;
        folders.values().forEach(FolderSync::stopSoon);
        outbound.close();
        transport.close();
        fetcher.cancelAll();
        for (FolderSync f : folders.values()) {
            f.close();
        }
        scheduler.shutdownNow();
        sendPool.shutdownNow();
        fetchPool.shutdownNow();
        servePool.shutdownNow();
        fsyncPool.shutdownNow();
        try {
            fetchPool.awaitTermination(10, TimeUnit.SECONDS);
            servePool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        try {
            stateLock.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "releasing the state dir lock", e);
        }
        LOG.info("node " + config.node().name() + " stopped");
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
