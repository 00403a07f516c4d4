package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node stopped with SIGTERM catches up when it restarts, both ways: what changed on the others
 * while it was down reaches it, and what changed in its own folder while it was down (found by the
 * start-up scan) reaches the others.
 */
@ExtendWith(LogTailsOnFailure.class)
class RestartIT {
    Path home;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        home = Files.createTempDirectory("syncnode-it-restart");
        cluster = Cluster.tcp(home, 3, Cluster.randomPort(), "10ms");
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
    void stoppedNodeCatchesUpBothWaysAfterRestart() throws Exception {
        Path one = cluster.node(1).folder();
        Path three = cluster.node(3).folder();
        Random r = new Random(3);
        for (String name : new String[] {"keep", "modify-on-1", "delete-on-1", "modify-on-3"}) {
            Files.write(one.resolve(name), bytes(r, 3000));
        }
        Files.createDirectories(one.resolve("dir"));
        Files.write(one.resolve("dir/big"), bytes(r, 300_000));
        cluster.awaitIdentical(Cluster.CONVERGE);

        cluster.node(3).stopCleanly();
        byte[] created1 = bytes(r, 5000);
        byte[] modified1 = bytes(r, 4000);
        Files.write(one.resolve("created-on-1"), created1);
        Files.write(one.resolve("modify-on-1"), modified1);
        Files.delete(one.resolve("delete-on-1"));
        byte[] big = Files.readAllBytes(one.resolve("dir/big"));
        big[150_000] ^= 1;
        Files.write(one.resolve("dir/big"), big);
        cluster.awaitIdentical(Cluster.CONVERGE); // n1 and n2

        byte[] created3 = bytes(r, 2000);
        byte[] modified3 = bytes(r, 70_000);
        Files.write(three.resolve("created-on-3-while-down"), created3);
        Files.write(three.resolve("modify-on-3"), modified3);

        cluster.restart(3);
        cluster.awaitIdentical(Cluster.CONVERGE);
        for (NodeProcess n : cluster.nodes()) {
            Path f = n.folder();
            assertArrayEquals(created3, Files.readAllBytes(f.resolve("created-on-3-while-down")), n.name());
            assertArrayEquals(modified3, Files.readAllBytes(f.resolve("modify-on-3")), n.name());
            assertArrayEquals(created1, Files.readAllBytes(f.resolve("created-on-1")), n.name());
            assertArrayEquals(modified1, Files.readAllBytes(f.resolve("modify-on-1")), n.name());
            assertArrayEquals(big, Files.readAllBytes(f.resolve("dir/big")), n.name());
            assertFalse(Files.exists(f.resolve("delete-on-1")), n.name() + " still has delete-on-1");
        }
        cluster.awaitNoDirty(Cluster.CONVERGE);
        for (NodeProcess n : cluster.nodes()) {
            assertEquals(0, n.statusJson().path("folders").get(0).path("conflicts").asLong(), n.name() + " conflicts");
        }
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
