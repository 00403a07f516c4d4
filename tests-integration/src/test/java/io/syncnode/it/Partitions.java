package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncnode.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real network partitions of a {@link Cluster} (tcp) running in a {@link NetNs}: split into two sides, wait until each side's view is exactly itself, heal, wait
 * until everybody sees everybody. With our JGroups settings a split is seen within ~15 s and a
 * merge within ~10 s; the waits are generous.
 */
public final class Partitions {
    public static final Duration SPLIT = Duration.ofSeconds(60);
    public static final Duration MERGE = Duration.ofSeconds(60);
    /** After a heal: conflict handling, copies, fetches; generous on 2 shared cores. */
    public static final Duration SETTLE = Duration.ofSeconds(90);

    private final Cluster cluster;
    private final NetNs ns;

    public Partitions(Cluster cluster, NetNs ns) {
        this.cluster = cluster;
        this.ns = ns;
    }

    /** Cuts {@code sideA} from {@code sideB} (1-based node indexes) and waits until each running node's view is its side. */
    public void split(Collection<Integer> sideA, Collection<Integer> sideB) {
        long t0 = System.nanoTime();
        ns.partition(sideA, sideB);
        awaitSide(sideA);
        awaitSide(sideB);
        System.out.printf("split %s | %s seen by every node in %.1f s%n", sideA, sideB, (System.nanoTime() - t0) / 1e9);
    }

    private void awaitSide(Collection<Integer> side) {
        Set<String> names = side.stream().map(i -> cluster.node(i)).filter(NodeProcess::isAlive)
                .map(NodeProcess::name).collect(Collectors.toCollection(TreeSet::new));
        for (int i : side) {
            if (cluster.node(i).isAlive()) {
                try {
                    Cluster.awaitMembers(cluster.node(i), names, SPLIT);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\niptables in " + ns.name() + ":\n" + ns.rules(), e);
                }
            }
        }
    }

    /** Removes the cut and waits until every running node sees all running nodes. */
    public void heal() {
        long t0 = System.nanoTime();
        ns.heal();
        cluster.awaitMembers(MERGE);
        System.out.printf("healed; merged view on every node in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Writes {@code content} to {@code f} and sets its mtime to exactly {@code mtimeNs}. */
    public static void write(Path f, String content, long mtimeNs) throws IOException {
        Files.writeString(f, content);
        Files.setLastModifiedTime(f, FileTime.from(mtimeNs, TimeUnit.NANOSECONDS));
    }

    /** Waits until {@code n} has a dirty entry for {@code folder}/{@code path} toward {@code peer}: it recorded its write. */
    public static void awaitDirtyToward(NodeProcess n, String folder, String path, String peer) {
        Await.await(SPLIT, Duration.ofMillis(100), () -> {
            for (JsonNode d : n.dirtyJson()) {
                if (folder.equals(d.path("folder").asText()) && path.equals(d.path("path").asText())
                        && peer.equals(d.path("peer").asText())) {
                    return true;
                }
            }
            return false;
        }, () -> n.name() + " has a dirty entry " + folder + ":" + path + " toward " + peer + " (now " + n.dirtyJson() + ")");
    }

    /** The status entry of {@code folder} on {@code n}. */
    public static JsonNode folderStatus(NodeProcess n, String folder) {
        for (JsonNode f : n.statusJson().path("folders")) {
            if (folder.equals(f.path("name").asText())) {
                return f;
            }
        }
        throw new AssertionError(n.name() + " has no folder " + folder + " in status");
    }

    /** Names of keep-both conflict copies ({@code *.sync-conflict-*}) directly in {@code dir}, sorted. */
    public static List<String> copies(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".sync-conflict-")).sorted().toList();
        }
    }

    /**
     * No dirty entry anywhere, then for 5 s no node's {@code counters.announcementsSent} (nor
     * {@code filesApplied}) moves: the cluster went quiet, no sync loop.
     */
    public void assertQuiet() {
        cluster.awaitNoDirty(SETTLE);
        Map<String, JsonNode> before = counters();
        Await.holdsFor(Duration.ofSeconds(5), Duration.ofMillis(500), () -> {
        });
        Map<String, JsonNode> after = counters();
        for (NodeProcess n : cluster.running()) {
            JsonNode b = before.get(n.name());
            JsonNode a = after.get(n.name());
            assertEquals(b.path("announcementsSent").asLong(), a.path("announcementsSent").asLong(),
                    n.name() + " kept announcing for 5 s after convergence (loop?): " + b + " -> " + a);
            assertEquals(b.path("filesApplied").asLong(), a.path("filesApplied").asLong(),
                    n.name() + " kept applying files for 5 s after convergence (loop?): " + b + " -> " + a);
        }
        System.out.println("quiet for 5 s: announcementsSent " + after.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().path("announcementsSent").asLong()).sorted().toList());
    }

    private Map<String, JsonNode> counters() {
        Map<String, JsonNode> out = new HashMap<>();
        for (NodeProcess n : cluster.running()) {
            out.put(n.name(), n.statusJson().path("counters"));
        }
        return out;
    }
}
