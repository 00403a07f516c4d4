package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Delta transfer between two node processes, measured on the wire (PROTOCOL.md 5.5, 5.6): a
 * 256 MiB random file reaches B; 1 MiB overwritten in its middle on A costs at most 1.2 x what
 * rsync ({@code -a -I --no-whole-file}) moves for the same change; renaming the file moves
 * (almost) nothing, since B finds the content locally.
 *
 * <p>Wire bytes of a change: the sum over both nodes of the growth of {@code wireBytesSent}
 * between two quiet points (both nodes' {@code dirty --json} empty).
 */
@ExtendWith(LogTailsOnFailure.class)
@ResourceLock(Lanes.BUSY)
class DeltaTransferIT {
    static final long SIZE = 256L * BigFiles.MIB;
    static final long CHANGE_AT = 128L * BigFiles.MIB + 4321; // not block-aligned, as in DeltaBench
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    Path home;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        home = Files.createTempDirectory("syncnode-it-delta");
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
    void oneMiBChangeCostsAboutWhatRsyncSendsAndARenameNothing() throws Exception {
        NodeProcess a = cluster.node(1);
        NodeProcess b = cluster.node(2);
        Path onA = a.folder().resolve("big.bin");
        Path onB = b.folder().resolve("big.bin");

        long t0 = System.nanoTime();
        BigFiles.writeRandom(onA, SIZE, 42);
        String v1 = BigFiles.sha256(onA);
        BigFiles.awaitContent(onB, SIZE, v1, TIMEOUT);
        System.out.printf("DeltaTransferIT: 256 MiB new file on B after %.1f s%n", seconds(t0));
        BigFiles.awaitNoDirty(TIMEOUT, a, b);

        // the old version, kept aside for rsync
        Path rsyncDir = home.resolve("rsync");
        Files.createDirectories(rsyncDir);
        Path oldCopy = rsyncDir.resolve("big.bin");
        BigFiles.copy(onA, oldCopy);

        long before = BigFiles.wireSent(a, b);
        long fetchedBefore = BigFiles.counter(b, "bytesFetched");
        t0 = System.nanoTime();
        BigFiles.overwrite(onA, CHANGE_AT, BigFiles.MIB, 7);
        String v2 = BigFiles.sha256(onA);
        BigFiles.awaitContent(onB, SIZE, v2, TIMEOUT);
        double changeSeconds = seconds(t0);
        BigFiles.awaitNoDirty(TIMEOUT, a, b);
        long ours = BigFiles.wireSent(a, b) - before;
        long literal = BigFiles.counter(b, "bytesFetched") - fetchedBefore;
        System.out.printf("DeltaTransferIT: 1 MiB overwrite at %d: on B after %.1f s; wire %,d bytes (sent by both"
                + " nodes), literal %,d bytes fetched by B%n", CHANGE_AT, changeSeconds, ours, literal);

        if (Files.isExecutable(BigFiles.RSYNC)) {
            BigFiles.RsyncStats rsync = BigFiles.rsync(onA, oldCopy);
            System.out.printf("DeltaTransferIT: rsync -a -I --no-whole-file: sent %,d + received %,d = %,d bytes"
                    + " (literal %,d, matched %,d); ours / rsync = %.3f%n", rsync.sent(), rsync.received(),
                    rsync.total(), rsync.literal(), rsync.matched(), (double) ours / rsync.total());
            assertTrue(BigFiles.sha256(oldCopy).equals(v2), "rsync did not rebuild the new version");
            assertTrue(ours <= 1.2 * rsync.total(), "wire bytes for the 1 MiB change: ours " + ours
                    + " > 1.2 x rsync's " + rsync.total());
        } else {
            System.out.printf("DeltaTransferIT: %s not found; rsync comparison skipped (ours: %,d bytes)%n",
                    BigFiles.RSYNC, ours);
        }
        Files.delete(oldCopy);

        before = BigFiles.wireSent(a, b);
        fetchedBefore = BigFiles.counter(b, "bytesFetched");
        t0 = System.nanoTime();
        Files.move(onA, a.folder().resolve("renamed.bin"));
        Path renamedOnB = b.folder().resolve("renamed.bin");
        BigFiles.awaitContent(renamedOnB, SIZE, v2, TIMEOUT);
        Await.await(TIMEOUT, Duration.ofMillis(100), () -> !Files.exists(onB), () -> onB + " gone after the rename");
        double renameSeconds = seconds(t0);
        BigFiles.awaitNoDirty(TIMEOUT, a, b);
        long renameWire = BigFiles.wireSent(a, b) - before;
        long renameLiteral = BigFiles.counter(b, "bytesFetched") - fetchedBefore;
        System.out.printf("DeltaTransferIT: rename of the 256 MiB file: on B after %.1f s; wire %,d bytes,"
                + " literal %,d bytes%n", renameSeconds, renameWire, renameLiteral);
        assertTrue(renameWire < 256 * 1024, "a rename moved " + renameWire + " wire bytes (>= 256 KiB)");
        assertFalse(Files.exists(onB));
        assertTrue(BigFiles.temps(b.folder()).isEmpty(), "temp files left on B: " + BigFiles.temps(b.folder()));
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
