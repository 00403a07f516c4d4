package io.syncnode.it;

import io.syncnode.testing.TreeSnapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncnode.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three node processes over tcp on 127.0.0.1/.2/.3: a seeded random sequence of operations on
 * random nodes converges to identical trees after every operation, and afterwards the cluster is
 * quiet (no announcements, no applied files, no touched inode).
 * Re-run a failing sequence with {@code -Dit.seed=N}; {@code -Dit.verbose=true} logs details, {@code -Dit.keep=true} keeps the dirs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(LogTailsOnFailure.class)
class RandomOpsConvergeIT {
    static final int OPS = 60;

    Path home;
    Cluster cluster;

    @BeforeAll
    void start() throws Exception {
        home = Files.createTempDirectory("syncnode-it-random");
        cluster = Cluster.tcp(home, 3, Cluster.randomPort(), "10ms");
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
    @Order(1)
    void randomOperationsOnRandomNodesConverge() throws Exception {
        long seed = Long.getLong("it.seed", System.nanoTime());
        System.out.println("RandomOpsConvergeIT seed " + seed + " (re-run with -Dit.seed=" + seed + ")"
                + (RandomOps.canChown() ? "" : "; not root: no chown operations"));
        RandomOps ops = new RandomOps(seed);
        long started = System.nanoTime();
        for (int i = 1; i <= OPS; i++) {
            NodeProcess n = cluster.node(ops.pick(3));
            String did = ops.apply(n.folder());
            long t0 = System.nanoTime();
            System.out.println("op " + i + " on " + n.name() + ": " + did);
            try {
                cluster.awaitIdentical(Cluster.CONVERGE);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", op " + i + " on " + n.name() + " (" + did + ") did not converge: "
                        + e.getMessage(), e);
            }
            System.out.printf("    converged in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
        System.out.printf("%d operations converged in %.1f s; %d entries%n", OPS, (System.nanoTime() - started) / 1e9,
                TreeSnapshot.of(cluster.node(1).folder()).size());
    }

    @Test
    @Order(2)
    void clusterGoesQuietAfterTheLastWrite() {
        cluster.awaitIdentical(Cluster.CONVERGE);
        cluster.awaitNoDirty(Cluster.CONVERGE);
        Map<String, JsonNode> before = counters();
        Map<String, Map<String, String>> times = new HashMap<>();
        for (NodeProcess n : cluster.nodes()) {
            times.put(n.name(), TreeSnapshot.times(n.folder()));
        }
        Await.holdsFor(Duration.ofSeconds(5), Duration.ofMillis(250), () -> {
            for (NodeProcess n : cluster.nodes()) {
                Map<String, String> now = TreeSnapshot.times(n.folder());
                if (!now.equals(times.get(n.name()))) {
                    throw new AssertionError(n.name() + " changed inodes (mtime/ctime) in a quiet cluster: "
                            + TreeSnapshot.diff(times.get(n.name()), now, 10));
                }
            }
        });
        Map<String, JsonNode> after = counters();
        for (NodeProcess n : cluster.nodes()) {
            JsonNode b = before.get(n.name());
            JsonNode a = after.get(n.name());
            assertEquals(b.path("announcementsSent").asLong(), a.path("announcementsSent").asLong(),
                    n.name() + " kept announcing in a quiet cluster (loop?): " + b + " -> " + a);
            assertEquals(b.path("filesApplied").asLong(), a.path("filesApplied").asLong(),
                    n.name() + " kept applying files in a quiet cluster (loop?): " + b + " -> " + a);
        }
        System.out.println("quiet for 5 s; counters " + after);
    }

    private Map<String, JsonNode> counters() {
        Map<String, JsonNode> out = new HashMap<>();
        for (NodeProcess n : cluster.nodes()) {
            out.put(n.name(), n.statusJson().path("counters"));
        }
        return out;
    }
}
