package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Split brain over a real network partition: three node processes (tcp), each in a network
 * namespace of its own on a virtual LAN ({@link NetNs}), one folder per conflict policy. Each test writes a base file,
 * cuts {n1} | {n2, n3} with iptables inside the nodes' namespaces, writes the same path differently on n1
 * (older mtime) and on n2 (newer mtime), heals, and checks the policy's outcome on every node, the
 * split-brain report in {@code status --json} and that the cluster goes quiet afterwards.
 * Needs root, ip and iptables (skipped otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(LogTailsOnFailure.class)
class PartitionPoliciesIT {
    static final long BASE = 1_700_000_000_000_000_000L;
    static final long OLD = 1_700_000_050_000_000_000L;
    static final long NEW = 1_700_000_100_000_000_000L;
    static final String F = "f.txt";

    NetNs ns;
    Path home;
    Cluster cluster;
    Partitions parts;

    @BeforeAll
    void start() throws Exception {
        ns = NetNs.create(3);
        home = Files.createTempDirectory("syncnode-it-partition");
        Path mergeLines = repoRoot().resolve("scripts/conflict/merge-lines");
        assertTrue(Files.isExecutable(mergeLines), mergeLines + " is not executable");
        Map<String, String> folders = new LinkedHashMap<>();
        folders.put("keepboth", "conflict = \"keep-both\"");
        folders.put("newest", "conflict = \"newest\"");
        folders.put("manual", "conflict = \"manual\"");
        folders.put("script", "conflict = \"script\"\nscript = \"" + mergeLines + "\"");
        cluster = Cluster.tcp(home, ns, 3, Cluster.randomPort(), "10ms", folders);
        parts = new Partitions(cluster, ns);
        long t0 = System.nanoTime();
        cluster.startAll();
        System.out.printf("3 nodes up in %s in %.1f s%n", ns.name(), (System.nanoTime() - t0) / 1e9);
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

    /** A failed test must not leave the next one partitioned. */
    @AfterEach
    void healAfterEach() {
        ns.heal();
        cluster.awaitMembers(Partitions.MERGE);
    }

    /** The repository root: the jar under test is {@code <root>/node/target/syncnode.jar}. */
    static Path repoRoot() {
        return NodeProcess.jarUnderTest().getParent().getParent().getParent();
    }

    /** Base file everywhere; {n1} | {n2, n3}; n1 writes {@code c1} (OLD), n2 writes {@code c2} (NEW); both recorded; heal. */
    void splitWriteHeal(String folder, String base, String c1, String c2) throws IOException {
        Partitions.write(cluster.node(1).folder(folder).resolve(F), base, BASE);
        Cluster.awaitIdentical(folder, cluster.nodes(), Cluster.CONVERGE);
        assertEquals(base, read(3, folder, F));
        mergesBefore = merges();
        parts.split(List.of(1), List.of(2, 3));
        Partitions.write(cluster.node(1).folder(folder).resolve(F), c1, OLD);
        Partitions.write(cluster.node(2).folder(folder).resolve(F), c2, NEW);
        Partitions.awaitDirtyToward(cluster.node(1), folder, F, "n2");
        Partitions.awaitDirtyToward(cluster.node(2), folder, F, "n1");
        Cluster.awaitIdentical(folder, List.of(cluster.node(2), cluster.node(3)), Cluster.CONVERGE);
        assertEquals(c2, read(3, folder, F), "n3 got n2's write inside its side");
        assertEquals(c1, read(1, folder, F));
        parts.heal();
    }

    Map<String, Long> mergesBefore = Map.of();

    /** Per node: how many "partition healed, merged view" lines its log has. */
    Map<String, Long> merges() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (NodeProcess n : cluster.nodes()) {
            out.put(n.name(), n.logText().lines().filter(l -> l.contains("partition healed, merged view")).count());
        }
        return out;
    }

    String read(int node, String folder, String rel) {
        try {
            return Files.readString(cluster.node(node).folder(folder).resolve(rel));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every node holds {@code content} at {@code rel}. */
    void awaitContentEverywhere(String folder, String rel, String content) {
        Await.await(Partitions.SETTLE, Duration.ofMillis(100), () -> {
            for (int i = 1; i <= 3; i++) {
                Path p = cluster.node(i).folder(folder).resolve(rel);
                try {
                    if (!Files.isRegularFile(p) || !content.equals(Files.readString(p))) {
                        return false;
                    }
                } catch (IOException e) {
                    return false;
                }
            }
            return true;
        }, () -> folder + ":" + rel + " = " + content.strip() + " on every node; now " + contents(folder, rel));
    }

    String contents(String folder, String rel) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            Path p = cluster.node(i).folder(folder).resolve(rel);
            String c;
            try {
                c = Files.exists(p) ? Files.readString(p).replace("\n", "\\n") : "<absent>";
            } catch (IOException e) {
                c = e.toString();
            }
            b.append(" n").append(i).append("=").append(c);
        }
        return b.toString();
    }

    /** lastHeal set and sinceHeal non-empty for {@code folder} on at least one node; returns what each node says. */
    String assertHealReported(String folder) {
        StringBuilder seen = new StringBuilder();
        boolean any = false;
        for (NodeProcess n : cluster.nodes()) {
            JsonNode f = Partitions.folderStatus(n, folder);
            seen.append(n.name()).append(": lastHeal=").append(f.path("lastHeal")).append(" sinceHeal=").append(f.path("sinceHeal"))
                    .append("; ");
            if (!f.path("lastHeal").isNull() && !f.path("lastHeal").isMissingNode() && f.path("sinceHeal").size() > 0) {
                any = true;
            }
        }
        Map<String, Long> now = merges();
        StringBuilder views = new StringBuilder();
        for (String n : now.keySet()) {
            views.append(n).append('=').append(now.get(n) - mergesBefore.getOrDefault(n, 0L)).append(' ');
        }
        System.out.println(folder + ": " + seen + " merged views since the split: " + views);
        assertTrue(any, folder + ": no node reports lastHeal with a non-empty sinceHeal: " + seen
                + "(merged views logged since the split, per node: " + views + "; a second merge view resets sinceHeal)");
        return seen.toString();
    }

    void assertConflictsEmptyEverywhere() {
        for (NodeProcess n : cluster.nodes()) {
            Await.await(Partitions.SETTLE, Duration.ofMillis(250), () -> n.conflictsJson().isEmpty(),
                    () -> n.name() + " lists no conflict (now " + n.conflictsJson() + ")");
        }
    }

    @Test
    @Order(1)
    void keepBothKeepsTheOlderVersionAsOneConflictCopyEverywhere() throws Exception {
        long t0 = System.nanoTime();
        String folder = "keepboth";
        splitWriteHeal(folder, "base\n", "from n1\n", "from n2\n");
        String copyName = "f.sync-conflict-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochSecond(OLD / 1_000_000_000L)) + "-n1.txt";
        awaitContentEverywhere(folder, F, "from n2\n");
        awaitContentEverywhere(folder, copyName, "from n1\n");
        Cluster.awaitIdentical(folder, cluster.nodes(), Partitions.SETTLE);
        for (NodeProcess n : cluster.nodes()) {
            assertEquals(List.of(copyName), Partitions.copies(n.folder(folder)), n.name() + ": exactly one conflict copy");
        }
        String report = assertHealReported(folder);
        assertTrue(report.contains("kept-both"), "someone counts kept-both: " + report);
        parts.assertQuiet();
        for (NodeProcess n : cluster.nodes()) {
            assertEquals(List.of(copyName), Partitions.copies(n.folder(folder)), n.name() + ": still exactly one conflict copy");
        }
        System.out.printf("keep-both done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    @Order(2)
    void newestTakesTheNewerVersionEverywhereWithoutCopy() throws Exception {
        long t0 = System.nanoTime();
        String folder = "newest";
        splitWriteHeal(folder, "base\n", "from n1\n", "from n2\n");
        awaitContentEverywhere(folder, F, "from n2\n");
        Cluster.awaitIdentical(folder, cluster.nodes(), Partitions.SETTLE);
        assertHealReported(folder);
        parts.assertQuiet();
        for (NodeProcess n : cluster.nodes()) {
            assertEquals(List.of(), Partitions.copies(n.folder(folder)), n.name() + ": no conflict copy under newest");
            assertEquals(NEW, Files.getLastModifiedTime(n.folder(folder).resolve(F)).to(java.util.concurrent.TimeUnit.NANOSECONDS),
                    n.name() + ": n2's mtime");
        }
        System.out.printf("newest done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    @Order(3)
    void manualKeepsBothSidesUntilResolveThenOneVersionEverywhere() throws Exception {
        long t0 = System.nanoTime();
        String folder = "manual";
        splitWriteHeal(folder, "base\n", "from n1\n", "from n2\n");
        for (NodeProcess n : List.of(cluster.node(1), cluster.node(2))) {
            Await.await(Partitions.SETTLE, Duration.ofMillis(250), () -> n.conflictsJson().size() > 0,
                    () -> n.name() + " lists the conflict (now " + n.conflictsJson() + ")");
        }
        JsonNode c1 = cluster.node(1).conflictsJson();
        System.out.println("conflicts on n1: " + c1 + "\n  on n2: " + cluster.node(2).conflictsJson() + "\n  on n3: "
                + cluster.node(3).conflictsJson());
        assertEquals(1, c1.size(), "one conflict on n1: " + c1);
        JsonNode c = c1.get(0);
        assertEquals(folder, c.path("folder").asText(), c.toString());
        assertEquals(F, c.path("path").asText(), c.toString());
        assertEquals("n1", c.path("local").path("node").asText(), c.toString());
        assertEquals("n2", c.path("remote").path("node").asText(), c.toString());
        // nobody overwrites: each side keeps its own version for a while
        Await.holdsFor(Duration.ofSeconds(2), Duration.ofMillis(250), () -> {
            assertEquals("from n1\n", read(1, folder, F), "n1 keeps its own version under manual");
            assertEquals("from n2\n", read(2, folder, F), "n2 keeps its own version under manual");
            assertEquals("from n2\n", read(3, folder, F), "n3 keeps its side's version under manual");
        });
        CliResult r = cluster.node(1).control("resolve", "--folder", folder, F, "--keep", "remote");
        assertEquals(0, r.exit(), r.toString());
        awaitContentEverywhere(folder, F, "from n2\n");
        Cluster.awaitIdentical(folder, cluster.nodes(), Partitions.SETTLE);
        assertConflictsEmptyEverywhere();
        assertHealReported(folder);
        parts.assertQuiet();
        for (NodeProcess n : cluster.nodes()) {
            assertEquals(List.of(), Partitions.copies(n.folder(folder)), n.name() + ": no conflict copy under manual");
        }
        System.out.printf("manual done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    @Order(4)
    void scriptMergeLinesUnitesTheLinesEverywhere() throws Exception {
        long t0 = System.nanoTime();
        String folder = "script";
        splitWriteHeal(folder, "base\n", "base\nfrom n1\n", "base\nfrom n2\n");
        Set<String> want = new TreeSet<>(List.of("base", "from n1", "from n2"));
        Await.await(Partitions.SETTLE, Duration.ofMillis(100), () -> {
            for (int i = 1; i <= 3; i++) {
                try {
                    String s = read(i, folder, F);
                    if (!new TreeSet<>(List.of(s.split("\n"))).equals(want) || s.length() != "base\nfrom n1\nfrom n2\n".length()) {
                        return false;
                    }
                } catch (UncheckedIOException e) {
                    return false;
                }
            }
            return true;
        }, () -> "the union of lines " + want + " on every node; now " + contents(folder, F));
        Cluster.awaitIdentical(folder, cluster.nodes(), Partitions.SETTLE);
        assertConflictsEmptyEverywhere();
        assertHealReported(folder);
        parts.assertQuiet();
        System.out.println("merged: " + read(1, folder, F).replace("\n", "\\n"));
        System.out.printf("script merge-lines done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
