package io.syncnode.node.index;

import static io.syncnode.node.index.Records.await;
import static io.syncnode.node.index.Records.regular;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirtyAndPeersTest {
    static final long BETA = 0x0b0b_0000_0000_0001L;
    static final long GAMMA = 0x0c0c_0000_0000_0002L;
    static final long UNKNOWN = -2L;
    static final Instant T1 = Instant.ofEpochMilli(1_700_000_000_000L);
    static final Instant T2 = Instant.ofEpochMilli(1_700_000_060_000L);

    @TempDir
    Path stateDir;
    SqliteIndexStore store;

    @BeforeEach
    void open() {
        store = SqliteIndexStore.open(stateDir);
        await(store.write(w -> {
            w.upsertPeer(new PeerInfo(BETA, "beta", "10.0.0.2:7800", T1));
            w.upsertPeer(new PeerInfo(GAMMA, "gamma", null, null));
            return null;
        }));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void write(java.util.function.Consumer<IndexWriter> work) {
        await(store.write(w -> {
            work.accept(w);
            return null;
        }));
    }

    @Test
    void markingAgainKeepsTheOriginalSince() {
        write(w -> w.markDirty("f", "p", List.of(BETA), T1));
        write(w -> w.markDirty("f", "p", List.of(BETA, GAMMA), T2));
        assertEquals(List.of(new DirtyEntry("f", "p", BETA, "beta", T1), new DirtyEntry("f", "p", GAMMA, "gamma", T2)),
                store.dirty("f"));
    }

    @Test
    void forgetPeerDropsItsRowsInEveryFolderAndSaysHowManyAndCountsArePerFolder() {
        write(w -> {
            w.markDirty("f", "p", List.of(BETA, GAMMA), T1);
            w.markDirty("f", "q", List.of(GAMMA), T1);
            w.markDirty("g", "p", List.of(GAMMA), T1);
        });
        assertEquals(Map.of(BETA, 1L, GAMMA, 2L), store.dirtyCountByPeer("f"));
        assertEquals(Map.of(GAMMA, 1L), store.dirtyCountByPeer("g"));
        assertEquals(Map.of(BETA, 1L, GAMMA, 3L), store.dirtyCountByPeer(null));
        assertEquals(3, (int) await(store.write(w -> w.forgetPeer(GAMMA))));
        assertEquals(List.of("f p beta"), store.dirty(null).stream().map(d -> d.folder() + " " + d.path() + " "
                + d.peerName()).toList());
        assertEquals(List.of("beta"), store.peers().stream().map(PeerInfo::name).toList());
        assertEquals(0, (int) await(store.write(w -> w.forgetPeer(GAMMA))), "forgetting again drops nothing");
    }

    @Test
    void anyDirtyTowardLooksAtOnePeerInOneFolder() {
        assertFalse(store.anyDirtyToward(BETA, "f"));
        write(w -> w.markDirty("f", "p", List.of(BETA), T1));
        assertTrue(store.anyDirtyToward(BETA, "f"));
        assertFalse(store.anyDirtyToward(BETA, "g"), "another folder");
        assertFalse(store.anyDirtyToward(BETA + 1, "f"), "another peer");
        write(w -> w.clearDirty("f", "p", BETA));
        assertFalse(store.anyDirtyToward(BETA, "f"));
    }

    @Test
    void sinceIsKeptToTheMillisecond() {
        write(w -> w.markDirty("f", "p", List.of(BETA), T1.plusNanos(1_234_567)));
        assertEquals(T1.plusMillis(1), store.dirty(null).get(0).since());
    }

    @Test
    void clearRemovesOnePeerAndClearAllEveryPeer() {
        write(w -> {
            w.markDirty("f", "p", List.of(BETA, GAMMA), T1);
            w.markDirty("f", "q", List.of(BETA, GAMMA), T1);
        });
        write(w -> w.clearDirty("f", "p", BETA));
        write(w -> w.clearDirty("f", "p", 12345)); // not dirty: no-op
        assertEquals(List.of("p gamma", "q beta", "q gamma"),
                store.dirty("f").stream().map(d -> d.path() + " " + d.peerName()).toList());
        write(w -> w.clearDirtyAll("f", "q"));
        assertEquals(List.of("p gamma"), store.dirty(null).stream().map(d -> d.path() + " " + d.peerName()).toList());
        // clearing then marking starts a new since
        write(w -> w.clearDirty("f", "p", GAMMA));
        write(w -> w.markDirty("f", "p", List.of(GAMMA), T2));
        assertEquals(T2, store.dirty("f").get(0).since());
    }

    @Test
    void listingIsSortedByFolderPathAndPeerNameWithHexForUnknownPeers() {
        write(w -> {
            w.markDirty("g", "a", List.of(BETA), T1);
            w.markDirty("f", "b", List.of(GAMMA, UNKNOWN, BETA), T1);
            w.markDirty("f", "a.b", List.of(GAMMA), T1);
            w.markDirty("f", "a/b", List.of(GAMMA), T1);
        });
        assertEquals(List.of("f a.b gamma", "f a/b gamma", "f b beta", "f b fffffffffffffffe", "f b gamma", "g a beta"),
                store.dirty(null).stream().map(d -> d.folder() + " " + d.path() + " " + d.peerName()).toList());
        assertEquals(5, store.dirty("f").size());
    }

    @Test
    void countsPerFolderAndPerPeer() {
        write(w -> {
            w.markDirty("f", "a", List.of(BETA, GAMMA), T1);
            w.markDirty("f", "b", List.of(BETA), T1);
            w.markDirty("g", "c", List.of(BETA), T1);
        });
        assertEquals(4, store.dirtyCount(null));
        assertEquals(3, store.dirtyCount("f"));
        assertEquals(0, store.dirtyCount("none"));
        assertEquals(Map.of(BETA, 3L, GAMMA, 1L), store.dirtyCountByPeer());
    }

    @Test
    void dirtyRecordsForGivesTheCurrentRecordsOfThatPeersPaths() {
        write(w -> {
            w.put("f", regular("a", "old"), null);
            w.put("f", regular("b", "b"), null);
            w.put("f", regular("c", "c"), null);
            w.put("g", regular("a", "other folder"), null);
            w.markDirty("f", "c", List.of(BETA), T1);
            w.markDirty("f", "a", List.of(BETA, GAMMA), T1);
            w.markDirty("f", "b", List.of(GAMMA), T1);
            w.markDirty("f", "purged", List.of(BETA), T1); // no files row: left out
            w.markDirty("g", "a", List.of(BETA), T1);
        });
        write(w -> w.put("f", regular("a", "new"), null));
        List<StoredFile> records = store.dirtyRecordsFor(BETA, "f");
        assertEquals(List.of("a", "c"), records.stream().map(StoredFile::path).toList());
        assertEquals(Records.hashOf("new"), records.get(0).record().hash());
        assertEquals(List.of(), store.dirtyRecordsFor(UNKNOWN, "f"));
    }

    @Test
    void dirtyRecordsForInPagesGivesThePathsAfterTheCursorUpToTheLimit() {
        write(w -> {
            for (String p : List.of("a", "b", "c", "d", "e")) {
                w.put("f", regular(p, p), null);
            }
            w.put("g", regular("b", "other folder"), null);
            w.markDirty("f", "e", List.of(BETA), T1);
            w.markDirty("f", "a", List.of(BETA), T1);
            w.markDirty("f", "c", List.of(BETA, GAMMA), T1);
            w.markDirty("f", "d", List.of(GAMMA), T1);
            w.markDirty("f", "b", List.of(BETA), T1);
            w.markDirty("f", "purged", List.of(BETA), T1); // no files row: left out
            w.markDirty("g", "b", List.of(BETA), T1);
        });
        assertEquals(List.of("a", "b"), paths(store.dirtyRecordsFor(BETA, "f", null, 2)));
        assertEquals(List.of("c", "e"), paths(store.dirtyRecordsFor(BETA, "f", "b", 2)));
        assertEquals(List.of(), paths(store.dirtyRecordsFor(BETA, "f", "e", 2)));
        assertEquals(List.of("c", "d"), paths(store.dirtyRecordsFor(GAMMA, "f", null, 10)));
        assertEquals(paths(store.dirtyRecordsFor(BETA, "f")), paths(store.dirtyRecordsFor(BETA, "f", null, 10)),
                "one page as large as all: the same as the whole list");
    }

    private static List<String> paths(List<StoredFile> files) {
        return files.stream().map(StoredFile::path).toList();
    }

    @Test
    void upsertInsertsThenReplacesNameAddressAndLastSeen() {
        assertEquals(List.of(new PeerInfo(BETA, "beta", "10.0.0.2:7800", T1), new PeerInfo(GAMMA, "gamma", null, null)),
                store.peers());
        write(w -> w.upsertPeer(new PeerInfo(GAMMA, "alpha", "10.0.0.3:7800", T2)));
        assertEquals(List.of(new PeerInfo(GAMMA, "alpha", "10.0.0.3:7800", T2), new PeerInfo(BETA, "beta", "10.0.0.2:7800",
                T1)), store.peers());
    }
}
