package io.syncnode.node.index;

import static io.syncnode.node.index.Records.await;
import static io.syncnode.node.index.Records.regular;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteTransactionTest {
    @TempDir
    Path stateDir;
    SqliteIndexStore store;

    @BeforeEach
    void open() {
        store = SqliteIndexStore.open(stateDir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aWriteThatThrowsRollsBackEverythingAndFailsWithIndexException() {
        StoredFile before = await(store.write(w -> w.put("f", regular("kept", "v1"), null)));
        IllegalStateException boom = new IllegalStateException("scanner gave up");
        CompletableFuture<Object> failed = store.write(w -> {
            w.put("f", regular("new", "x"), null);
            w.put("f", regular("kept", "v2"), null);
            w.markDirty("f", "new", List.of(1L), Instant.EPOCH);
            w.upsertPeer(new PeerInfo(1, "beta", null, null));
            assertTrue(w.get("f", "new").isPresent()); // visible inside the transaction
            throw boom;
        });
        IndexException e = assertThrows(IndexException.class, () -> await(failed));
        assertSame(boom, e.getCause());
        assertEquals("write transaction", e.step());
        assertTrue(e.getMessage().contains("index.db") && e.getMessage().contains("scanner gave up"), e.getMessage());

        assertEquals(Optional.empty(), store.get("f", "new"));
        assertEquals(before, store.get("f", "kept").orElseThrow());
        assertEquals(0, store.dirtyCount(null));
        assertEquals(List.of(), store.peers());
        // the sequence counter was rolled back too, and the writer still works
        StoredFile after = await(store.write(w -> w.put("f", regular("next", "n"), null)));
        assertEquals(before.sequence() + 1, after.sequence());
    }

    @Test
    void anSqlFailureNamesTheStepAndSubject() {
        FileRecord badPath = new FileRecord("p", FileType.REGULAR, 0, 0, 0, 0, 0, Records.hashOf("p"), null, 0,
                Records.V1, false, 1);
        IndexException e = assertThrows(IndexException.class, () -> await(store.write(w -> {
            w.put("f", regular("first", "1"), null);
            return w.put(null, badPath, null);
        })));
        assertTrue(e.getMessage().contains("put") || e.getCause() instanceof NullPointerException, e.getMessage());
        assertEquals(Optional.empty(), store.get("f", "first"));
    }

    @Test
    void readersAreNotBlockedByAnOpenWriteTransaction() throws Exception {
        await(store.write(w -> w.put("f", regular("a", "committed"), null)));
        CountDownLatch insideWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<StoredFile> open = store.write(w -> {
            StoredFile s = w.put("f", regular("a", "uncommitted"), null);
            insideWrite.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never released the write");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return s;
        });
        assertTrue(insideWrite.await(30, TimeUnit.SECONDS));

        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<StoredFile>> read = reader.submit(() -> store.get("f", "a"));
            // Must complete while the write transaction is still open, and see the committed state.
            StoredFile seen = read.get(10, TimeUnit.SECONDS).orElseThrow();
            assertEquals(Records.hashOf("committed"), seen.record().hash());
            assertFalse(open.isDone());
            assertEquals(1, reader.submit(() -> store.liveCount("f")).get(10, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            reader.shutdownNow();
        }
        await(open);
        assertEquals(Records.hashOf("uncommitted"), store.get("f", "a").orElseThrow().record().hash());
    }

    @Test
    void writesRunInSubmissionOrderOnTheIndexWriterThread() {
        AtomicReference<String> thread = new AtomicReference<>();
        CompletableFuture<StoredFile> first = store.write(w -> w.put("f", regular("p", "1"), null));
        CompletableFuture<StoredFile> second = store.write(w -> {
            thread.set(Thread.currentThread().getName());
            return w.put("f", regular("p", "2"), null);
        });
        assertTrue(await(first).sequence() < await(second).sequence());
        assertEquals("index-writer", thread.get());
        assertEquals(Records.hashOf("2"), store.get("f", "p").orElseThrow().record().hash());
    }

    @Test
    void anEscapedWriterCannotBeUsedOutsideItsTransaction() {
        IndexWriter escaped = await(store.write(w -> w));
        assertThrows(IllegalStateException.class, () -> escaped.put("f", regular("p", "1"), null));
        assertEquals(Optional.empty(), store.get("f", "p"));
    }

    @Test
    void closeFinishesQueuedWrites() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> blocker = store.write(w -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        CompletableFuture<StoredFile> queued = store.write(w -> w.put("f", regular("queued", "q"), null));
        ExecutorService closer = Executors.newSingleThreadExecutor();
        try {
            Future<?> closing = closer.submit(store::close);
            release.countDown();
            closing.get(30, TimeUnit.SECONDS);
        } finally {
            closer.shutdownNow();
        }
        assertTrue(blocker.isDone() && queued.isDone() && !queued.isCompletedExceptionally());
        store = SqliteIndexStore.open(stateDir);
        assertTrue(store.get("f", "queued").isPresent());
    }

    @Test
    void closeFromInsideAWriteIsRefused() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> store.write(w -> {
                    store.close();
                    return null;
                }).get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
    }
}
