package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.MinFree;
import io.syncnode.node.apply.Applier;
import io.syncnode.node.fetch.DiskSpace;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder's fetch queue over a real fetcher, a real index and a real folder; the peer is played by
 * the test through the fetcher's outbox (what the node sends it) and the fetcher's inbound calls
 * (what it answers). A fetch that fails without the source saying its content moved on is tried
 * again by itself after a pause that doubles, and arrives once the peer answers.
 */
class FetchRetryTest {
    private static final long PEER = 0x7eL;

    @TempDir
    Path tmp;

    private final List<Message.FetchRequest> requests = new CopyOnWriteArrayList<>();
    private final Problems problems = new Problems();
    private final List<Path> fetched = new CopyOnWriteArrayList<>();
    private ExecutorService worker;
    private ExecutorService io;
    private ScheduledExecutorService timer;
    private SqliteIndexStore store;
    private Fetcher fetcher;
    private FetchQueue queue;

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        worker = Executors.newSingleThreadExecutor();
        io = Executors.newFixedThreadPool(2);
        timer = Executors.newSingleThreadScheduledExecutor();
        store = SqliteIndexStore.open(Files.createDirectories(tmp.resolve("state")));
        Outbox peer = new Outbox() {
            @Override
            public boolean send(String member, Message message) {
                if (message instanceof Message.FetchRequest r) {
                    requests.add(r);
                }
                return true;
            }

            @Override
            public void multicast(Message message) {
            }
        };
        fetcher = new Fetcher(peer, io, timer, new AtomicLong());
        PeerDirectory peers = new PeerDirectory(store, store.nodeId(), Clock.systemUTC());
        IndexBuffer buffer = new IndexBuffer("data", store, peers, n -> true, peer, Clock.systemUTC(),
                new NodeCounters());
        queue = new FetchQueue("data", buffer, new Applier(root), fetcher, worker, (label, step) -> () -> {
            try {
                step.run();
            } catch (Exception e) {
                throw new IllegalStateException(label, e);
            }
        }, rel -> { }, problems, new FetchQueue.Space(new DiskSpace(root, new MinFree(0, 0)),
                (delay, task) -> timer.schedule(() -> worker.execute(task), delay.toMillis(), TimeUnit.MILLISECONDS)),
                new FetchQueue.Commit() {
                    @Override
                    public void fetched(String from, FileRecord target, Path temp, boolean announce) {
                        fetched.add(temp);
                    }

                    @Override
                    public void removedTemp(String rel) {
                    }
                });
    }

    @AfterEach
    void tearDown() throws Exception {
        fetcher.cancelAll();
        worker.shutdownNow();
        io.shutdownNow();
        timer.shutdownNow();
        store.close();
    }

    @Test
    void aFailedFetchIsTriedAgainAfterAPauseThatDoublesAndArrives() throws Exception {
        byte[] content = "the content the peer holds".getBytes();
        FileRecord target = record("f.txt", content);
        onWorker(() -> queue.enqueue("n1", target, false));
        await(Duration.ofSeconds(10), () -> requests.size() == 1, () -> "the first request");

        long failedAt = System.nanoTime();
        fetcher.onAbort("n1", new Message.FetchAbort(requests.get(0).transferId(), Message.AbortReason.IO_ERROR,
                "read error"));
        await(Duration.ofSeconds(10), () -> requests.size() == 2, () -> "a second request without any new announcement");
        long firstPause = System.nanoTime() - failedAt;
        assertTrue(firstPause >= FetchQueue.RETRY_FIRST.toNanos() - 50_000_000L,
                "tried again after the first pause, not at once: " + firstPause / 1_000_000 + " ms");
        assertTrue(problems.of("f.txt").text().contains("read error"), "the failure is shown: " + problems.of("f.txt"));
        assertEquals(Problems.Kind.FETCH_FAILED, problems.of("f.txt").kind());
        assertEquals(1, (int) ask(queue::pending), "the fetch is still pending");

        failedAt = System.nanoTime();
        fetcher.onAbort("n1", new Message.FetchAbort(requests.get(1).transferId(), Message.AbortReason.IO_ERROR,
                "read error again"));
        await(Duration.ofSeconds(15), () -> requests.size() == 3, () -> "a third request");
        long secondPause = System.nanoTime() - failedAt;
        assertTrue(secondPause >= 2 * FetchQueue.RETRY_FIRST.toNanos() - 50_000_000L,
                "the pause doubled: " + secondPause / 1_000_000 + " ms");

        Message.FetchRequest third = requests.get(2);
        fetcher.onData("n1", new Message.FetchData(third.transferId(), 0, List.of(new Message.Literal(content)), true));
        await(Duration.ofSeconds(10), () -> fetched.size() == 1, () -> "the file arrives");
        assertArrayEquals(content, Files.readAllBytes(fetched.get(0)));
    }

    @Test
    void aStoredVersionReplacesTheRetry() throws Exception {
        byte[] content = "wanted".getBytes();
        FileRecord target = record("g.txt", content);
        onWorker(() -> queue.enqueue("n1", target, false));
        await(Duration.ofSeconds(10), () -> requests.size() == 1, () -> "the first request");
        fetcher.onAbort("n1", new Message.FetchAbort(requests.get(0).transferId(), Message.AbortReason.CANCELLED,
                "source busy"));
        await(Duration.ofSeconds(10), () -> problems.of("g.txt") != null, () -> "the failure");
        assertEquals(1, (int) ask(queue::pending), "a retry is pending");
        onWorker(() -> queue.settled("g.txt", target.hash())); // the version arrived another way
        assertEquals(0, (int) ask(queue::pending), "nothing pending once a version of the path is stored");
    }

    private static FileRecord record(String path, byte[] content) throws Exception {
        return new FileRecord(path, FileType.REGULAR, 0644, 0, 0, 1_790_000_000_000_000_000L, content.length,
                ContentHash.of(MessageDigest.getInstance("SHA-256").digest(content)), null, 0,
                VersionVector.of(Map.of(PEER, 1L)), false, PEER);
    }

    private void onWorker(Runnable r) throws Exception {
        CompletableFuture.runAsync(r, worker).get(10, TimeUnit.SECONDS);
    }

    private <T> T ask(java.util.function.Supplier<T> s) throws Exception {
        return CompletableFuture.supplyAsync(s, worker).get(10, TimeUnit.SECONDS);
    }
}
