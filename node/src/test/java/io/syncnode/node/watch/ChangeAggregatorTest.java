package io.syncnode.node.watch;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeAggregatorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    record Received(ChangeBatch batch, long nanos, String thread) {
    }

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "aggregator-test"));
    final List<Received> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private ChangeAggregator aggregator(Duration settle, Duration maxDelay) {
        return new ChangeAggregator(settle, maxDelay, scheduler,
                b -> received.add(new Received(b, System.nanoTime(), Thread.currentThread().getName())));
    }

    private static long millisBetween(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    @Test
    void coalescesABurstIntoOneBatch() {
        ChangeAggregator agg = aggregator(Duration.ofMillis(100), Duration.ofSeconds(5));
        agg.changed("a", false);
        agg.changed("b", false);
        agg.changed("a", false);
        agg.changed("dir", true);
        await(WAIT, () -> received.size() == 1);
        assertEquals(new ChangeBatch(Set.of("a", "b"), Set.of("dir"), false), received.get(0).batch());
        assertEquals("aggregator-test", received.get(0).thread());

        agg.changed("c", false);
        await(WAIT, () -> received.size() == 2);
        assertEquals(new ChangeBatch(Set.of("c"), Set.of(), false), received.get(1).batch());
    }

    @Test
    void flushesOnlyAfterTheSettleQuietTime() throws Exception {
        ChangeAggregator agg = aggregator(Duration.ofMillis(200), Duration.ofSeconds(10));
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        long[] lastSent = new long[1];
        ScheduledExecutorService source = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> stream = source.scheduleAtFixedRate(() -> {
                int i = sent.incrementAndGet();
                if (i <= 5) {
                    lastSent[0] = System.nanoTime();
                    agg.changed("p" + i, false);
                }
                if (i == 5) {
                    done.countDown();
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            stream.cancel(false);
            await(WAIT, () -> received.size() == 1);
            long quiet = millisBetween(lastSent[0], received.get(0).nanos());
            assertTrue(quiet >= 195, "flushed " + quiet + " ms after the last change, settle is 200 ms");
            assertEquals(Set.of("p1", "p2", "p3", "p4", "p5"), received.get(0).batch().paths());
        } finally {
            source.shutdownNow();
        }
    }

    @Test
    void maxDelayCapsAContinuousStream() throws Exception {
        ChangeAggregator agg = aggregator(Duration.ofMillis(100), Duration.ofMillis(300));
        ScheduledExecutorService source = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger n = new AtomicInteger();
        long start = System.nanoTime();
        try {
            source.scheduleAtFixedRate(() -> agg.changed("p" + n.incrementAndGet(), false), 0, 20, TimeUnit.MILLISECONDS);
            await(WAIT, () -> received.size() >= 3, "three batches while the stream runs");
        } finally {
            source.shutdownNow();
        }
        long first = millisBetween(start, received.get(0).nanos());
        long total = millisBetween(start, received.get(2).nanos());
        assertTrue(first >= 295, "first batch after " + first + " ms, maxDelay is 300 ms");
        assertTrue(first < 1_500, "first batch only after " + first + " ms with a 300 ms cap");
        System.out.printf("continuous stream every 20 ms, settle 100 ms, maxDelay 300 ms: batches at %d ms ... %d ms%n",
                first, total);
    }

    @Test
    void zeroSettleFlushesOnTheNextSchedulerTurnCoalescing() throws Exception {
        ChangeAggregator agg = aggregator(Duration.ZERO, Duration.ofSeconds(1));
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> {
            busy.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS));
        agg.changed("a", false);
        agg.changed("b", true);
        release.countDown();
        await(WAIT, () -> received.size() == 1);
        assertEquals(new ChangeBatch(Set.of("a"), Set.of("b"), false), received.get(0).batch());

        agg.changed("c", false);
        await(WAIT, () -> received.size() == 2);
    }

    @Test
    void overflowFlushesAtOnceWithRescanAll() {
        ChangeAggregator agg = aggregator(Duration.ofSeconds(2), Duration.ofSeconds(30));
        agg.changed("a", false);
        long t0 = System.nanoTime();
        agg.overflow("inotify queue overflow");
        await(WAIT, () -> received.size() == 1);
        assertEquals(new ChangeBatch(Set.of("a"), Set.of(), true), received.get(0).batch());
        long millis = millisBetween(t0, received.get(0).nanos());
        assertTrue(millis < 1_500, "overflow flush took " + millis + " ms: it waited for the 2 s settle time");

        agg.changed("b", false);
        await(WAIT, () -> received.size() == 2);
        assertEquals(new ChangeBatch(Set.of("b"), Set.of(), false), received.get(1).batch());
    }

    @Test
    void limitMessagesPassThroughOnTheScheduler() {
        List<String> limits = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        ChangeAggregator agg = new ChangeAggregator(Duration.ofMillis(10), Duration.ofSeconds(1), scheduler, b -> { },
                m -> {
                    limits.add(m);
                    threads.add(Thread.currentThread().getName());
                });
        agg.limitReached("raise fs.inotify.max_user_watches");
        await(WAIT, () -> limits.size() == 1);
        assertEquals(List.of("raise fs.inotify.max_user_watches"), limits);
        assertEquals(List.of("aggregator-test"), threads);
    }

    @Test
    void aSlowSinkDoesNotBlockReports() throws Exception {
        CountDownLatch inSink = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ChangeAggregator agg = new ChangeAggregator(Duration.ZERO, Duration.ofSeconds(1), scheduler, b -> {
            inSink.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.add(new Received(b, System.nanoTime(), Thread.currentThread().getName()));
        });
        agg.changed("a", false);
        assertTrue(inSink.await(10, TimeUnit.SECONDS));
        CompletableFuture.runAsync(() -> {
            agg.changed("b", false);
            agg.overflow("test");
        }).get(2, TimeUnit.SECONDS);
        release.countDown();
        await(WAIT, () -> received.size() == 2);
        assertEquals(new ChangeBatch(Set.of("b"), Set.of(), true), received.get(1).batch());
    }

    @Test
    void watcherFeedingTheAggregatorSettlesAFileBurst(@TempDir Path root) throws IOException {
        int files = 1_000;
        ChangeAggregator agg = aggregator(Duration.ofMillis(100), Duration.ofSeconds(2));
        try (InotifyWatcher watcher = new InotifyWatcher(root, p -> false, agg)) {
            watcher.start();
            Files.createDirectory(root.resolve("d"));
            for (int i = 0; i < files; i++) {
                Files.writeString(root.resolve("f" + i), "x");
            }
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < files; i++) {
                expected.add("f" + i);
            }
            await(WAIT, () -> {
                Set<String> seen = new HashSet<>();
                received.forEach(r -> seen.addAll(r.batch().paths()));
                return seen.containsAll(expected);
            }, "all files in the batches");
            assertTrue(received.stream().anyMatch(r -> r.batch().recursivePaths().contains("d")));
            assertFalse(received.stream().anyMatch(r -> r.batch().rescanAll()));
            System.out.printf("%d files (about %d inotify events) settled into %d batch(es)%n",
                    files, 3 * files, received.size());
        }
    }
}
