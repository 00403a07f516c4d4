package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code conflict = "newest"} with {@code conflict-scope = "folder"} over a real partition
 * {n1} | {n2, n3} (see {@link NetNs}): during the split n1 changes a, b, c (older mtimes) and n2
 * changes b, c, d (newer mtimes, so n2's side holds the newest change). After the heal n2's side
 * wins the whole folder: every node holds n2's b and c, a and d are everywhere, the trees are
 * identical, n1's losing b and c are saved under {@code <n1 state-dir>/conflicts/data/<heal time>/}
 * and {@code conflicts --json} on n1 lists a {@code "scope": "folder"} entry naming that directory
 * in {@code "saved"}. Needs root, ip and iptables (skipped otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LogTailsOnFailure.class)
class FolderScopeIT {
    static final long BASE = 1_700_000_000_000_000_000L;
    static final long OLD = 1_700_000_050_000_000_000L;
    static final long NEW = 1_700_000_100_000_000_000L;

    NetNs ns;
    Path home;
    Cluster cluster;
    Partitions parts;

    @BeforeAll
    void start() throws Exception {
        ns = NetNs.create(3);
        home = Files.createTempDirectory("syncnode-it-folderscope");
        cluster = Cluster.tcp(home, ns, 3, Cluster.randomPort(), "10ms",
                Map.of("data", "conflict = \"newest\"\nconflict-scope = \"folder\""));
        parts = new Partitions(cluster, ns);
        cluster.startAll();
    }

    @AfterAll
    void stop() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            try {
                if (ns != null) {
                    ns.close();
                }
            } finally {
                Cluster.deleteTree(home);
            }
        }
    }

    @Test
    void theSideWithTheNewestChangeWinsTheWholeFolderAndTheLosersAreSaved() throws Exception {
        long t0 = System.nanoTime();
        NodeProcess n1 = cluster.node(1);
        NodeProcess n2 = cluster.node(2);
        for (String p : List.of("a", "b", "c", "d")) {
            Partitions.write(n1.folder().resolve(p), "base " + p + "\n", BASE);
        }
        cluster.awaitIdentical(Cluster.CONVERGE);

        parts.split(List.of(1), List.of(2, 3));
        long s = 1_000_000_000L;
        Partitions.write(n1.folder().resolve("a"), "n1 a\n", OLD);
        Partitions.write(n1.folder().resolve("b"), "n1 b\n", OLD + s);
        Partitions.write(n1.folder().resolve("c"), "n1 c\n", OLD + 2 * s);
        Partitions.write(n2.folder().resolve("b"), "n2 b\n", NEW);
        Partitions.write(n2.folder().resolve("c"), "n2 c\n", NEW + s);
        Partitions.write(n2.folder().resolve("d"), "n2 d\n", NEW + 2 * s);
        for (String p : List.of("a", "b", "c")) {
            Partitions.awaitDirtyToward(n1, "data", p, "n2");
        }
        for (String p : List.of("b", "c", "d")) {
            Partitions.awaitDirtyToward(n2, "data", p, "n1");
        }
        Cluster.awaitIdentical("data", List.of(n2, cluster.node(3)), Cluster.CONVERGE);
        parts.heal();

        Await.await(Partitions.SETTLE, Duration.ofMillis(100), () -> {
            for (NodeProcess n : cluster.nodes()) {
                if (!"n2 b\n".equals(read(n, "b")) || !"n2 c\n".equals(read(n, "c")) || read(n, "a") == null
                        || read(n, "d") == null) {
                    return false;
                }
            }
            return true;
        }, () -> "n2's b and c, and a and d, on every node; now " + state());
        cluster.awaitIdentical(Partitions.SETTLE);
        System.out.println("after the heal: " + state());

        Path saved = n1.stateDir().resolve("conflicts/data");
        Await.await(Partitions.SETTLE, Duration.ofMillis(250), () -> savedDirs(saved).size() == 1,
                () -> "one directory under " + saved + " holding n1's losing versions (now " + savedDirs(saved) + ")");
        Path dir = savedDirs(saved).get(0);
        System.out.println("n1 saved its losing versions in " + dir + ": " + list(dir));
        assertTrue(dir.getFileName().toString().matches(".*\\d.*"), "named by the heal time: " + dir);
        assertEquals("n1 b\n", Files.readString(dir.resolve("b")), "n1's losing b saved");
        assertEquals("n1 c\n", Files.readString(dir.resolve("c")), "n1's losing c saved");

        JsonNode conflicts = n1.conflictsJson();
        System.out.println("conflicts on n1: " + conflicts);
        JsonNode folderEntry = null;
        for (JsonNode c : conflicts) {
            if ("folder".equals(c.path("scope").asText())) {
                folderEntry = c;
            }
        }
        assertTrue(folderEntry != null, "n1 lists an entry with \"scope\": \"folder\": " + conflicts);
        assertEquals("data", folderEntry.path("folder").asText(), folderEntry.toString());
        String named = folderEntry.path("saved").asText("");
        assertTrue(!named.isEmpty() && (Path.of(named).equals(dir) || n1.stateDir().resolve(named).normalize().equals(dir)
                || named.endsWith(dir.getFileName().toString())), "\"saved\" names " + dir + ": " + folderEntry);

        parts.assertQuiet();
        System.out.printf("folder scope done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    static String read(NodeProcess n, String rel) {
        try {
            Path p = n.folder().resolve(rel);
            return Files.isRegularFile(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            return null;
        }
    }

    String state() {
        StringBuilder b = new StringBuilder();
        for (NodeProcess n : cluster.nodes()) {
            b.append("\n  ").append(n.name()).append(':');
            for (String p : List.of("a", "b", "c", "d")) {
                String c = read(n, p);
                b.append(' ').append(p).append('=').append(c == null ? "<absent>" : c.strip());
            }
        }
        return b.toString();
    }

    static List<Path> savedDirs(Path saved) {
        if (!Files.isDirectory(saved)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(saved)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<String> list(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> !p.equals(dir)).forEach(p -> out.add(dir.relativize(p).toString()));
        }
        return out;
    }
}
