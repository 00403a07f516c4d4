package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The persistent outbox from outside: {@code dirty --json} lists exactly the (path, peer) pairs a
 * stopped peer has not confirmed; {@code sync} skips that absent peer and names it,
 * {@code sync --all-peers} exits 3 while it is down; {@code forget} drops the stopped peer's dirty
 * entries; the forgotten peer comes back as a new one and gets everything;
 * afterwards no node lists a dirty entry.
 */
@ExtendWith(LogTailsOnFailure.class)
class DirtyAndSyncIT {
    Path home;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        home = Files.createTempDirectory("syncnode-it-dirty");
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
    void dirtyListsWhatAStoppedPeerMissesSyncSkipsItAndForgetDropsIt() throws Exception {
        NodeProcess n1 = cluster.node(1);
        cluster.node(2).stopCleanly();
        Path one = n1.folder();
        Files.createDirectories(one.resolve("sub"));
        Files.writeString(one.resolve("a.txt"), "written while n2 is down");
        Files.writeString(one.resolve("sub/b.txt"), "also");
        // "." is the folder root's own record: its mtime moved with the new entries
        Set<String> expected = new TreeSet<>(Set.of(".\tn2", "sub\tn2", "a.txt\tn2", "sub/b.txt\tn2"));
        // n3 confirms at once; what stays dirty is exactly what n2 has not confirmed
        Await.await(Cluster.CONVERGE, Duration.ofMillis(200), () -> entries(n1.dirtyJson()).equals(expected),
                () -> "dirty on n1 = " + expected + ", is " + entries(n1.dirtyJson()));
        for (JsonNode d : n1.dirtyJson()) {
            assertEquals("data", d.path("folder").asText(), d.toString());
            java.time.Instant.parse(d.path("since").asText()); // ISO-8601
        }

        CliResult skipping = n1.control("sync", "--timeout", "2s");
        assertEquals(0, skipping.exit(), "sync waits on the members only: " + skipping);
        assertTrue(skipping.out().contains("skipped absent peers: n2 (4 dirty paths)"), skipping.toString());
        CliResult timedOut = n1.control("sync", "--all-peers", "--timeout", "1s");
        assertEquals(3, timedOut.exit(), "sync --all-peers with a peer down must time out with exit 3: " + timedOut);

        // retiring n2 drops its dirty entries (the refusal for a member is pinned by the in-JVM tests:
        // every CLI call here is a JVM start); it comes back as a new peer
        CliResult forgot = n1.control("forget", "n2");
        assertEquals(0, forgot.exit(), forgot.toString());
        assertTrue(forgot.out().startsWith("forgot n2: dropped 4 dirty entries"), forgot.toString());

        cluster.restart(2);
        CliResult synced = n1.control("sync", "--timeout", "60s");
        assertEquals(0, synced.exit(), "sync after the peer is back: " + synced);
        cluster.awaitIdentical(Cluster.CONVERGE);
        for (NodeProcess n : cluster.nodes()) {
            Await.await(Cluster.CONVERGE, Duration.ofMillis(200), () -> n.dirtyJson().isEmpty(),
                    () -> n.name() + " dirty --json is [] (is " + n.dirtyJson() + ")");
        }
    }

    private static Set<String> entries(JsonNode dirty) {
        Set<String> out = new TreeSet<>();
        for (JsonNode d : dirty) {
            out.add(d.path("path").asText() + "\t" + d.path("peer").asText());
        }
        return out;
    }
}
