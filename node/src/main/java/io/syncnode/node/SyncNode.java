package io.syncnode.node;

import io.syncnode.node.index.PauseMarks;
import io.syncnode.config.ConfigException;
import io.syncnode.config.ConfigLoader;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.HostPort;
import io.syncnode.config.JGroupsStack;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.cluster.JGroupsTransport;
import io.syncnode.node.cluster.Outbound;
import io.syncnode.node.seal.SealEngine;
import io.syncnode.node.trust.ClusterTrust;
import io.syncnode.node.trust.CredentialsException;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.HttpEndpoint;
import io.syncnode.node.control.ReloadView;
import io.syncnode.node.engine.ClockSkew;
import io.syncnode.node.engine.FolderSync;
import io.syncnode.node.engine.MessageRouter;
import io.syncnode.node.engine.NodeCounters;
import io.syncnode.node.engine.NodeParts;
import io.syncnode.node.engine.PeerDirectory;
import io.syncnode.node.engine.SeedLog;
import io.syncnode.node.engine.TombstoneCollector;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.fetch.RateLimit;
import io.syncnode.node.fetch.TransferSource;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.wire.Outbox;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
 * The composition root: builds every part of a node with constructors and owns start and stop.
 *
 * <p>Start: open the index (node id), build the folders, start the watchers, scan every folder,
 * join the cluster, then announce a digest so that members exchange what differs
 * ({@link AntiEntropy}). Every send goes out through {@link Outbound}; the control verbs are
 * {@link NodeControl}; the threads are listed in {@code CONCURRENCY.md}. Stop
 * ({@link #close}): stop watchers, leave the cluster, cancel transfers (their temp files are
 * removed), let each folder worker finish its queue, close the index.
 */
public final class SyncNode implements AutoCloseable, MessageRouter.Node {
    private static final Logger LOG = Logger.getLogger(SyncNode.class.getName());
    /** How often a node replaces its session keys on its own (forward secrecy). */
    static final Duration ROTATE_KEYS_EVERY = Duration.ofHours(1);

    private final SyncnodeConfig config;
    /** The {@code [cluster]} section whose live keys (max-send, max-receive, tombstone-retention) are in force (reload). */
    private io.syncnode.config.ClusterSection liveCluster;
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
    private final Folders folders;
    private final JGroupsTransport transport;
    /** Every send: cut to the folders' sharing, queued on a lane per destination (no worker waits on a peer). */
    private final Outbound outbound;
    private final AntiEntropy antiEntropy;
    private final MessageRouter router;
    private final io.syncnode.node.engine.IndexQueries queries;
    /** Drops tombstones every peer confirmed, past {@code [cluster] tombstone-retention}. */
    private final TombstoneCollector tombstones;
    private volatile Set<String> members = Set.of();
    private volatile boolean closed;
    /** {@code [node] http}: /healthz and /metrics; null when not configured or not started yet. */
    private volatile HttpEndpoint http;
    private final FileChannel stateLock;

    private SyncNode(SyncnodeConfig config, String stackXml, Clock clock, SealEngine seal) throws IOException {
        this.config = config;
        this.liveCluster = config.cluster();
        this.clock = clock;
        Path stateDir = config.node().stateDir();
        Files.createDirectories(stateDir);
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
        this.stateLock = NodeStartup.lockStateDir(stateDir);
        this.store = SqliteIndexStore.open(stateDir);
        this.nodeId = store.nodeId();
        this.peers = new PeerDirectory(store, nodeId, clock);
        this.clocks = new ClockSkew(clock);
        this.scheduler = NodeStartup.scheduler();
        this.sendPool = Executors.newSingleThreadExecutor(NodeStartup.daemon("sender"));
        this.fetchPool = Executors.newFixedThreadPool(8, NodeStartup.daemon("fetch"));
        this.servePool = Executors.newFixedThreadPool(8, NodeStartup.daemon("serve"));
        this.fsyncPool = Executors.newFixedThreadPool(8, NodeStartup.daemon("fsync"));
        this.outbound = new Outbound(config, nodeId, clock, this::transport, counters.wireBytesSent::addAndGet,
                this::laneOverflowed);
        Outbox outbox = outbound;
        this.fetcher = new Fetcher(outbox, fetchPool, scheduler, counters.bytesFetched);
        PauseMarks pauses = new PauseMarks(stateDir.resolve("paused"));
        NodeParts folderParts = new NodeParts(nodeId, config.node().name(), stateDir.resolve("work"), store, peers,
                outbox, fetcher, scheduler, clock, counters, fsyncPool, pauses, () -> members);
        this.folders = new Folders(folderParts, scheduler);
        config.folders().forEach(folders::add);
        this.source = new TransferSource(outbox, servePool,
                (folder, path, hash) -> Optional.ofNullable(folders.get(folder))
                        .flatMap(f -> TransferSource.Served.inIndex(store, folder, f.root(), path, hash)),
                (folder, path) -> Optional.ofNullable(folders.get(folder)).ifPresent(f -> f.scanLater(path)),
                counters.bytesServed);
        source.limitSends(RateLimit.of(config.cluster().maxSend()));
        fetcher.limitReceives(RateLimit.of(config.cluster().maxReceive()));
        this.antiEntropy = new AntiEntropy(folders.values(), outbound, sendPool, scheduler, config.node().name(),
                () -> members, clock);
        this.tombstones = new TombstoneCollector(store, peers, () -> members, config.cluster().tombstoneRetention(),
                clock, scheduler, counters.tombstonesCollected);
        this.queries = new io.syncnode.node.engine.IndexQueries(folders, store, outbound, servePool, scheduler);
        this.router = new MessageRouter(folders, peers, source, fetcher, counters, this, clocks, clock, queries);
        this.transport = new JGroupsTransport(stackXml, config.cluster().name(), config.node().name(), router, seal,
                clock);
    }

    private JGroupsTransport transport() {
        return transport;
    }

    /** Starts a node from a validated config; returns once it is watching and has joined. */
    public static SyncNode start(SyncnodeConfig config) throws Exception {
        return start(config, JGroupsStack.forCluster(config.cluster()), Clock.systemUTC());
    }

    /** As {@link #start(SyncnodeConfig)}, telling {@code progress} how far the start has come. */
    public static SyncNode start(SyncnodeConfig config, StartProgress progress) throws Exception {
        return start(config, JGroupsStack.forCluster(config.cluster()), Clock.systemUTC(), progress);
    }

    /** Starts a node on an explicit JGroups stack (tests: the in-JVM loopback stack). */
    public static SyncNode start(SyncnodeConfig config, String stackXml, Clock clock) throws Exception {
        return start(config, stackXml, clock, StartProgress.NONE);
    }

    /** Starts a node on an explicit JGroups stack, telling {@code progress} how far it has come. */
    public static SyncNode start(SyncnodeConfig config, String stackXml, Clock clock, StartProgress progress)
            throws Exception {
        SyncNode node = new SyncNode(config, stackXml, clock, NodeStartup.seal(config, clock, ROTATE_KEYS_EVERY));
        try {
            node.startAll(progress);
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void startAll(StartProgress progress) throws Exception {
        // watch first, then scan: a change made while the first scan runs (after it passed the
        // entry) is an event queued behind the scan on the folder's worker, never lost until the
        // next full rescan
        folders.watchAll();
        List<CompletableFuture<Long>> scans = new ArrayList<>();
        Map<String, io.syncnode.node.control.ScanProgress> scanned = new java.util.HashMap<>();
        folders.forEach((name, f) -> scanned.put(name, f.scanProgress()));
        progress.scanProgress(scanned);
        progress.scanning(List.copyOf(folders.keySet()));
        for (FolderSync f : folders.values()) {
            scans.add(f.startScan().whenComplete((changes, failed) -> {
                if (failed == null) {
                    progress.scanned(f.name(), changes);
                }
            }));
        }
        for (CompletableFuture<Long> s : scans) {
            s.get();
        }
        progress.joining(config.cluster().name());
        transport.connect();
        progress.joined(List.copyOf(transport.members()));
        folders.scheduleRescans();
        antiEntropy.start();
        tombstones.start(scheduler);
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        new IdleTrim(() -> counters.recordsAnnounced.get() + counters.filesApplied.get()
                + counters.wireBytesSent.get() + counters.wireBytesReceived.get() + counters.bytesFetched.get()
                + counters.bytesServed.get(), () -> memory.getHeapMemoryUsage().getCommitted(), System::gc,
                store::releaseMemory).start(scheduler);
        SeedLog seeds = new SeedLog(System::nanoTime);
        scheduler.scheduleWithFixedDelay(() -> seeds.report(folders.keySet(), n -> {
            FolderSync f = folders.get(n);
            return f == null ? null : f.need(); // removed by a reload meanwhile
        }), SeedLog.EVERY_SECONDS, SeedLog.EVERY_SECONDS, TimeUnit.SECONDS);
        HostPort httpAddress = config.node().http();
        if (httpAddress != null) {
            http = HttpEndpoint.start(httpAddress.host(), httpAddress.port(), controlHandler());
            counters.onApplyLatency(http.applyLatency());
            counters.onScanDuration(http.scanDuration());
        }
        LOG.info(() -> "node " + config.node().name() + " (" + Long.toHexString(nodeId) + ") started with "
                + folders.size() + " folder(s); members " + transport.members());
    }

    @Override
    public void viewChanged(List<String> now, boolean merge, Set<String> restarted) {
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
        // every member multicasts its digest on a view change; each receiver answers what differs
        antiEntropy.viewChanged();
    }

    /** Sends its digest to a member met for the first time, so that it learns this node too. */
    @Override
    public void greet(String member) {
        antiEntropy.greet(member);
    }

    @Override
    public void heardAgain(String member) {
        antiEntropy.heardAgain(member);
    }

    @Override
    public String addressOf(String member) {
        return transport().physicalAddress(member);
    }

    private void laneOverflowed(String member) {
        antiEntropy.laneOverflowed(member);
    }

    public ControlHandler controlHandler() {
        return new NodeControl(new NodeControl.Parts(config, folders, store, peers, transport, counters, clocks, clock,
                nodeId, () -> members, antiEntropy::resumed, this::reload, scheduler, queries));
    }

    /** The port of the {@code [node] http} listener (tests bind port 0), or -1 when there is none. */
    public int httpPort() {
        HttpEndpoint endpoint = http;
        return endpoint == null ? -1 : endpoint.port();
    }

    /** The router, for tests that inject messages as if they came from the network. */
    public MessageRouter router() {
        return router;
    }

    /** The running folder of that name, or null (tests). */
    public FolderSync folder(String name) {
        return folders.get(name);
    }

    /** The tombstone collector (tests run a pass at a clock they moved on). */
    public TombstoneCollector tombstones() {
        return tombstones;
    }

    public JGroupsTransport transportForTests() {
        return transport;
    }

    public long nodeId() {
        return nodeId;
    }

    /** The folders of a reload: started, stopped or restarted live ({@link Folders#reload}). */
    private void reloadFolders(List<FolderConfig> fresh, List<String> applied) throws ControlHandler.ControlException {
        Folders.Changes c;
        try {
            c = folders.reload(fresh, antiEntropy::resumed);
        } catch (IOException | RuntimeException e) {
            throw new ControlHandler.ControlException("a folder of the new configuration cannot start: " + e.getMessage());
        } finally {
            outbound.folders(folders.configs());
        }
        if (!c.added().isEmpty()) {
            applied.add("[[folder]] added: " + String.join(", ", c.added()));
        }
        if (!c.removed().isEmpty()) {
            applied.add("[[folder]] removed: " + String.join(", ", c.removed()));
        }
        if (!c.restarted().isEmpty()) {
            applied.add("[[folder]] changed, restarted with a rescan: " + String.join(", ", c.restarted()));
        }
    }

    /**
     * Re-reads the config file: {@code [[folder]]} tables added, removed or changed take effect at
     * once ({@link Folders#reload}: only those folders start, stop or restart), so do
     * {@code [cluster] credentials} and {@code revoked} (through the seal layer), {@code max-send},
     * {@code max-receive} and {@code tombstone-retention}; a difference in
     * {@code [node]} or the rest of {@code [cluster]} is reported as needing a restart.
     * Synchronized: one reload at a time (SIGHUP and the verb).
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
        io.syncnode.config.ClusterSection live = liveCluster;
        if (!java.util.Objects.equals(now.maxSend(), live.maxSend())
                || !java.util.Objects.equals(now.maxReceive(), live.maxReceive())) {
            source.limitSends(RateLimit.of(now.maxSend()));
            fetcher.limitReceives(RateLimit.of(now.maxReceive()));
            applied.add("[cluster] max-send " + (now.maxSend() == null ? "none" : now.maxSend()) + ", max-receive "
                    + (now.maxReceive() == null ? "none" : now.maxReceive()));
        }
        if (!now.tombstoneRetention().equals(live.tombstoneRetention())) {
            tombstones.retainFor(now.tombstoneRetention());
            applied.add("[cluster] tombstone-retention " + TombstoneCollector.text(now.tombstoneRetention()));
        }
        liveCluster = now;
        ClusterTrust trust = null;
        if (now.secured() && was.secured()) {
            try {
                trust = ClusterTrust.load(now, config.node().name(), clock.instant());
            } catch (CredentialsException e) {
                throw new ControlHandler.ControlException("the credentials are refused and the running ones stay: "
                        + e.getMessage());
            }
        }
        reloadFolders(fresh.folders(), applied);
        if (trust != null) {
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
        folders.closeWatchers();
        closed = true;
        HttpEndpoint endpoint = http;
        if (endpoint != null) {
            endpoint.close();
        }
        antiEntropy.close();
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
}
