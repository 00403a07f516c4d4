package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.index.PeerInfo;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tombstone collection on a real SQLite index, with a clock moved on by days. */
class TombstoneCollectorTest {
    private static final long SELF = 0x1111L;
    private static final long BETA = 0x2222L;
    private static final long GAMMA = 0x3333L;
    private static final Duration RETENTION = Duration.ofDays(30);

    @TempDir
    Path stateDir;
    private SqliteIndexStore store;
    private PeerDirectory peers;
    private final ShiftedClock clock = new ShiftedClock();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final AtomicLong collected = new AtomicLong();
    private Set<String> members = Set.of();
    private TombstoneCollector collector;

    @BeforeEach
    void open() {
        store = SqliteIndexStore.open(stateDir);
        peers = new PeerDirectory(store, SELF, clock);
        collector = new TombstoneCollector(store, peers, () -> members, RETENTION, clock, executor, collected);
    }

    @AfterEach
    void close() {
        executor.shutdownNow();
        store.close();
    }

    @Test
    void anAcknowledgedTombstoneOlderThanTheRetentionIsCollectedAndTheOthersStay() throws Exception {
        peers.observe(BETA, "beta", () -> "127.0.0.1:7801");
        Instant now = clock.instant();
        put(deleted("old-acked", now.minus(Duration.ofDays(31))));
        put(deleted("old-dirty", now.minus(Duration.ofDays(31))));
        write(w -> {
            w.markDirty("f", "old-dirty", List.of(BETA), now);
            return null;
        });
        put(deleted("young", now.minus(Duration.ofDays(29))));
        put(live("old-live", now.minus(Duration.ofDays(400))));
        put(deleted("old-conflicted", now.minus(Duration.ofDays(31))));
        write(w -> {
            w.putConflict(new StoredConflict("f", live("old-conflicted", now), "beta", now));
            return null;
        });

        assertEquals(1L, collect());

        assertTrue(store.get("f", "old-acked").isEmpty(), "acknowledged by every peer and old: collected");
        assertTrue(store.get("f", "old-dirty").isPresent(), "still dirty toward beta: kept");
        assertTrue(store.get("f", "young").isPresent(), "younger than the retention: kept");
        assertTrue(store.get("f", "old-live").isPresent(), "live records are never collected");
        assertTrue(store.get("f", "old-conflicted").isPresent(), "an open conflict refers to it: kept");
        assertEquals(1L, collected.get());
        assertEquals(List.of("beta"), peers.all().stream().map(PeerInfo::name).toList());

        write(w -> {
            w.clearDirty("f", "old-dirty", BETA);
            return null;
        });
        assertEquals(1L, collect());
        assertTrue(store.get("f", "old-dirty").isEmpty(), "collected once beta acknowledged it");
        assertEquals(2L, collected.get());
    }

    @Test
    void aPeerUnseenForLongerThanTheRetentionIsForgottenAndReleasesItsTombstones() throws Exception {
        peers.observe(GAMMA, "gamma", () -> "127.0.0.1:7803");
        peers.observe(BETA, "beta", () -> "127.0.0.1:7802");
        Instant deletedAt = clock.instant();
        put(deleted("gone", deletedAt));
        write(w -> {
            w.markDirty("f", "gone", List.of(BETA, GAMMA), deletedAt);
            w.clearDirty("f", "gone", BETA);
            return null;
        });
        clock.advance(Duration.ofDays(10));
        peers.observe(BETA, "beta", () -> "127.0.0.1:7802");

        assertEquals(0L, collect(), "within the retention gamma is owed the delete");
        assertEquals(List.of("beta", "gamma"), names());
        assertEquals(1L, store.dirtyCount("f"));

        clock.advance(Duration.ofDays(22));
        members = Set.of("beta");
        assertEquals(1L, collect());
        assertEquals(List.of("beta"), names(), "gamma (away 32 days) is forgotten; beta, a member, stays");
        assertEquals(0L, store.dirtyCount("f"));
        assertTrue(store.get("f", "gone").isEmpty());
        assertEquals(List.of("beta"), store.peers().stream().map(PeerInfo::name).toList());
    }

    @Test
    void manyTombstonesAreCollectedInBatches() throws Exception {
        Instant old = clock.instant().minus(Duration.ofDays(60));
        int n = TombstoneCollector.BATCH * 2 + 345;
        write(w -> {
            for (int i = 0; i < n; i++) {
                w.put(i % 2 == 0 ? "a" : "b", deleted(String.format("d/%05d", i), old), null);
                w.put("a", live(String.format("l/%05d", i), old), null);
            }
            return null;
        });
        assertEquals(n, collect());
        assertEquals(n, collected.get());
        assertEquals(n, store.liveCount("a"));
        List<String> left = new ArrayList<>();
        store.forEach("b", s -> left.add(s.path()));
        assertEquals(List.of(), left);
    }

    @Test
    void aTombstoneReplacedSinceTheReadIsNotDropped() throws Exception {
        long sequence = put(deleted("p", clock.instant().minus(Duration.ofDays(40))));
        put(deleted("p", clock.instant().minus(Duration.ofDays(39)))); // a new put: a new sequence
        boolean dropped = write(w -> w.dropTombstone("f", "p", sequence));
        assertFalse(dropped);
        assertTrue(store.get("f", "p").isPresent());
    }

    @Test
    void theCutoffIsTheLastFullHourMinusTheRetention() {
        assertEquals(Instant.parse("2026-11-06T10:00:00Z"),
                TombstoneCollector.cutoff(Instant.parse("2026-12-06T10:59:59Z"), RETENTION));
        VersionVector v = VersionVector.of(Map.of(BETA, Instant.parse("2026-11-06T09:59:59Z").getEpochSecond(),
                SELF, 7L));
        assertTrue(TombstoneCollector.olderThan(v, Instant.parse("2026-11-06T10:00:00Z")));
        assertFalse(TombstoneCollector.olderThan(v, Instant.parse("2026-11-06T09:59:59Z")));
        assertEquals("30d", TombstoneCollector.text(RETENTION));
        assertEquals("36h", TombstoneCollector.text(Duration.ofHours(36)));
    }

    private List<String> names() {
        return peers.all().stream().map(PeerInfo::name).sorted().toList();
    }

    private long collect() throws Exception {
        return collector.collect().get(30, TimeUnit.SECONDS);
    }

    private long put(FileRecord record) throws Exception {
        return write(w -> w.put("f", record, null)).sequence();
    }

    private <T> T write(Function<io.syncnode.node.index.IndexWriter, T> work) throws Exception {
        return await(store.write(work));
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static FileRecord live(String path, Instant at) {
        return new FileRecord(path, FileType.DIRECTORY, 0755, 0, 0, 0, 0, null, null, 0,
                VersionVector.of(Map.of(SELF, at.getEpochSecond())), false, SELF);
    }

    /** Deleted at {@code at}: the delete's counter is that time in seconds, as a bump makes it. */
    private static FileRecord deleted(String path, Instant at) {
        return live(path, at.minus(Duration.ofDays(1))).asDeleted(
                VersionVector.of(Map.of(SELF, at.minus(Duration.ofDays(1)).getEpochSecond(), BETA,
                        at.getEpochSecond())), BETA);
    }
}
