package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.ControlHandler.ControlException;
import io.syncnode.node.control.ForgetView;
import io.syncnode.node.control.PeerView;
import io.syncnode.node.control.SyncView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retiring a node on real nodes (real inotify, SQLite, JGroups over SHARED_LOOPBACK): {@code sync}
 * waits only on the members and names the absent peers it skipped; {@code forget} is refused for a
 * member and for the node itself, drops a stopped peer's dirty entries and peer entry for good
 * (across a restart of the forgetting node), and a forgotten node that comes back is a new peer
 * that converges.
 */
class NodeLifecycleTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of());
        cluster.startAll(T);
        Files.writeString(cluster.dir(0).resolve("before"), "written while both run");
        cluster.awaitSame(T);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private ControlHandler control(int i) {
        return cluster.node(i).controlHandler();
    }

    private long dirtyToward(int i, String peer) {
        return control(i).dirty(null).stream().filter(d -> d.peer().equals(peer)).count();
    }

    private List<String> peerNames(int i) {
        return control(i).peers().stream().map(PeerView::name).toList();
    }

    @Test
    void peersShowTheVersionEachPeerRuns() {
        // stated in the digests of the join; an upgrade shows a mixed cluster here
        await(T, () -> version(0, "n1") != null, () -> "n1's version on n0: " + control(0).peers());
        assertEquals(io.syncnode.node.wire.Software.DESCRIPTION, version(0, "n1"));
        assertEquals(io.syncnode.node.wire.Software.DESCRIPTION, version(1, "n0"));
    }

    private String version(int i, String peer) {
        return control(i).peers().stream().filter(p -> p.name().equals(peer)).findFirst().map(PeerView::version)
                .orElse(null);
    }

    @Test
    void forgetIsRefusedForAMemberAndForThisNode() {
        ControlException member = assertThrows(ControlException.class, () -> control(0).forget("n1"));
        assertTrue(member.getMessage().contains("n1 is a member"), member.getMessage());
        ControlException self = assertThrows(ControlException.class, () -> control(0).forget("n0"));
        assertTrue(self.getMessage().contains("is this node"), self.getMessage());
        assertEquals(List.of("n1"), peerNames(0), "a refused forget drops nothing");
    }

    @Test
    void syncSkipsAnAbsentPeerAndNamesIt() throws Exception {
        cluster.stop(1);
        await(T, () -> control(0).status().members().equals(List.of("n0")), () -> "n1 left n0's view");
        for (int i = 0; i < 3; i++) {
            Files.writeString(cluster.dir(0).resolve("while-n1-away-" + i), "x" + i);
        }
        await(T, () -> dirtyToward(0, "n1") >= 3, () -> "dirty toward the stopped n1: " + control(0).dirty(null));
        long owed = dirtyToward(0, "n1");

        long started = System.nanoTime();
        SyncView sync = control(0).sync(null, T, false);
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0,
                "sync waits on no absent peer");
        assertTrue(sync.converged(), "nothing is dirty toward a member: " + sync);
        assertEquals(List.of(new SyncView.SkippedPeer("n1", owed)), sync.skipped());

        SyncView all = control(0).sync(null, Duration.ofMillis(300), true);
        assertFalse(all.converged(), "with all peers, the absent one is waited on: " + all);
        assertEquals(owed, all.remaining());
        assertEquals(owed, all.entries().size(), "the sample of what is left: " + all.entries());
        all.entries().forEach(e -> assertEquals("n1", e.peer(), e.toString()));
        assertEquals(List.of(), all.skipped());
    }

    @Test
    void aForgottenPeerStaysForgottenAndConvergesAsANewPeerWhenItComesBack() throws Exception {
        cluster.stop(1);
        await(T, () -> control(0).status().members().equals(List.of("n0")), () -> "n1 left n0's view");
        Files.writeString(cluster.dir(0).resolve("while-n1-away"), "owed to n1");
        await(T, () -> dirtyToward(0, "n1") >= 1, () -> "dirty toward the stopped n1: " + control(0).dirty(null));
        long owed = dirtyToward(0, "n1");

        ForgetView forgot = control(0).forget("n1");
        assertEquals(new ForgetView("n1", true, owed), forgot);
        assertEquals(List.of(), control(0).dirty(null), "no dirty entry toward the forgotten n1");
        assertEquals(List.of(), peerNames(0), "n1 is gone from the peer table");
        SyncView sync = control(0).sync(null, T, true);
        assertTrue(sync.converged() && sync.skipped().isEmpty(), "nothing left to wait on, not even with all peers: "
                + sync);
        assertEquals(new ForgetView("n1", false, 0), control(0).forget("n1"), "forgetting again changes nothing");

        cluster.stop(0);
        cluster.start(0);
        assertEquals(List.of(), peerNames(0), "n1 stays forgotten after a restart");
        long files = control(0).status().folders().get(0).files();
        Files.writeString(cluster.dir(0).resolve("after-forget"), "n1 is not owed this");
        await(T, () -> control(0).status().folders().get(0).files() > files, () -> "n0 indexed after-forget");
        assertEquals(List.of(), control(0).dirty(null), "a change of n0 is dirty toward no forgotten peer");

        Files.writeString(cluster.dir(1).resolve("written-on-n1-while-away"), "n1's own change");
        cluster.start(1);
        cluster.awaitSame(T);
        assertEquals("owed to n1", Files.readString(cluster.dir(1).resolve("while-n1-away")));
        assertEquals("n1 is not owed this", Files.readString(cluster.dir(1).resolve("after-forget")));
        assertEquals("n1's own change", Files.readString(cluster.dir(0).resolve("written-on-n1-while-away")));
        await(T, () -> peerNames(0).equals(List.of("n1")), () -> "n1 is a peer of n0 again: " + peerNames(0));

        Files.writeString(cluster.dir(0).resolve("after-return"), "dirty toward the new peer n1 until it confirms");
        cluster.awaitSame(T);
        assertTrue(control(0).sync(null, T, false).converged(), "n1 confirms n0's changes again");
        assertEquals(List.of(), control(0).dirty(null));
    }
}
