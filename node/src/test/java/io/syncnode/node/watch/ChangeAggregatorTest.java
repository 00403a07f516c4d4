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
import java.util.concurrent.TimeUnit;

import io.syncnode.testing.ManualScheduler;
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

    // Timing rules on a manual clock: the aggregator's "now" and the scheduler's delays are one
    // timeline, so the asserts are exact and no test waits for real time.

    private final ManualScheduler manual = new ManualScheduler();

    private ChangeAggregator manualAggregator(Duration settle, Duration maxDelay) {
        return new ChangeAggregator(settle, maxDelay, manual,
                b -> received.add(new Received(b, manual.nanoTime(), Thread.currentThread().getName())),
                m -> { }, manual::nanoTime);
    }

    @Test
    void flushesOnlyAfterTheSettleQuietTime() {
        ChangeAggregator agg = manualAggregator(Duration.ofMillis(200), Duration.ofSeconds(10));
        for (int i = 1; i <= 5; i++) {
            if (i > 1) {
                manual.advance(Duration.ofMillis(50));
            }
            agg.changed("p" + i, false);
        }
        long lastChange = manual.nanoTime();
        manual.advance(Duration.ofMillis(199));
        assertEquals(List.of(), received, "flushed before 200 ms of quiet");
        manual.advance(Duration.ofMillis(1));
        assertEquals(1, received.size());
        assertEquals(200, millisBetween(lastChange, received.get(0).nanos()));
        assertEquals(Set.of("p1", "p2", "p3", "p4", "p5"), received.get(0).batch().paths());
    }

    @Test
    void maxDelayCapsAContinuousStream() {
        ChangeAggregator agg = manualAggregator(Duration.ofMillis(100), Duration.ofMillis(300));
        for (int i = 0; i < 50; i++) { // a change every 20 ms for one second: never 100 ms of quiet
            agg.changed("p" + i, false);
            manual.advance(Duration.ofMillis(20));
        }
        List<Long> at = received.stream().map(r -> TimeUnit.NANOSECONDS.toMillis(r.nanos())).toList();
        assertEquals(List.of(300L, 600L, 900L), at, "a batch every maxDelay while the stream runs");
        assertEquals(15, received.get(0).batch().paths().size(), "changes at 0, 20, ... 280 ms");
        manual.advance(Duration.ofMillis(100));
        assertEquals(4, received.size(), "the rest, once the stream stopped");
        assertEquals(1_080L, TimeUnit.NANOSECONDS.toMillis(received.get(3).nanos()),
                "100 ms after the last change (980 ms)");
    }

    @Test
    void zeroSettleFlushesOnTheNextSchedulerTurnCoalescing() {
        ChangeAggregator agg = manualAggregator(Duration.ZERO, Duration.ofSeconds(1));
        agg.changed("a", false);
        agg.changed("b", true);
        assertEquals(List.of(), received, "nothing before the scheduler's turn");
        manual.runDue();
        assertEquals(1, received.size());
        assertEquals(new ChangeBatch(Set.of("a"), Set.of("b"), false), received.get(0).batch());
        assertEquals(0, received.get(0).nanos(), "no time passed");

        agg.changed("c", false);
        manual.runDue();
        assertEquals(2, received.size());
    }

    @Test
    void overflowFlushesAtOnceWithRescanAll() {
        ChangeAggregator agg = manualAggregator(Duration.ofSeconds(2), Duration.ofSeconds(30));
        agg.changed("a", false);
        agg.overflow("inotify queue overflow");
        manual.runDue();
        assertEquals(1, received.size(), "the overflow flushed without waiting for the 2 s settle time");
        assertEquals(new ChangeBatch(Set.of("a"), Set.of(), true), received.get(0).batch());
        manual.advance(Duration.ofSeconds(5));
        assertEquals(1, received.size(), "the superseded settle timer flushed nothing more");

        agg.changed("b", false);
        manual.advance(Duration.ofMillis(1_999));
        assertEquals(1, received.size());
        manual.advance(Duration.ofMillis(1));
        assertEquals(new ChangeBatch(Set.of("b"), Set.of(), false), received.get(1).batch());
    }

    @Test
    void aBurstOfAMillionReportsCostsOneTimer() {
        ChangeAggregator agg = manualAggregator(Duration.ofMillis(100), Duration.ofSeconds(1));
        for (int i = 0; i < 1_000_000; i++) {
            agg.changed("p" + (i % 1000), false);
        }
        assertEquals(1, manual.pending(), "timers outstanding");
        manual.advance(Duration.ofMillis(100));
        assertEquals(1, received.size());
        assertEquals(1000, received.get(0).batch().paths().size());
        assertEquals(0, manual.pending());
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
