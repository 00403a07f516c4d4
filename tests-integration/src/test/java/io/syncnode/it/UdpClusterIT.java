package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The udp transport (IP multicast on a random group 239.77.x.y and port): random operations
 * converge, and a restarted node catches up both ways.
 *
 * <p>All nodes bind 127.0.0.1 with different ports: bound to 127.0.0.2/.3, JGroups cannot set the
 * multicast interface ("failed setting interface to null (/127.0.0.3)": no interface owns that
 * address, lo has only 127.0.0.1) and the views flap between pairs that never form one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LogTailsOnFailure.class)
class UdpClusterIT {
    Path home;
    Cluster cluster;

    @BeforeAll
    void start() throws Exception {
        home = Files.createTempDirectory("syncnode-it-udp");
        cluster = Cluster.udp(home, 3, Cluster.randomPort(), true, "10ms");
        cluster.startAll();
    }

    @AfterAll
    void stop() {
        try {
            cluster.close();
        } finally {
            Cluster.deleteTree(home);
        }
    }

    @Test
    void randomOperationsConvergeAndARestartedNodeCatchesUp() throws Exception {
        long seed = Long.getLong("it.seed", System.nanoTime());
        System.out.println("UdpClusterIT seed " + seed + " (re-run with -Dit.seed=" + seed + ")");
        RandomOps ops = new RandomOps(seed);
        for (int i = 1; i <= 20; i++) {
            NodeProcess n = cluster.node(ops.pick(3));
            String did = ops.apply(n.folder());
            System.out.println("op " + i + " on " + n.name() + ": " + did);
            try {
                cluster.awaitIdentical(Cluster.CONVERGE);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", op " + i + " on " + n.name() + " (" + did + "): "
                        + e.getMessage(), e);
            }
        }

        cluster.node(3).stopCleanly();
        Files.writeString(cluster.node(1).folder().resolve("while-n3-down"), "from n1");
        byte[] offline = new byte[100_000];
        new java.util.Random(seed).nextBytes(offline);
        Files.write(cluster.node(3).folder().resolve("written-on-n3-while-down"), offline);
        cluster.awaitIdentical(Cluster.CONVERGE);
        cluster.restart(3);
        cluster.awaitIdentical(Cluster.CONVERGE);
        for (NodeProcess n : cluster.nodes()) {
            assertArrayEquals(offline, Files.readAllBytes(n.folder().resolve("written-on-n3-while-down")), n.name());
        }
        cluster.awaitNoDirty(Cluster.CONVERGE);
    }
}
