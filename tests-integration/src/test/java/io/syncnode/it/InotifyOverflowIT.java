package io.syncnode.it;

import io.syncnode.testing.TreeSnapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * More events than the kernel queues (fs.inotify.max_queued_events) while the node is frozen
 * (SIGSTOP): the overflow makes it rescan, and every file still reaches the peer.
 */
@ExtendWith(LogTailsOnFailure.class)
@ResourceLock(Lanes.BUSY)
class InotifyOverflowIT {
    static final Duration ARRIVE = Duration.ofSeconds(180);
    static final int DIRS = 100;

    Path home;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        home = Files.createTempDirectory("syncnode-it-overflow");
        cluster = Cluster.tcp(home, 2, Cluster.randomPort(), "10ms");
        cluster.startAll();
    }

    @AfterEach
    void stop() {
        try {
            cluster.node(1).sigcont(); // never leave a frozen process behind
        } catch (RuntimeException | AssertionError e) {
            // not running
        }
        try {
            cluster.close();
        } finally {
            Cluster.deleteTree(home);
        }
    }

    @Test
    void filesWrittenWhileTheNodeIsFrozenArriveAfterAQueueOverflow() throws Exception {
        int maxQueued = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/fs/inotify/max_queued_events")).get(0).trim());
        int files = Math.max(30_000, (maxQueued + 5_000) / DIRS * DIRS);
        int perDir = files / DIRS;
        NodeProcess n1 = cluster.node(1);
        Path one = n1.folder();
        Path two = cluster.node(2).folder();

        // the directories first, watched by n1 (they reached n2): files created in them while n1 is
        // frozen queue one inotify event each; files in unwatched new dirs would be found by the
        // scan of the new dir without any overflow
        for (int d = 0; d < DIRS; d++) {
            Files.createDirectory(one.resolve("d" + d));
        }
        cluster.awaitIdentical(Cluster.CONVERGE);

        n1.sigstop();
        long t0 = System.nanoTime();
        for (int d = 0; d < DIRS; d++) {
            Path dir = one.resolve("d" + d);
            for (int f = 0; f < perDir; f++) {
                Files.write(dir.resolve("f" + f), content(d, f));
            }
        }
        long written = System.nanoTime();
        System.out.printf("wrote %d files in %d dirs in %.1f s (max_queued_events %d)%n", files, DIRS,
                (written - t0) / 1e9, maxQueued);
        n1.sigcont();
        long resumed = System.nanoTime();

        Await.await(ARRIVE, Duration.ofSeconds(1), () -> TreeSnapshot.countFiles(two) >= files,
                () -> files + " files on n2 (has " + TreeSnapshot.countFiles(two) + ")");
        long arrived = System.nanoTime();
        System.out.printf("all %d files on n2 %.1f s after SIGCONT (%.1f s after the first write)%n", files,
                (arrived - resumed) / 1e9, (arrived - t0) / 1e9);
        for (int[] at : new int[][] {{0, 0}, {DIRS / 2, perDir / 3}, {DIRS - 1, perDir - 1}}) {
            assertArrayEquals(content(at[0], at[1]), Files.readAllBytes(two.resolve("d" + at[0] + "/f" + at[1])));
        }
        cluster.awaitIdentical(Duration.ofSeconds(60));
        assertTrue(n1.logText().contains("inotify queue overflow"), "n1 logs the overflow");
        assertTrue(n1.logText().contains("fs.inotify.max_queued_events"),
                "n1's overflow log line names the sysctl to raise (DESIGN.md, Data flow 1)");
    }

    static byte[] content(int d, int f) {
        return ("file " + f + " of dir " + d + "\n").repeat(1 + (d * 7 + f) % 5).getBytes(StandardCharsets.UTF_8);
    }
}
