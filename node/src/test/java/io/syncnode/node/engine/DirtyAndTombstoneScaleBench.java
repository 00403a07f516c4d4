package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncnode.node.index.DirtyPage;
import io.syncnode.node.index.PeerInfo;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints (does not assert times) what {@code dirty} and tombstone collection cost at a million
 * rows, on a real SQLite index. Not part of the suite (the name does not end in Test); run it with
 * {@code mvn -B -o test -pl node -am -Dtest=DirtyAndTombstoneScaleBench
 * -Dsurefire.failIfNoSpecifiedTests=false}. Rounds alternate the variants (A/B/A/B) so that the
 * load of a shared machine falls on both alike; medians are printed.
 */
class DirtyAndTombstoneScaleBench {
    static final int DIRTY_PATHS = 500_000; // x 2 peers = 1,000,000 dirty entries
    static final int FILES = 1_000_000;
    static final int OLD_TOMBSTONES = 200_000;
    static final int YOUNG_TOMBSTONES = 100_000;
    static final int ROUNDS = 5;
    static final long SELF = 1L;

    @TempDir
    Path dirtyDir;
    @TempDir
    Path filesDir;

    @Test
    void dirtyListAllVersusOnePage() throws Exception {
        try (SqliteIndexStore store = SqliteIndexStore.open(dirtyDir)) {
            Instant t = Instant.now();
            long t0 = System.nanoTime();
            store.write(w -> {
                w.upsertPeer(new PeerInfo(2L, "beta", null, t));
                w.upsertPeer(new PeerInfo(3L, "gamma", null, t));
                for (int i = 0; i < DIRTY_PATHS; i++) {
                    w.markDirty("ct101", String.format("rootfs/usr/lib/pkg%03d/file-%06d", i % 1000, i), List.of(2L, 3L), t);
                }
                return null;
            }).get(10, TimeUnit.MINUTES);
            System.out.printf("dirty: %,d entries written in %.1f s%n", 2L * DIRTY_PATHS, (System.nanoTime() - t0) / 1e9);
            List<Long> all = new ArrayList<>();
            List<Long> first = new ArrayList<>();
            List<Long> middle = new ArrayList<>();
            DirtyPage.Cursor mid = new DirtyPage.Cursor("ct101", String.format("rootfs/usr/lib/pkg%03d/file-%06d", 500, 500));
            for (int r = 0; r < ROUNDS; r++) {
                long a = System.nanoTime();
                assertEquals(2 * DIRTY_PATHS, store.dirty(null).size());
                all.add(System.nanoTime() - a);
                long b = System.nanoTime();
                assertEquals(1000, store.dirtyPage(null, null, 1000).entries().size());
                first.add(System.nanoTime() - b);
                long c = System.nanoTime();
                assertEquals(1000, store.dirtyPage("ct101", mid, 1000).entries().size());
                middle.add(System.nanoTime() - c);
            }
            System.out.printf("dirty (1,000,000 entries), median of %d interleaved rounds: whole list (the old verb) %.0f ms;"
                    + " first page of 1000 with total %.0f ms; a page from the middle, one folder %.0f ms%n",
                    ROUNDS, median(all) / 1e6, median(first) / 1e6, median(middle) / 1e6);
        }
    }

    @Test
    void collectingTwoHundredThousandTombstonesAmongAMillionRows() throws Exception {
        try (SqliteIndexStore store = SqliteIndexStore.open(filesDir)) {
            Instant now = Instant.now();
            long old = now.minus(Duration.ofDays(40)).getEpochSecond();
            long young = now.minus(Duration.ofDays(3)).getEpochSecond();
            long t0 = System.nanoTime();
            for (int chunk = 0; chunk < FILES; chunk += 100_000) {
                int from = chunk;
                store.write(w -> {
                    for (int i = from; i < from + 100_000; i++) {
                        boolean dead = i % 5 == 0 || i % 10 == 1; // 20 % old, 10 % young tombstones
                        long at = i % 10 == 1 ? young : old;
                        String path = String.format("rootfs/d%04d/f%07d", i / 1000, i);
                        FileRecord live = new FileRecord(path, FileType.DIRECTORY, 0755, 0, 0, 0, 0, null, null, 0,
                                VersionVector.of(Map.of(SELF, at)), false, SELF);
                        w.put("ct101", dead ? live.asDeleted(VersionVector.of(Map.of(SELF, at)), SELF) : live, null);
                    }
                    return null;
                }).get(10, TimeUnit.MINUTES);
            }
            System.out.printf("files: %,d rows (%,d old and %,d young tombstones) written in %.1f s%n", FILES,
                    OLD_TOMBSTONES, YOUNG_TOMBSTONES, (System.nanoTime() - t0) / 1e9);
            PeerDirectory peers = new PeerDirectory(store, SELF, java.time.Clock.systemUTC());
            ExecutorService executor = Executors.newSingleThreadExecutor();
            AtomicLong collected = new AtomicLong();
            TombstoneCollector collector = new TombstoneCollector(store, peers, Set::of, Duration.ofDays(30),
                    java.time.Clock.systemUTC(), executor, collected);
            // a folder worker's small commit every 20 ms while the pass runs: how long does it wait?
            List<Long> waits = Collections.synchronizedList(new ArrayList<>());
            List<Long> quiet = probes(store, 100); // the same commits without a pass beside them, before
            long p0 = System.nanoTime();
            CompletableFuture<Long> pass = collector.collect();
            while (!pass.isDone()) {
                long s = System.nanoTime();
                store.write(w -> w.get("ct101", "rootfs/d0000/f0000002")).get(1, TimeUnit.MINUTES);
                waits.add(System.nanoTime() - s);
                Thread.sleep(20); // pacing the probe (a measurement), not synchronisation
            }
            long n = pass.get();
            long pass2 = System.nanoTime();
            quiet.addAll(probes(store, 100)); // ... and after
            long again = collector.collect().get(10, TimeUnit.MINUTES);
            long p2 = System.nanoTime();
            executor.shutdown();
            assertEquals(OLD_TOMBSTONES, n);
            assertEquals(0, again);
            Collections.sort(waits);
            System.out.printf("collection: %,d tombstones in %.1f s (%d batches of at most %d); a small commit beside it"
                    + " waited median %.1f ms, max %.1f ms (%d probes; without the pass: median %.1f ms, max %.1f ms,"
                    + " %d probes); a pass with nothing to drop (%,d young tombstones read) %.1f s%n", n,
                    (pass2 - p0) / 1e9, (n + TombstoneCollector.BATCH - 1) / TombstoneCollector.BATCH,
                    TombstoneCollector.BATCH, median(waits) / 1e6, waits.isEmpty() ? 0 : waits.get(waits.size() - 1) / 1e6,
                    waits.size(), median(quiet) / 1e6, Collections.max(quiet) / 1e6, quiet.size(), YOUNG_TOMBSTONES,
                    (p2 - pass2) / 1e9);
        }
    }

    /** {@code n} small commits 20 ms apart, each timed from its submission to its commit. */
    private static List<Long> probes(SqliteIndexStore store, int n) throws Exception {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            store.write(w -> w.get("ct101", "rootfs/d0000/f0000002")).get(1, TimeUnit.MINUTES);
            out.add(System.nanoTime() - s);
            Thread.sleep(20); // pacing the probe (a measurement), not synchronisation
        }
        return out;
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }
}
