package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The source of a long transfer crashes (SIGKILL) half-way: the receiver keeps the complete old
 * version at the path (a half-received file is never applied); when the source is back, the
 * receiver converges to the new version, resuming from its partial result (it fetches well under
 * 1.5 x the file size in literals over both attempts); and after a restart of the receiver no
 * {@code .syncnode-tmp.*} file is left in either folder.
 */
@ExtendWith(LogTailsOnFailure.class)
@ResourceLock(Lanes.BUSY)
class SourceKilledMidTransferIT {
    static final long SIZE = 256L * BigFiles.MIB;
    /** Kill the source once B's temp file holds this much: half-way, so a transfer that restarts from 0 shows. */
    static final long KILL_AT = SIZE / 2;
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    Path home;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        home = Files.createTempDirectory("syncnode-it-killsrc");
        cluster = Cluster.tcp(home, 2, Cluster.randomPort(), "200ms");
        cluster.startAll();
    }

    @AfterEach
    void stop() {
        try {
            cluster.close();
        } finally {
            Cluster.deleteTree(home);
        }
    }

    @Test
    void receiverKeepsOldVersionThenResumesAndLeavesNoTempFiles() throws Exception {
        NodeProcess a = cluster.node(1);
        NodeProcess b = cluster.node(2);
        Path onA = a.folder().resolve("big.bin");
        Path onB = b.folder().resolve("big.bin");
        Path staging = home.resolve("n1/staging.bin"); // same file system, outside the folder

        BigFiles.writeRandom(staging, SIZE, 1);
        String oldSha = BigFiles.sha256(staging);
        Files.move(staging, onA, StandardCopyOption.ATOMIC_MOVE);
        BigFiles.awaitContent(onB, SIZE, oldSha, TIMEOUT);
        BigFiles.awaitNoDirty(TIMEOUT, a, b);

        // a new version that differs everywhere, appearing at once (temp + rename)
        BigFiles.writeRandom(staging, SIZE, 2);
        String newSha = BigFiles.sha256(staging);
        long fetchedBefore = BigFiles.counter(b, "bytesFetched");
        long t0 = System.nanoTime();
        Files.move(staging, onA, StandardCopyOption.ATOMIC_MOVE);
        long[] seen = {0};
        Await.await(TIMEOUT, Duration.ofMillis(2), () -> (seen[0] = BigFiles.tempBytes(b.folder())) >= KILL_AT,
                () -> "B's temp file reaches " + KILL_AT + " bytes (last seen " + seen[0] + ", B's file "
                        + BigFiles.stat(onB) + ")");
        a.kill9();
        System.out.printf("SourceKilledMidTransferIT: killed A (SIGKILL) %.1f s after the new version appeared,"
                + " B's temp file at %,d bytes%n", DeltaTransferIT.seconds(t0), seen[0]);

        Await.await(Cluster.CONVERGE, Duration.ofMillis(200), () -> b.members().equals(Set.of("n2")),
                () -> "B sees A gone (members " + b.members() + ")");
        assertEquals(oldSha, BigFiles.sha256(onB), "B's file after the source died is not the complete old version");
        long firstAttempt = BigFiles.counter(b, "bytesFetched") - fetchedBefore;
        List<Path> partials = BigFiles.temps(b.folder());
        System.out.printf("SourceKilledMidTransferIT: B kept the old version; first attempt fetched %,d bytes;"
                + " temp files on B now: %s (%,d bytes)%n", firstAttempt, partials, BigFiles.tempBytes(b.folder()));

        t0 = System.nanoTime();
        cluster.restart(1);
        BigFiles.awaitContent(onB, SIZE, newSha, TIMEOUT);
        long total = BigFiles.counter(b, "bytesFetched") - fetchedBefore;
        System.out.printf("SourceKilledMidTransferIT: after A's restart B has the new version in %.1f s; B fetched"
                + " %,d literal bytes for the whole transfer (%.2f x the file; retry %,d)%n",
                DeltaTransferIT.seconds(t0), total, (double) total / SIZE, total - firstAttempt);
        assertTrue(total < 2 * SIZE, "B fetched " + total + " bytes, >= 2 x the file");
        assertTrue(total < 1.25 * SIZE, "no resume: B fetched " + total + " bytes for a " + SIZE
                + "-byte file after receiving " + firstAttempt + " before the crash");
        BigFiles.awaitNoDirty(TIMEOUT, a, b);

        b.stopCleanly();
        cluster.restart(2);
        assertEquals(newSha, BigFiles.sha256(onB));
        assertEquals(List.of(), BigFiles.temps(b.folder()), "temp files left in B's folder");
        assertEquals(List.of(), BigFiles.temps(a.folder()), "temp files left in A's folder");
    }
}
