package io.syncnode.it;

import io.syncnode.testing.TreeSnapshot;
import static io.syncnode.it.ConflictCopies.copiesOf;
import static io.syncnode.it.ConflictCopies.findCopy;
import static io.syncnode.it.ConflictCopies.hash;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A seeded random run over real partitions (see {@link NetNs}), policy keep-both: at least 200
 * {@link RandomOps} operations on random nodes of 3, with three random 1 | 2 partitions (each
 * lasting 20-40 operations, operations continuing on both sides) and one {@code kill -9} of a
 * random node plus restart in between. After each operation the nodes that can reach each other
 * converge. Each operation's effect is taken from a before/after snapshot of the acting node's
 * folder. Just before each heal both sides write different content to the same files (contested
 * writes), so every episode has real conflicts. Per episode, the last content each side wrote to
 * each path is remembered; right after the heal converges (trees identical) each such write must
 * be at its path or in a conflict copy of that path ({@code NAME.sync-conflict-YYYYMMDD-HHMMSS-NODE[.EXT]}
 * with that content), for the paths that nobody deleted during the episode (delete-vs-modify keeps
 * the modification, which is then one of the checked writes). At least one write must survive as a
 * copy.
 * Replay with {@code -Dit.seed=N}. Needs root, ip and iptables (skipped otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LogTailsOnFailure.class)
class RandomPartitionsIT {
    static final int MIN_OPS = 200;

    NetNs ns;
    Path home;
    Cluster cluster;
    Partitions parts;

