package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.DirtyView;
import io.syncnode.node.control.PeerView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tombstone collection in a real cluster (real inotify, SQLite, JGroups SHARED_LOOPBACK), the
 * nodes' clock moved on by days ({@code [cluster] tombstone-retention} 30 days, the default): a
 * node that comes back within the retention gets the delete; one that comes back after it is a
 * new peer and brings the deleted file back (the documented limit).
 */
class TombstoneRetentionTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    LocalCluster cluster;
    final ShiftedClock clock = new ShiftedClock();

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of());
        cluster.clock = clock;
        cluster.startAll(T);
        Files.writeString(cluster.dir(0).resolve("doomed.txt"), "deleted while n1 is away");
        Files.writeString(cluster.dir(0).resolve("kept.txt"), "stays");
        cluster.awaitSame(T);
        cluster.stop(1);
        Files.delete(cluster.dir(0).resolve("doomed.txt"));
        await(T, () -> dirty(0).stream().anyMatch(d -> d.path().equals("doomed.txt") && d.peer().equals("n1")),
                "n0 keeps the delete dirty toward the absent n1");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aNodeBackWithinTheRetentionTakesTheDeleteAndTheTombstoneGoesOnlyAfterItsAck() throws Exception {
        clock.advance(Duration.ofDays(10));
        assertEquals(0L, collect(0), "n1 still owes the ack, and the delete is 10 days old");
        assertTrue(peerNames(0).contains("n1"), "away 10 days: not forgotten");

        cluster.start(1);
        await(T, () -> !Files.exists(cluster.dir(1).resolve("doomed.txt")), "n1 applies the delete made while away");
        cluster.awaitSame(T);
        await(T, () -> dirty(0).isEmpty(), () -> "n1 acknowledged everything: " + dirty(0));
        assertEquals(0L, collect(0), "acknowledged, but only 10 days old");

        clock.advance(Duration.ofDays(21));
        assertEquals(1L, collect(0), "acknowledged by n1 and 31 days old: collected on the author");
        assertEquals(1L, collect(1), "and on n1, which took the delete (it owes nobody an ack for it)");
        assertEquals(1L, handler(0).status().counters().tombstonesCollected());
        Files.writeString(cluster.dir(1).resolve("later.txt"), "traffic after the collection");
        cluster.awaitSame(T);
        assertFalse(Files.exists(cluster.dir(0).resolve("doomed.txt")), "no resurrection");
        assertFalse(Files.exists(cluster.dir(1).resolve("doomed.txt")), "no resurrection");
        assertEquals(List.of("kept.txt", "later.txt"), names(cluster.dir(0)));
    }

    @Test
    void aNodeBackAfterTheRetentionIsANewPeerAndBringsTheDeletedFileBack() throws Exception {
        clock.advance(Duration.ofDays(31));
        assertEquals(1L, collect(0), "n1, away 31 days, is forgotten, and with it the ack the tombstone waited for");
        assertFalse(peerNames(0).contains("n1"));
        assertEquals(List.of(), dirty(0));

        cluster.start(1);
        await(T, () -> peerNames(0).contains("n1"), "n1 is met again, as a new peer");
        cluster.awaitSame(T);
        assertTrue(Files.exists(cluster.dir(0).resolve("doomed.txt")),
                "n0 no longer knows of the delete: n1's copy comes back (README, Limits)");
        assertEquals(List.of("doomed.txt", "kept.txt"), names(cluster.dir(1)));
    }

    private long collect(int i) throws Exception {
        return cluster.node(i).tombstones().collect().get(30, TimeUnit.SECONDS);
    }

    private ControlHandler handler(int i) {
        return cluster.node(i).controlHandler();
    }

    private List<DirtyView> dirty(int i) {
        try {
            return handler(i).dirtyPage("data", null, 0).entries();
        } catch (ControlHandler.ControlException e) {
            throw new AssertionError(e);
        }
    }

    private List<String> peerNames(int i) {
        return handler(i).peers().stream().map(PeerView::name).toList();
    }

    private static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
