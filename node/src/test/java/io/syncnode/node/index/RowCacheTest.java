package io.syncnode.node.index;

import static io.syncnode.node.index.Records.V1;
import static io.syncnode.node.index.Records.await;
import static io.syncnode.node.index.Records.regular;
import static io.syncnode.node.index.Records.stat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.Xattrs;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
        dropped(cache, "f", "b"); // a row of the folder written since the read began
        cache.offer(before, "f", "a", Optional.of(a));
        assertNull(cache.get("f", "a"), "a row read before a commit must not be cached after it");
        long beforeOther = cache.folderStamp("f");
        dropped(cache, "g", "a"); // another folder's commit
        cache.offer(beforeOther, "f", "a", Optional.of(a));
        assertEquals(Optional.of(a), cache.get("f", "a"), "another folder's commit does not void the offer");
        dropped(cache, "f", "a");
        cache.offer(cache.folderStamp("f"), "f", "a", Optional.of(a));
        assertEquals(Optional.of(a), cache.get("f", "a"));
        cache.offer(cache.folderStamp("f"), "f", "absent", Optional.empty());
        assertEquals(Optional.empty(), cache.get("f", "absent"));
    }

    @Test
    void clearDropsEveryRowAndTheCacheWorksOnAfterIt() {
        RowCache cache = new RowCache();
        StoredFile a = new StoredFile("f", regular("a", "1"), stat(1), 1);
        cache.offer(cache.folderStamp("f"), "f", "a", Optional.of(a));
        cache.offer(cache.folderStamp("f"), "f", "absent", Optional.empty());
        cache.changed(Map.of(new RowCache.Key("g", "b"), a), Set.of(), true);
        assertEquals(Optional.of(a), cache.get("f", "a"));
        assertEquals(Optional.of(a), cache.get("g", "b"));
        long stamp = cache.folderStamp("f");
        cache.clear();
        assertNull(cache.get("f", "a"), "a cleared cache holds no row");
        assertNull(cache.get("f", "absent"), "nor the absence of one");
        assertNull(cache.get("g", "b"));
        cache.offer(stamp, "f", "a", Optional.of(a)); // read before the clear, no write since: still current
        assertEquals(Optional.of(a), cache.get("f", "a"));
        dropped(cache, "f", "a");
        assertNull(cache.get("f", "a"), "a write after the clear still drops the row");
    }

    /** A transaction ended that wrote the row {@code folder/path} without saying what it holds (a removal). */
    private static void dropped(RowCache cache, String folder, String path) {
        Map<RowCache.Key, StoredFile> keys = new HashMap<>();
        keys.put(new RowCache.Key(folder, path), null);
        cache.changed(keys, Set.of(), true);
    }

    @Test
    void aCommittedPutIsCachedAsWrittenAndARolledBackOneIsDropped() {
        RowCache cache = new RowCache();
        StoredFile a1 = new StoredFile("f", regular("a", "1"), stat(1), 1);
        StoredFile a2 = new StoredFile("f", regular("a", "2"), stat(2), 2);
        long before = cache.folderStamp("f");
        cache.changed(Map.of(new RowCache.Key("f", "a"), a1), Set.of(), true);
        assertEquals(Optional.of(a1), cache.get("f", "a"), "the committed row, without a read");
        cache.offer(before, "f", "a", Optional.empty()); // read before that commit
        assertEquals(Optional.of(a1), cache.get("f", "a"), "an older read does not replace it");
        cache.changed(Map.of(new RowCache.Key("f", "a"), a2), Set.of(), false);
        assertNull(cache.get("f", "a"), "a rolled-back write leaves nothing cached");
        cache.changed(Map.of(new RowCache.Key("g", "a"), a1), Set.of("g"), true);
        assertNull(cache.get("g", "a"), "a row of a folder the transaction forgot is not cached");
    }

    /**
     * What a committed put leaves in the cache is what SQLite gives back for the row, for every
     * type and field (xattrs, hard link, tombstone, an unsettled or absent stat): a read served from
     * the cache and one from the database after the cache is emptied are equal.
     */
    @Test
    void aRowCachedAtItsCommitEqualsTheRowReadBack() {
        List<FileRecord> records = new ArrayList<>();
        for (FileType t : FileType.values()) {
            records.add(Records.ofType(t, "t/" + t.name().toLowerCase(java.util.Locale.ROOT)));
        }
        FileRecord linked = regular("l/second", "linked");
        records.add(new FileRecord(linked.path(), linked.type(), linked.mode(), linked.uid(), linked.gid(),
                linked.mtimeNs(), linked.size(), linked.hash(), null, 0, linked.version(), false, linked.modifiedBy(),
                Xattrs.of(Map.of("user.a", new byte[] {1, 2, 3}, "security.selinux", "x\0".getBytes())),
                "l/first"));
        records.add(regular("d/gone", "was here").asDeleted(V1, 1));
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            List<StatSignature> stats = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                FileRecord r = records.get(i);
                StatSignature st = r.deleted() ? null : i % 2 == 0 ? stat(i) : stat(i).unsettled();
                stats.add(st);
                store.get("f", r.path()); // cached as absent first
                store.writeAndWait(w -> w.put("f", r, st));
            }
            List<Optional<StoredFile>> cached = new ArrayList<>();
            for (FileRecord r : records) {
                cached.add(store.get("f", r.path()));
            }
            store.releaseMemory();
            for (int i = 0; i < records.size(); i++) {
                Optional<StoredFile> read = store.get("f", records.get(i).path());
                assertEquals(read, cached.get(i), records.get(i).path());
                assertEquals(records.get(i), read.orElseThrow().record());
                assertEquals(stats.get(i), read.orElseThrow().stat());
            }
        }
    }

    /**
     * A prefetch of a batch's paths (more than two queries' worth, some without a row, one with a
     * row in another folder only) leaves each in the cache as SQLite holds it, present or absent.
     */
    @Test
    void aPrefetchCachesTheRowsOfABatchPresentOrAbsent() {
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < 2 * FileQueries.PREFETCH_CHUNK + 22; i++) {
                paths.add(String.format("d/p%03d", i));
            }
            for (int i = 0; i < paths.size(); i += 3) {
                FileRecord r = regular(paths.get(i), "content " + i);
                StatSignature st = stat(i);
                store.writeAndWait(w -> w.put("f", r, st));
            }
            FileRecord elsewhere = regular(paths.get(1), "in g");
            store.writeAndWait(w -> w.put("g", elsewhere, stat(1)));
            store.releaseMemory();
            assertNull(store.cached("f", paths.get(0)), "emptied");
            store.prefetch("f", paths);
            List<Optional<StoredFile>> cached = new ArrayList<>();
            for (String p : paths) {
                cached.add(store.cached("f", p));
            }
            store.releaseMemory();
            for (int i = 0; i < paths.size(); i++) {
                assertEquals(store.get("f", paths.get(i)), cached.get(i), paths.get(i));
                assertEquals(i % 3 == 0, cached.get(i).isPresent(), paths.get(i));
            }
        }
    }

    @Test
    void aWrittenRowAndAForgottenFolderAreDropped() {
        RowCache cache = new RowCache();
        for (String p : List.of("a", "b")) {
            cache.offer(cache.folderStamp("f"), "f", p, Optional.empty());
            cache.offer(cache.folderStamp("g"), "g", p, Optional.empty());
        }
        dropped(cache, "f", "a");
        assertNull(cache.get("f", "a"));
        assertEquals(Optional.empty(), cache.get("f", "b"));
        cache.changed(Map.of(), Set.of("g"), true);
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
