package io.syncnode.node.engine;

import io.syncnode.config.MinFree;
import io.syncnode.node.apply.Applier;
import io.syncnode.node.fetch.DiskSpace;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.DeleteConflict;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.Reconciler;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One folder's engine parts built directly for unit tests: a real folder in a temp directory, a
 * real SQLite index, a real {@link Applier} and {@link FolderWorker}; a fixed clock, a same-thread
 * I/O pool, and an outbox that records what it is given. No fetcher unless a test gives one: a
 * test that reaches a fetch without one fails (its apply records a problem).
 */
final class EngineParts implements AutoCloseable {
    static final long SELF = 0x1111L;
    static final long PEER = 0x2222L;
    static final String FOLDER = "data";

    final Path root;
    final SqliteIndexStore store;
    final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    final NodeCounters counters = new NodeCounters();
    final Problems problems = new Problems();
    final List<Message> sent = new ArrayList<>();
    final List<String> rescans = new ArrayList<>();
    /** What the outbox says waits in every member's send lane (bytes). */
    final java.util.concurrent.atomic.AtomicLong laneWaiting = new java.util.concurrent.atomic.AtomicLong();
    final FolderWorker worker = new FolderWorker(FOLDER, false);
    final IndexBuffer buffer;
    final Applier applier;
    final FolderContext context;
    final int uid;
    final int gid;
    final long self;
    final PeerDirectory peers;
    /** Records what it is given in {@link #sent}. */
    final Outbox outbox;

    EngineParts(Path tmp) throws Exception {
        this(tmp, SELF, "self", PEER, "peer");
    }

    /** Parts of node {@code selfName} ({@code self}), which knows one peer, {@code peerName} ({@code peer}). */
    EngineParts(Path tmp, long self, String selfName, long peer, String peerName) throws Exception {
        this.self = self;
        root = Files.createDirectories(tmp.resolve("folder"));
        store = SqliteIndexStore.open(Files.createDirectories(tmp.resolve("state")));
        outbox = new Outbox() {
            @Override
            public synchronized boolean send(String member, Message message) {
                sent.add(message);
                return true;
            }

            @Override
            public synchronized void multicast(Message message) {
                sent.add(message);
            }

            @Override
            public long waiting(String member) {
                return laneWaiting.get();
            }
        };
        peers = new PeerDirectory(store, self, clock);
        if (peer != PEER || !peerName.equals("peer")) {
            peers.observe(peer, peerName, () -> "127.0.0.1:1");
        }
        buffer = new IndexBuffer(FOLDER, store, peers, node -> true, outbox, clock, counters);
        applier = new Applier(root);
        Executor sameThread = Runnable::run;
        context = new FolderContext(FOLDER, root, self, selfName, store, buffer, applier, clock, counters, problems,
                worker, new SplitBrainLog(FOLDER), (rel, dir) -> false, rescans::add,
                id -> id == self ? selfName : peerName, sameThread);
        uid = (Integer) Files.getAttribute(root, "unix:uid");
        gid = (Integer) Files.getAttribute(root, "unix:gid");
    }

    RemoteApplier remoteApplier(ConflictPolicy policy) {
        return remoteApplier(policy, null);
    }

    /** @param scope the folder-scope settings, or null for file scope */
    RemoteApplier remoteApplier(ConflictPolicy policy, FolderScopeVerdicts.Folder scope) {
        return remoteApplier(policy, scope, null);
    }

    /** @param fetcher fetches content (its requests go to {@link #outbox}), or null: a fetch fails */
    RemoteApplier remoteApplier(ConflictPolicy policy, FolderScopeVerdicts.Folder scope, Fetcher fetcher) {
        return new RemoteApplier(context, new Reconciler(policy, DeleteConflict.KEEP_MODIFIED, self), fetcher,
                new FetchQueue.Space(new DiskSpace(root, new MinFree(0, 0)), (delay, task) -> { }),
                new ApplyRetries(FOLDER, (delay, task) -> { }, (from, a) -> { }), scope, c -> { }, 3);
    }

    /** Runs {@code work} on the folder's worker and waits for it. */
    <T> T onWorker(FolderWorker.Work<T> work) throws Exception {
        return worker.submit(work).get(30, TimeUnit.SECONDS);
    }

    static ContentHash hash(byte[] content) throws Exception {
        return ContentHash.of(MessageDigest.getInstance("SHA-256").digest(content));
    }

    /** A regular file made by {@code by} at {@code clock}, with this user's owner. */
    FileRecord file(String path, byte[] content, int mode, long mtimeNs, long by, long clock) throws Exception {
        return new FileRecord(path, FileType.REGULAR, mode, uid, gid, mtimeNs, content.length, hash(content), null, 0,
                VersionVector.of(Map.of(by, clock)), false, by);
    }

    @Override
    public void close() {
        worker.close(() -> { });
        worker.awaitEnd();
        store.close();
    }
}
