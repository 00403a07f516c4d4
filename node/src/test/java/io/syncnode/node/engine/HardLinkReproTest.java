package io.syncnode.node.engine;

import static io.syncnode.node.engine.Await.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardLinkReproTest {
    @TempDir
    Path tmp;

    static void sh(String cmd) throws Exception {
        new ProcessBuilder("bash", "-c", cmd).inheritIO().start().waitFor();
    }

    @Test
    void repro() throws Exception {
        String fx = "/work/main/tests-integration/src/test/resources/io/syncnode/it/fixture.sh";
        try (LocalCluster cluster = new LocalCluster(tmp, 3, List.of())) {
            Path a = cluster.dir(0);
            Files.createDirectories(a);
            Files.createDirectories(tmp.resolve("out"));
            sh("bash " + fx + " " + a + "/scanned " + tmp.resolve("out"));
            cluster.start(0);
            cluster.start(1);
            cluster.start(2);
            await(Duration.ofSeconds(20), () -> cluster.node(0).controlHandler().status().members().size() == 3, () -> "3");
            sh("bash " + fx + " " + a + "/live " + tmp.resolve("out"));
            await(Duration.ofSeconds(60), () -> TreeSnapshot.of(a).equals(TreeSnapshot.of(cluster.dir(1)))
                    && TreeSnapshot.of(a).equals(TreeSnapshot.of(cluster.dir(2))), () -> "same");
            System.out.println("=== EDIT " + cluster.node(1).controlHandler().status().counters());
            Files.writeString(cluster.dir(1).resolve("live/hl/b/two"), "appended\n", java.nio.file.StandardOpenOption.APPEND);
            await(Duration.ofSeconds(20), () -> TreeSnapshot.of(a).equals(TreeSnapshot.of(cluster.dir(1)))
                    && TreeSnapshot.of(a).equals(TreeSnapshot.of(cluster.dir(2))), () -> "same after " + cluster.node(1).controlHandler().status().counters());
        }
    }
}
