package io.syncnode.node.index;

import static io.syncnode.node.index.Records.V1;
import static io.syncnode.node.index.Records.await;
import static io.syncnode.node.index.Records.regular;
import static io.syncnode.node.index.Records.stat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RowCache} alone, and the store's reads through it never older than its last commit. */
class RowCacheTest {
    @TempDir
    Path stateDir;

    @Test
    void anOfferMadeBeforeACommitThatWroteRowsIsVoid() {
        RowCache cache = new RowCache();
        StoredFile a = new StoredFile("f", regular("a", "1"), stat(1), 1);
        assertNull(cache.get("f", "a"));
        long before = cache.folderStamp("f");
        cache.changed(List.of(new RowCache.Key("f", "b")), Set.of()); // a row of the folder written since the read began
        cache.offer(before, "f", "a", Optional.of(a));
        assertNull(cache.get("f", "a"), "a row read before a commit must not be cached after it");
        long beforeOther = cache.folderStamp("f");
        cache.changed(List.of(new RowCache.Key("g", "a")), Set.of()); // another folder's commit
        cache.offer(beforeOther, "f", "a", Optional.of(a));
        assertEquals(Optional.of(a), cache.get("f", "a"), "another folder's commit does not void the offer");
        cache.changed(List.of(new RowCache.Key("f", "a")), Set.of());
        cache.offer(cache.folderStamp("f"), "f", "a", Optional.of(a));
        assertEquals(Optional.of(a), cache.get("f", "a"));
        cache.offer(cache.folderStamp("f"), "f", "absent", Optional.empty());
        assertEquals(Optional.empty(), cache.get("f", "absent"));
    }

    @Test
    void aWrittenRowAndAForgottenFolderAreDropped() {
        RowCache cache = new RowCache();
        for (String p : List.of("a", "b")) {
            cache.offer(cache.folderStamp("f"), "f", p, Optional.empty());
            cache.offer(cache.folderStamp("g"), "g", p, Optional.empty());
        }
        cache.changed(List.of(new RowCache.Key("f", "a")), Set.of());
        assertNull(cache.get("f", "a"));
        assertEquals(Optional.empty(), cache.get("f", "b"));
        cache.changed(List.of(), Set.of("g"));
        assertNull(cache.get("g", "a"));
        assertNull(cache.get("g", "b"));
        assertEquals(Optional.empty(), cache.get("f", "b"));
        cache.clear();
        assertNull(cache.get("f", "b"));
    }

    @Test
    void theStoreReadsEveryCommittedWriteOfARowItHadCached() {
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            assertEquals(Optional.empty(), store.get("f", "a")); // cached as absent
            FileRecord v1 = regular("a", "one");
            await(store.write(w -> w.put("f", v1, stat(1))));
            assertEquals(v1, store.get("f", "a").orElseThrow().record());
            assertEquals(v1, store.get("f", "a").orElseThrow().record()); // from the cache now
            FileRecord v2 = regular("a", "two", VersionVector.of(Map.of(Records.ALPHA, 1_800_000_000L)));
            store.writeAndWait(w -> w.put("f", v2, stat(2)));
            assertEquals(v2, store.get("f", "a").orElseThrow().record());

            FileRecord gone = v2.asDeleted(V1, 1);
            long seq = store.writeAndWait(w -> w.put("f", gone, null)).sequence();
            assertTrue(store.get("f", "a").orElseThrow().record().deleted());
            boolean dropped = await(store.write(w -> w.dropTombstone("f", "a", seq)));
            assertTrue(dropped);
            assertEquals(Optional.empty(), store.get("f", "a"));

            await(store.write(w -> w.put("f", v1, stat(1))));
            assertEquals(v1, store.get("f", "a").orElseThrow().record());
            await(store.write(w -> {
                w.forgetPath("f", "a");
                return null;
            }));
            assertEquals(Optional.empty(), store.get("f", "a"));

            await(store.write(w -> w.put("f", v1, stat(1))));
            assertEquals(v1, store.get("f", "a").orElseThrow().record());
            await(store.write(w -> {
                w.forgetFolder("f");
                return null;
            }));
            assertEquals(Optional.empty(), store.get("f", "a"));

            // a transaction that fails writes nothing, and the row read afterwards is the committed one
            await(store.write(w -> w.put("f", v1, stat(1))));
            try {
                store.writeAndWait(w -> {
                    w.put("f", v2, stat(2));
                    throw new IllegalStateException("rolled back");
                });
            } catch (IndexException expected) {
                // the write function's failure
            }
            assertEquals(v1, store.get("f", "a").orElseThrow().record());
        }
    }

    @Test
    void aReaderRacingAWriterNeverKeepsTheOlderRow() throws Exception {
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            AtomicReference<Throwable> failed = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try {
                    while (done.getCount() > 0) {
                        store.get("f", "a");
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "reader");
            reader.start();
            try {
                for (int i = 1; i <= 300; i++) {
                    FileRecord v = regular("a", "content " + i,
                            VersionVector.of(Map.of(Records.ALPHA, 1_700_000_000L + i)));
                    store.writeAndWait(w -> w.put("f", v, stat(1)));
                    assertEquals(v, store.get("f", "a").orElseThrow().record(), "read after commit " + i);
                }
            } finally {
                done.countDown();
                reader.join();
            }
            assertNull(failed.get());
        }
    }

    @Test
    void theCacheIsBounded() {
        RowCache cache = new RowCache();
        for (int i = 0; i < RowCache.MAX_ROWS * 2; i++) {
            cache.offer(cache.folderStamp("f"), "f", "p" + i, Optional.empty());
        }
        long held = 0;
        for (int i = 0; i < RowCache.MAX_ROWS * 2; i++) {
            held += cache.get("f", "p" + i) != null ? 1 : 0;
        }
        assertTrue(held <= RowCache.MAX_ROWS + RowCache.MAX_ROWS / 10, held + " rows held");
    }
}
