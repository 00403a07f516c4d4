package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster with credentials, in one JVM over SHARED_LOOPBACK: every packet goes through the seal layer. */
class SealedClusterTest {
    @TempDir
    Path tmp;

    @Test
    void sealedNodesFormOneViewAndSyncBothWays() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 3, List.of()).secured()) {
            c.startAll(Duration.ofSeconds(30));
            Files.writeString(c.dir(0).resolve("a.txt"), "from n0");
            Files.writeString(c.dir(2).resolve("b.txt"), "from n2");
            Await.await(Duration.ofSeconds(20), () -> Files.exists(c.dir(1).resolve("a.txt"))
                    && Files.exists(c.dir(1).resolve("b.txt")) && Files.exists(c.dir(0).resolve("b.txt")), () -> "files everywhere");
            assertEquals("from n2", Files.readString(c.dir(0).resolve("b.txt")));
            var status = c.node(0).controlHandler().status();
            assertEquals(3, status.members().size(), status.members().toString());
            var seal = c.node(0).transportForTests().sealStatus();
            assertEquals(2, seal.peers().size(), seal.toString());
            assertTrue(seal.peers().stream().allMatch(p -> p.ready()), seal.toString());
            seal.refused().forEach((k, v) -> assertEquals(0L, v, "refused " + k + " in " + seal));
        }
    }
}