    @BeforeAll
    void start() throws Exception {
        ns = NetNs.create(3);
        home = Files.createTempDirectory("syncnode-it-randompartitions");
        cluster = Cluster.tcp(home, ns, 3, Cluster.randomPort(), "10ms", Map.of("data", "conflict = \"keep-both\""));
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

    /** Operations {@code start..end} (inclusive) run while {@code lone} is cut from the other two. */
    record Episode(int number, int start, int end, int lone) {
        List<Integer> others() {
            List<Integer> o = new ArrayList<>(List.of(1, 2, 3));
            o.remove(Integer.valueOf(lone));
            return o;
        }

        boolean contains(int op) {
            return op >= start && op <= end;
        }

        /** 0: the lone node's side, 1: the other side. */
        int sideOf(int node) {
            return node == lone ? 0 : 1;
        }
    }

    /** The last content (TreeSnapshot hash) side {@code side} wrote to {@code path} during episode {@code episode}. */
    record Write(int episode, int side, String path, String hash, String lastBy, int op) {
    }

    @Test
    void writesSurvivePartitionsHealsAndACrash() throws Exception {
        long seed = Long.getLong("it.seed", System.nanoTime());
        System.out.println("RandomPartitionsIT seed " + seed + " (re-run with -Dit.seed=" + seed + ")");
        Random plan = new Random(seed * 31 + 7);
        RandomOps ops = new RandomOps(seed);

        List<Episode> episodes = new ArrayList<>();
        int s1 = 12 + plan.nextInt(10);
        int e1 = s1 + 19 + plan.nextInt(21);
        episodes.add(new Episode(1, s1, e1, 1 + plan.nextInt(3)));
        int s2 = e1 + 15 + plan.nextInt(10);
        int e2 = s2 + 19 + plan.nextInt(21);
        episodes.add(new Episode(2, s2, e2, 1 + plan.nextInt(3)));
        int killAt = e2 + 8 + plan.nextInt(5);
        int victim = 1 + plan.nextInt(3);
        int restartAt = killAt + 5 + plan.nextInt(6);
        int s3 = restartAt + 10 + plan.nextInt(10);
        int e3 = s3 + 19 + plan.nextInt(21);
        episodes.add(new Episode(3, s3, e3, 1 + plan.nextInt(3)));
        int total = Math.max(MIN_OPS, e3 + 10 + plan.nextInt(10));
        System.out.println("plan: " + episodes + "; kill -9 n" + victim + " before op " + killAt + ", restart before op "
                + restartAt + "; " + total + " operations");

        Map<String, Write> lastWrites = new LinkedHashMap<>(); // key: episode/side/path
        Map<Integer, Set<String>> deletedDuring = new HashMap<>();
        long started = System.nanoTime();
        Tally tally = new Tally();

        for (int i = 1; i <= total; i++) {
            final int op = i;
            Episode ep = episodes.stream().filter(e -> e.contains(op)).findFirst().orElse(null);
            if (ep != null && ep.start() == i) {
                System.out.println("episode " + ep.number() + ": cutting n" + ep.lone() + " off before op " + i);
                parts.split(List.of(ep.lone()), ep.others());
            }
            if (i == killAt) {
                System.out.println("kill -9 n" + victim + " before op " + i);
                cluster.node(victim).kill9();
                cluster.awaitMembers(Partitions.SPLIT);
            }
            if (i == restartAt) {
                System.out.println("restarting n" + victim + " before op " + i);
                cluster.restart(victim);
                cluster.awaitIdentical(Partitions.SETTLE);
            }

            int nodeIndex = ops.pick(3);
            NodeProcess n = cluster.node(nodeIndex);
            Map<String, String> before = TreeSnapshot.of(n.folder());
            String did = ops.apply(n.folder());
            Map<String, String> after = TreeSnapshot.of(n.folder());
            System.out.println("op " + i + " on " + n.name() + (n.isAlive() ? "" : " (down)")
                    + (ep == null ? "" : " [episode " + ep.number() + ", side " + ep.sideOf(nodeIndex) + "]") + ": " + did);

            Set<String> keys = new TreeSet<>(before.keySet());
            keys.addAll(after.keySet());
            for (String p : keys) {
                String b = before.get(p);
                String a = after.get(p);
                if (b != null && b.equals(a)) {
                    continue;
                }
                if (ep == null) {
                    continue;
                }
                if (a == null) {
                    deletedDuring.computeIfAbsent(ep.number(), k -> new HashSet<>()).add(p);
                } else if (a.startsWith("file ") && (b == null || !b.startsWith("file ") || !hash(a).equals(hash(b)))) {
                    int side = ep.sideOf(nodeIndex);
                    lastWrites.put(ep.number() + "/" + side + "/" + p, new Write(ep.number(), side, p, hash(a), n.name(), i));
                }
            }

            try {
                if (ep != null) {
                    List<NodeProcess> side = new ArrayList<>();
                    for (int j = 1; j <= 3; j++) {
                        if (ep.sideOf(j) == ep.sideOf(nodeIndex) && cluster.node(j).isAlive()) {
                            side.add(cluster.node(j));
                        }
                    }
                    Cluster.awaitIdentical("data", side, Cluster.CONVERGE);
                } else {
                    cluster.awaitIdentical(Cluster.CONVERGE);
                }
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", op " + i + " on " + n.name() + " (" + did + ") did not converge: "
                        + e.getMessage(), e);
            }

            if (ep != null && ep.end() == i) {
                contestedWrites(ep, i, lastWrites);
                long t0 = System.nanoTime();
                parts.heal();
                try {
                    cluster.awaitIdentical(Partitions.SETTLE);
                    cluster.awaitNoDirty(Partitions.SETTLE);
                    cluster.awaitIdentical(Partitions.SETTLE);
                } catch (AssertionError e) {
                    throw new AssertionError("seed " + seed + ", after the heal of episode " + ep.number() + ": " + e.getMessage(), e);
                }
                long copies = TreeSnapshot.of(cluster.node(1).folder()).keySet().stream()
                        .filter(p -> p.contains(".sync-conflict-")).count();
                System.out.printf("episode %d healed after op %d; converged in %.1f s; %d conflict copies in the tree%n",
                        ep.number(), i, (System.nanoTime() - t0) / 1e9, copies);
                // the episode's last writes, checked now, before later operations can touch them
                verify(ep, lastWrites, deletedDuring, TreeSnapshot.of(cluster.node(1).folder()), tally);
            }
        }

        cluster.awaitIdentical(Partitions.SETTLE);
        cluster.awaitNoDirty(Partitions.SETTLE);
        cluster.awaitIdentical(Partitions.SETTLE);
        Map<String, String> tree = TreeSnapshot.of(cluster.node(1).folder());

        System.out.printf("%d operations, 3 partitions, 1 kill -9 in %.1f s; %d entries, %d conflict copies in the final tree%n",
                total, (System.nanoTime() - started) / 1e9, tree.size(),
                tree.keySet().stream().filter(p -> p.contains(".sync-conflict-")).count());
        System.out.printf("checked %d last writes of partition episodes right after their heals: %d at their path,"
                + " %d as conflict copies (%d left out: deleted during the episode)%n", tally.checked, tally.atPath,
                tally.asCopy, tally.excludedDeleted);
        assertTrue(tally.asCopy > 0, "seed " + seed + ": the contested writes produced no conflict copy");
        assertTrue(tally.lost.isEmpty(), "seed " + seed + ": " + tally.lost.size()
                + " write(s) of a partition episode lost:\n  " + String.join("\n  ", tally.lost));
        parts.assertQuiet();
    }

