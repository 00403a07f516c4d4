package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.ControlHandler.ControlException;
import io.syncnode.node.control.DirtyView;
import io.syncnode.node.control.StatusView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code syncnode pause} / {@code resume} on real nodes (real inotify, SQLite, JGroups over
 * SHARED_LOOPBACK): a paused node neither receives remote writes nor sends its own, nothing is
 * lost on resume, and a pause survives a restart. That something did not happen is checked only
 * after a positive event that would have come after it (the unpaused node n2 got a later write).
 */
class PauseResumeTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(tmp, 3, List.of());
        for (int i = 0; i < 3; i++) {
            cluster.start(i);
        }
        awaitMembers(3);
        Files.writeString(cluster.dir(0).resolve("before"), "written before the pause");
        awaitAllSame();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private ControlHandler control(int i) {
        return cluster.node(i).controlHandler();
    }

    private StatusView.FolderStatus folder(int i) {
        return control(i).status().folders().get(0);
    }

    private void awaitMembers(int n) {
        for (int i = 0; i < 3; i++) {
            int node = i;
            if (cluster.node(node) != null) {
                await(T, () -> control(node).status().members().size() == n, () -> n + " members seen by n" + node);
            }
        }
    }

    private void awaitAllSame() {
        await(T, () -> NativeTree.snapshot(cluster.dir(0)).equals(NativeTree.snapshot(cluster.dir(1)))
                        && NativeTree.snapshot(cluster.dir(0)).equals(NativeTree.snapshot(cluster.dir(2))),
                () -> "identical trees\n n0=" + NativeTree.snapshot(cluster.dir(0)) + "\n n1="
                        + NativeTree.snapshot(cluster.dir(1)) + "\n n2=" + NativeTree.snapshot(cluster.dir(2)));
    }

    /** Dirty entries of node {@code i} for {@code path}, as "peer" names. */
    private List<String> dirtyPeers(int i, String path) {
        return control(i).dirty(null).stream().filter(d -> d.path().equals(path)).map(DirtyView::peer).sorted()
                .toList();
    }

    /**
     * Writes {@code name} on n2 and waits until n0 has it: everything written on any node before
     * this call that were to travel, would (settle and announce take the same path) have travelled.
     */
    private void writeOnN2AndAwaitItOnN0(String name) throws Exception {
        Files.writeString(cluster.dir(2).resolve(name), name);
        await(T, () -> Files.exists(cluster.dir(0).resolve(name)), () -> name + " from n2 on n0");
    }

    @Test
    void pausedNodeNeitherReceivesNorSendsUntilResumedThenBothArrive() throws Exception {
        Path n0 = cluster.dir(0);
        Path n1 = cluster.dir(1);
        Path n2 = cluster.dir(2);
        assertTrue(control(1).pause("data"));
        assertFalse(control(1).pause("data"), "pausing a paused folder changes nothing");
        assertEquals("paused", folder(1).state());
        long filesBefore = folder(1).files();
        long announcedBefore = control(1).status().counters().recordsAnnounced();

        Files.writeString(n1.resolve("local-while-paused"), "written on the paused node");
        Files.writeString(n1.resolve("before"), "changed on the paused node");
        Files.writeString(n0.resolve("remote-while-paused"), "written on n0 while n1 is paused");
        await(T, () -> Files.exists(n2.resolve("remote-while-paused")), () -> "n0's write on n2");
        writeOnN2AndAwaitItOnN0("marker-1");
        await(T, () -> dirtyPeers(0, "remote-while-paused").equals(List.of("n1")),
                () -> "n0 keeps only its dirty entry toward the paused n1: " + control(0).dirty(null));

        assertFalse(Files.exists(n1.resolve("remote-while-paused")), "a paused node applied a remote write");
        assertFalse(Files.exists(n1.resolve("marker-1")), "a paused node applied a remote write");
        assertFalse(Files.exists(n0.resolve("local-while-paused")), "a paused node sent a local write");
        assertFalse(Files.exists(n2.resolve("local-while-paused")), "a paused node sent a local write");
        assertEquals("written before the pause", Files.readString(n0.resolve("before")));
        assertEquals(filesBefore, folder(1).files(), "a paused node indexed a change");
        assertEquals(announcedBefore, control(1).status().counters().recordsAnnounced(), "a paused node announced");
        assertEquals("paused", folder(1).state());

        ControlException refused = assertThrows(ControlException.class, () -> control(1).sync("data", T, false));
        assertTrue(refused.getMessage().contains("folder data is paused on this node"), refused.getMessage());
        assertThrows(ControlException.class, () -> control(1).check("data", List.of()));
        assertTrue(control(1).sync(null, Duration.ofSeconds(1), false).converged(), "sync of all folders leaves the paused one out");

        assertTrue(control(1).resume("data"));
        assertFalse(control(1).resume("data"), "resuming a running folder changes nothing");
        awaitAllSame();
        assertEquals("written on the paused node", Files.readString(n0.resolve("local-while-paused")));
        assertEquals("changed on the paused node", Files.readString(n2.resolve("before")));
        assertEquals("written on n0 while n1 is paused", Files.readString(n1.resolve("remote-while-paused")));
        for (int i = 0; i < 3; i++) {
            int node = i;
            await(T, () -> control(node).dirty(null).isEmpty(), () -> "dirty drained on n" + node + ": "
                    + control(node).dirty(null));
        }
        assertTrue(control(1).sync("data", T, false).converged());
        assertFalse(Files.exists(cluster.stateDir(1).resolve("paused/data")), "the pause mark is gone");
    }

    @Test
    void pauseSurvivesARestartAndSaysSo() throws Exception {
        Path n0 = cluster.dir(0);
        Path n1 = cluster.dir(1);
        assertTrue(control(1).pause("data"));
        assertTrue(Files.exists(cluster.stateDir(1).resolve("paused/data")), "the pause is recorded in the state dir");
        cluster.stop(1);
        Files.writeString(n1.resolve("written-while-down"), "local, while the node was down and paused");
        cluster.start(1);
        awaitMembers(3);
        assertEquals("paused", folder(1).state(), "a restart keeps the folder paused");

        Files.writeString(n0.resolve("remote-after-restart"), "written on n0 after n1 restarted");
        await(T, () -> Files.exists(cluster.dir(2).resolve("remote-after-restart")), () -> "n0's write on n2");
        writeOnN2AndAwaitItOnN0("marker-2");
        assertFalse(Files.exists(n1.resolve("remote-after-restart")), "a restarted paused node applied a remote write");
        assertFalse(Files.exists(n0.resolve("written-while-down")), "a restarted paused node sent a local write");
        assertEquals(List.of("n1"), dirtyPeers(0, "remote-after-restart"));

        assertTrue(control(1).resume("data"));
        awaitAllSame();
        assertTrue(Files.exists(n1.resolve("remote-after-restart")));
        assertEquals("local, while the node was down and paused", Files.readString(n0.resolve("written-while-down")));
        cluster.stop(1);
        cluster.start(1);
        awaitMembers(3);
        assertTrue(List.of("idle", "syncing").contains(folder(1).state()), "resumed stays resumed: " + folder(1));
    }
}
