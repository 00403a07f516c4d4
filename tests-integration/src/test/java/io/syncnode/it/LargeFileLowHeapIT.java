package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A 4 GiB file (16 times the heap) syncs from A to B with both nodes at {@code -Xmx256m}: content
 * is streamed, never held in memory, and sizes and offsets past 2^31 are handled. The file is
 * written outside A's folder and moved in, so A announces exactly one version.
 */
@ExtendWith(LogTailsOnFailure.class)
@ResourceLock(Lanes.BUSY)
class LargeFileLowHeapIT {
    static final long MIB_COUNT = 4096;
    static final long SIZE = MIB_COUNT * BigFiles.MIB;
    static final long NEEDED = 10L << 30;
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    Path home;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long free = BigFiles.usable(tmp);
        Assumptions.assumeTrue(free >= NEEDED, () -> String.format(
                "LargeFileLowHeapIT skipped: %,d bytes free in %s, needs 10 GiB", free, tmp));
        home = Files.createTempDirectory("syncnode-it-4g");
        cluster = Cluster.tcp(home, 2, Cluster.randomPort(), "200ms");
        cluster.startAll();
    }

    @AfterEach
    void stop() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            Cluster.deleteTree(home);
        }
    }

    @Test
    void fourGiBFileSyncsWithA256MiBHeap() throws Exception {
        NodeProcess a = cluster.node(1);
        NodeProcess b = cluster.node(2);
        for (NodeProcess n : List.of(a, b)) {
            List<String> args = List.of(ProcessHandle.of(n.pid()).orElseThrow().info().arguments().orElseThrow());
            assertTrue(args.contains("-Xmx256m"), n.name() + " runs with " + args);
            assertEquals(1, args.stream().filter(s -> s.startsWith("-Xmx")).count(), n.name() + " runs with " + args);
        }

        long t0 = System.nanoTime();
        Path staged = home.resolve("n1/big.staging");
        BigFiles.writeStamped(staged, MIB_COUNT, 4);
        double writeSeconds = DeltaTransferIT.seconds(t0);
        t0 = System.nanoTime();
        String sha = BigFiles.sha256(staged);
        System.out.printf("LargeFileLowHeapIT: wrote 4 GiB in %.1f s, hashed it in %.1f s%n", writeSeconds,
                DeltaTransferIT.seconds(t0));

        long fetchedBefore = BigFiles.counter(b, "bytesFetched");
        t0 = System.nanoTime();
        Files.move(staged, a.folder().resolve("four.gib"), StandardCopyOption.ATOMIC_MOVE);
        BigFiles.awaitContent(b.folder().resolve("four.gib"), SIZE, sha, TIMEOUT);
        double took = DeltaTransferIT.seconds(t0);
        long fetched = BigFiles.counter(b, "bytesFetched") - fetchedBefore;
        System.out.printf("LargeFileLowHeapIT: 4 GiB on B (size and SHA-256 equal) %.1f s after the move on A"
                + " (%.0f MB/s end to end, hashing on both sides included); B fetched %,d literal bytes%n",
                took, SIZE / 1e6 / took, fetched);
        assertTrue(a.isAlive() && b.isAlive(), "a node died");
        BigFiles.awaitNoDirty(Duration.ofMinutes(2), a, b);
        assertTrue(BigFiles.temps(b.folder()).isEmpty(), "temp files left on B: " + BigFiles.temps(b.folder()));
        String oom = "OutOfMemoryError";
        assertTrue(!a.logText().contains(oom) && !b.logText().contains(oom), "an OutOfMemoryError was logged");
    }
}
