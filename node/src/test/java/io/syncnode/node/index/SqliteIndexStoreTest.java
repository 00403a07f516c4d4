package io.syncnode.node.index;

import static io.syncnode.node.index.Records.V1;
import static io.syncnode.node.index.Records.await;
import static io.syncnode.node.index.Records.hashOf;
import static io.syncnode.node.index.Records.ofType;
import static io.syncnode.node.index.Records.regular;
import static io.syncnode.node.index.Records.stat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SqliteIndexStoreTest {
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

    private StoredFile put(String folder, FileRecord record, StatSignature stat) {
        return await(store.write(w -> w.put(folder, record, stat)));
    }

    private List<String> paths(List<StoredFile> files) {
        return files.stream().map(StoredFile::path).toList();
    }

    @ParameterizedTest(name = "{0} with stat")
    @EnumSource(FileType.class)
    void everyFieldRoundTripsForEveryType(FileType type) {
        FileRecord record = ofType(type, "dir/" + type.name().toLowerCase());
        StoredFile stored = put("ct101", record, stat(42));

        StoredFile read = store.get("ct101", record.path()).orElseThrow();
        assertEquals(stored, read);
        assertEquals(record, read.record());
        assertEquals(stat(42), read.stat());
        assertEquals(await(store.write(w -> w.get("ct101", record.path()))), Optional.of(read));
    }

    @ParameterizedTest(name = "{0} tombstone without stat")
    @EnumSource(FileType.class)
    void tombstonesWithoutStatRoundTrip(FileType type) {
        FileRecord live = ofType(type, "gone/" + type.name());
        FileRecord tombstone = live.asDeleted(V1.bump(Records.BETA, 1_800_000_000L), Records.BETA);
        put("ct101", tombstone, null);

        StoredFile read = store.get("ct101", tombstone.path()).orElseThrow();
        assertEquals(tombstone, read.record());
        assertTrue(read.record().deleted());
        assertEquals(null, read.stat());
    }

    @Test
    void freeingThePageCachesAtRestKeepsEveryRowAndTheNextWrites() {
        for (int i = 0; i < 2_000; i++) {
            int n = i;
            await(store.write(w -> w.put("f", regular(String.format("d/%05d", n), "c" + n), stat(n))));
        }
        assertEquals(2_000, store.liveCount("f")); // the readers' caches hold pages too
        store.releaseMemory();
        await(store.write(w -> null)); // behind the writer's own shrink
        assertEquals(2_000, store.liveCount("f"));
        assertEquals(regular("d/01234", "c1234"), store.get("f", "d/01234").orElseThrow().record());
        put("f", regular("d/99999", "after"), stat(7));
        assertEquals(2_001, store.liveCount("f"));
    }

    @Test
    void emptyVersionVectorAndExtremeValuesRoundTrip() {
        FileRecord record = new FileRecord("x", FileType.REGULAR, 07777, Integer.MIN_VALUE, -1, Long.MIN_VALUE,
                Long.MAX_VALUE, hashOf("x"), null, Long.MAX_VALUE, VersionVector.EMPTY, false, 0);
        StatSignature extreme = new StatSignature(-1, Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, -1, -1, Integer.MAX_VALUE);
        put("f", record, extreme);
        StoredFile read = store.get("f", "x").orElseThrow();
        assertEquals(record, read.record());
        assertEquals(extreme, read.stat());
    }

    @Test
    void putReplacesAndSequenceIncreasesAcrossFolders() {
        StoredFile first = put("a", regular("p", "1"), stat(1));
        StoredFile second = put("b", regular("p", "2"), stat(2));
        StoredFile third = put("a", regular("p", "3"), null);
        assertTrue(first.sequence() < second.sequence() && second.sequence() < third.sequence());
        assertEquals(third, store.get("a", "p").orElseThrow());
        assertEquals(1, store.liveCount("a"));
    }

    @Test
    void sequenceNeverRepeatsAfterForgetAndReopen() {
        put("a", regular("p", "1"), null);
        StoredFile last = put("a", regular("q", "1"), null);
        await(store.write(w -> {
            w.forgetFolder("a");
            return null;
        }));
        store.close();
        store = SqliteIndexStore.open(stateDir);
        assertTrue(put("a", regular("r", "1"), null).sequence() > last.sequence());
    }

    @Test
    void getOfUnknownPathIsEmpty() {
        assertEquals(Optional.empty(), store.get("ct101", "nope"));
    }

    @Test
    void nodeIdPersistsAcrossReopenAndDiffersBetweenStores(@TempDir Path otherDir) {
        long id = store.nodeId();
        assertNotEquals(0, id);
        store.close();
        store = SqliteIndexStore.open(stateDir);
        assertEquals(id, store.nodeId());
        try (SqliteIndexStore other = SqliteIndexStore.open(otherDir)) {
            assertNotEquals(id, other.nodeId());
        }
    }

    @Test
    void underMatchesOnlyEntriesStrictlyBelowTheDirectory() {
        List<String> all = List.of("a", "a.b", "a.b/x", "a/b", "a/b/c", "a/z", "a0", "ab", "ab/x", "b", "a-", "a/");
        await(store.write(w -> {
            all.forEach(p -> w.put("f", regular(p, p), null));
            w.put("other", regular("a/b", "elsewhere"), null);
            return null;
        }));

        assertEquals(List.of("a/b", "a/b/c", "a/z"), paths(store.under("f", "a"))); // "a/" itself is not under "a"
        assertEquals(List.of("a/b/c"), paths(store.under("f", "a/b")));
        assertEquals(List.of("a.b/x"), paths(store.under("f", "a.b")));
        assertEquals(List.of("ab/x"), paths(store.under("f", "ab")));
        assertEquals(List.of(), paths(store.under("f", "b")));
        assertEquals(List.of(), paths(store.under("f", "missing")));
        // Whole folder, in UTF-8 byte order: '-' < '.' < '/' < '0' < 'b'.
        assertEquals(List.of("a", "a-", "a.b", "a.b/x", "a/", "a/b", "a/b/c", "a/z", "a0", "ab", "ab/x", "b"),
                paths(store.under("f", "")));
        assertThrows(IllegalArgumentException.class, () -> store.under("f", "a/"));
    }

    @Test
    void underIsNotFooledByLikeWildcardsOrCase() {
        await(store.write(w -> {
            for (String p : List.of("a_b/x", "axb/x", "a%/y", "A/z", "a/z")) {
                w.put("f", regular(p, p), null);
            }
            return null;
        }));
        assertEquals(List.of("a_b/x"), paths(store.under("f", "a_b")));
        assertEquals(List.of("a%/y"), paths(store.under("f", "a%")));
        assertEquals(List.of("a/z"), paths(store.under("f", "a")));
    }

    @Test
    void pathsSortInUtf8ByteOrder() {
        // U+FF5E (3 bytes, EF BD 9E) sorts before U+1F600 (4 bytes, F0 9F 98 80) in UTF-8,
        // although Java's UTF-16 String order puts the surrogate pair first.
        List<String> paths = List.of("z", "\uFF5E", "\uD83D\uDE00", "é");
        await(store.write(w -> {
            paths.forEach(p -> w.put("f", regular(p, p), null));
            return null;
        }));
        assertEquals(List.of("z", "é", "\uFF5E", "\uD83D\uDE00"), paths(store.under("f", "")));
    }

    @Test
    void forEachStreamsTheFolderInPathOrderWithTombstones() {
        await(store.write(w -> {
            w.put("f", regular("b", "b"), stat(1));
            w.put("f", regular("a", "a").asDeleted(V1.bump(1, 2), 1), null);
            w.put("g", regular("c", "c"), null);
            return null;
        }));
        List<String> seen = new ArrayList<>();
        store.forEach("f", file -> {
            seen.add(file.path() + (file.record().deleted() ? "(deleted)" : ""));
            // a nested read from inside the stream must not deadlock
            assertTrue(store.get("g", "c").isPresent());
        });
        assertEquals(List.of("a(deleted)", "b"), seen);
        assertEquals(1, store.liveCount("f"));
        assertEquals(0, store.liveCount("nothing"));
    }

    @Test
    void forEachPropagatesTheActionsExceptionAndFreesTheConnection() {
        put("f", regular("a", "a"), null);
        IllegalStateException boom = new IllegalStateException("stop");
        assertEquals(boom, assertThrows(IllegalStateException.class, () -> store.forEach("f", file -> {
            throw boom;
        })));
        assertTrue(store.get("f", "a").isPresent());
    }

    @Test
    void findLiveByHashWantsALiveRegularFileOnDisk() {
        await(store.write(w -> {
            w.put("f", regular("not-on-disk", "same"), null);
            w.put("f", regular("deleted", "same").asDeleted(V1, 1), null);
            w.put("f", regular("z-on-disk", "same"), stat(9));
            w.put("f", regular("y-on-disk", "same"), stat(8));
            w.put("g", regular("other-folder", "other"), stat(7));
            return null;
        }));
        assertEquals("y-on-disk", store.findLiveByHash("f", hashOf("same")).orElseThrow().path());
        assertEquals(Optional.empty(), store.findLiveByHash("f", hashOf("other")));
        assertEquals(Optional.empty(), store.findLiveByHash("f", hashOf("unknown")));
    }

    @Test
    void forgetFolderDropsEntriesAndDirtyRowsOfThatFolderOnly() {
        java.time.Instant now = java.time.Instant.ofEpochMilli(1_700_000_000_000L);
        await(store.write(w -> {
            w.put("gone", regular("a", "a"), null);
            w.put("kept", regular("a", "a"), null);
            w.markDirty("gone", "a", List.of(1L), now);
            w.markDirty("kept", "a", List.of(1L), now);
            return null;
        }));
        await(store.write(w -> {
            w.forgetFolder("gone");
            return null;
        }));
        assertEquals(List.of(), store.under("gone", ""));
        assertEquals(0, store.dirtyCount("gone"));
        assertEquals(1, store.liveCount("kept"));
        assertEquals(1, store.dirtyCount("kept"));
    }

    @Test
    void closeThenReopenKeepsEverything() {
        java.time.Instant since = java.time.Instant.ofEpochMilli(1_700_000_000_123L);
        await(store.write(w -> {
            for (FileType type : FileType.values()) {
                w.put("f", ofType(type, "t/" + type), stat(type.ordinal()));
            }
            w.markDirty("f", "t/REGULAR", List.of(5L), since);
            w.upsertPeer(new PeerInfo(5, "beta", "10.0.0.2:7800", since));
            return null;
        }));
        List<StoredFile> before = store.under("f", "");
        byte[] digest = store.digest("f");
        long node = store.nodeId();
        store.close();
        store.close(); // idempotent

        assertTrue(java.nio.file.Files.exists(stateDir.resolve("index.db")));
        store = SqliteIndexStore.open(stateDir);
        assertEquals(before, store.under("f", ""));
        assertEquals(java.util.HexFormat.of().formatHex(digest), java.util.HexFormat.of().formatHex(store.digest("f")));
        assertEquals(node, store.nodeId());
        assertEquals(List.of(new DirtyEntry("f", "t/REGULAR", 5, "beta", since)), store.dirty(null));
        assertEquals(List.of(new PeerInfo(5, "beta", "10.0.0.2:7800", since)), store.peers());
    }

    @Test
    void closeTruncatesTheWal() throws Exception {
        put("f", regular("a", "a"), null);
        store.close();
        Path wal = stateDir.resolve("index.db-wal");
        assertTrue(!java.nio.file.Files.exists(wal) || java.nio.file.Files.size(wal) == 0, "WAL left: " + wal);
    }

    @Test
    void readsAndWritesAfterCloseFailWithIndexException() {
        store.close();
        assertThrows(IndexException.class, () -> store.get("f", "a"));
        IndexException e = assertThrows(IndexException.class, () -> await(store.write(w -> w.put("f",
                regular("a", "a"), null))));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void staleDirtyRecordsAreThoseDirtySinceBeforeACutOffLongestFirstAndBounded() {
        java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
        await(store.write(w -> {
            for (String p : List.of("old1", "old2", "new", "other-peer")) {
                w.put("f", regular(p, p), null);
            }
            w.markDirty("f", "old2", List.of(7L), t0.plusSeconds(1));
            w.markDirty("f", "old1", List.of(7L), t0);
            w.markDirty("f", "new", List.of(7L), t0.plusSeconds(100));
            w.markDirty("f", "other-peer", List.of(8L), t0);
            return null;
        }));
        java.time.Instant cutOff = t0.plusSeconds(50);
        assertEquals(List.of("old1", "old2"), paths(store.staleDirtyRecordsFor(7L, "f", cutOff, 10)));
        assertEquals(List.of("old1"), paths(store.staleDirtyRecordsFor(7L, "f", cutOff, 1)), "at most the limit");
        assertEquals(List.of(), paths(store.staleDirtyRecordsFor(7L, "other", cutOff, 10)));
    }
}