    /** Counts of the writes checked after the heals. */
    static final class Tally {
        int checked;
        int atPath;
        int asCopy;
        int excludedDeleted;
        final List<String> lost = new ArrayList<>();
    }

    /**
     * Every last write either side made to a path during {@code ep} is in {@code tree}: at its path,
     * or as a conflict copy of that path (unless some node deleted the path during the episode:
     * delete-vs-modify keeps the modification, which is then one of these writes anyway).
     */
    private static void verify(Episode ep, Map<String, Write> lastWrites, Map<Integer, Set<String>> deletedDuring,
                               Map<String, String> tree, Tally tally) {
        for (Write w : lastWrites.values()) {
            if (w.episode() != ep.number()) {
                continue;
            }
            if (deletedDuring.getOrDefault(w.episode(), Set.of()).contains(w.path())) {
                tally.excludedDeleted++;
                continue;
            }
            tally.checked++;
            String here = tree.get(w.path());
            if (here != null && here.startsWith("file ") && hash(here).equals(w.hash())) {
                tally.atPath++;
                continue;
            }
            String copy = findCopy(tree, w.path(), w.hash());
            if (copy != null) {
                tally.asCopy++;
                System.out.println("  survived as a copy: " + w + " -> " + copy);
                continue;
            }
            tally.lost.add(w + ": at the path now " + here + "; copies of it: " + copiesOf(tree, w.path()));
        }
    }

    /**
     * Just before a heal, both sides write different content to the same files (up to three that
     * both sides hold, or one new path both create when they hold none), so that every episode
     * really has concurrent writes to settle: the random operations alone rarely hit the same path
     * on both sides.
     */
    private void contestedWrites(Episode ep, int op, Map<String, Write> lastWrites) throws Exception {
        NodeProcess lone = cluster.node(ep.lone());
        NodeProcess other = ep.others().stream().map(cluster::node).filter(NodeProcess::isAlive).findFirst().orElse(null);
        if (!lone.isAlive() || other == null) {
            return;
        }
        Map<String, String> a = TreeSnapshot.of(lone.folder());
        Map<String, String> b = TreeSnapshot.of(other.folder());
        List<String> common = a.keySet().stream()
                .filter(p -> a.get(p).startsWith("file ") && b.containsKey(p) && b.get(p).startsWith("file ")
                        && !p.contains(".sync-conflict-"))
                .sorted().limit(3).toList();
        if (common.isEmpty()) {
            // the random operations left no file on both sides (seen: seed 41559297650119): both sides
            // create the same new path instead, which is as concurrent as two edits of one file
            String fresh = "contested-" + ep.number();
            while (a.containsKey(fresh) || b.containsKey(fresh)) {
                fresh += "x";
            }
            common = List.of(fresh);
        }
        for (String p : common) {
            for (NodeProcess n : List.of(lone, other)) {
                int side = ep.sideOf(n == lone ? ep.lone() : ep.others().get(0));
                java.nio.file.Files.writeString(n.folder().resolve(p), "contested: episode " + ep.number() + ", side "
                        + side + ", " + p + ", by " + n.name() + "\n");
                String desc = TreeSnapshot.of(n.folder()).get(p);
                lastWrites.put(ep.number() + "/" + side + "/" + p, new Write(ep.number(), side, p, hash(desc), n.name(), op));
            }
        }
        System.out.println("episode " + ep.number() + ": contested writes on both sides to " + common);
    }
}
