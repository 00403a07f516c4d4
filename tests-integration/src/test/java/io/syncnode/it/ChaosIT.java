package io.syncnode.it;

import io.syncnode.testing.TreeSnapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Chaos in the style of Jepsen (issue 10): three sealed node processes (policy keep-both), each in
 * a network namespace of its own ({@link NetNs}), node 3's folder on a small tmpfs of its own
 * ({@link ChaosDisk}). A stream of {@link RandomOps} operations runs on random live nodes, before,
 * during and between a seeded schedule of faults, one at a time, drawn from:
 * <ol>
 *   <li>a silent partition of a random shape ({@link Cut#random}: a node isolated, halves, a pair,
 *   one-way or mixed loss; iptables DROP), held 2 to {@code chaos.maxHold} seconds, then healed;</li>
 *   <li>{@code kill -9} of a random node, restarted after a random pause;</li>
 *   <li>a full disk on node 3: a filler file fills its tmpfs (outside the folder, same file system),
 *   another node writes a file of 1-3 MiB; node 3's {@code status} must show that the file waits for
 *   disk space; then the filler goes;</li>
 *   <li>a wiped state dir: {@code kill -9} of a random node, its state dir emptied, restart; it must
 *   rejoin without a conflict copy of any file it held identical to the cluster's (only paths that
 *   operations changed since the last check may get copies).</li>
 * </ol>
 * The first four faults are the four kinds in a random order. After each heal, restart or return
 * of space, bounded waits on conditions: every node in one view ({@code status --json} members),
 * trees identical ({@link TreeSnapshot}) and nothing dirty; then no temp file ({@code .syncnode*})
 * in any folder, every write some node made that no later operation overwrote or deleted on top of
 * it is at its path or in a conflict copy of it, and every file holds a content that some node wrote
 * at that path (no torn file); see {@link ChaosModel}. Right after each {@code kill -9} the victim's
 * files must be whole versions too. A summary prints the faults by kind and the seconds to one view
 * and to identical trees (min/median/max).
 *
 * <p>Seeded: {@code chaos seed: N} is printed first; {@code -Dchaos.seed=N} replays the schedule
 * (fault kinds, shapes, victims, holds) and the operations' choices (what each operation meets
 * depends on the nodes' timing). {@code -Dchaos.faults=N} (default 4, one of each kind, about
 * 2-3 minutes on 2 cores, run by {@code mvn verify}), {@code -Dchaos.transport=udp|tcp} (default: drawn from the
 * seed), {@code -Dchaos.maxHold=S} (default 10), {@code -Dchaos.opsPerSecond=N} (default 4),
 * {@code -Dchaos.settle=S} (default 90: a failed apply is tried again within a minute, and what a
 * member has not acknowledged is offered to it again every 30 s). A long run:
 * <pre>
 * mvn -B -pl tests-integration -am verify -Dit.test=ChaosIT -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dit.timeout=36000 -Dchaos.faults=300 [-Dchaos.seed=N]
 * </pre>
 * ({@code it.timeout}: failsafe stops a run after 30 min otherwise; a fault takes 15 to 40 s.)
 * {@code -Dit.keep=true} keeps the nodes' logs in the temp dir printed at the start. Needs root,
 * ip, iptables and mount (skipped otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LogTailsOnFailure.class)
class ChaosIT {
    static final int NODES = 3;
    static final int DISK_NODE = 3;

    enum Kind { PARTITION, KILL, DISK_FULL, WIPE }

    long seed;
    int faults;
    Random plan;
    Random who;
    RandomOps ops;
    final ChaosModel model = new ChaosModel();
    NetNs ns;
    Path home;
    Cluster cluster;
    ChaosDisk disk;
    Set<String> copiesAtLastCheck = Set.of();
    final Map<Kind, Integer> byKind = new EnumMap<>(Kind.class);
    final Map<Kind, List<Double>> viewSeconds = new EnumMap<>(Kind.class);
    final List<Double> convergeSeconds = new ArrayList<>();
    final List<Double> diskShownSeconds = new ArrayList<>();
    long nextOpAt;
    /** Bound of each wait for identical trees and nothing dirty (failed applies come back within a minute). */
    static final Duration SETTLE = Duration.ofSeconds(Integer.getInteger("chaos.settle", 90));

    @BeforeAll
    void start() throws Exception {
        seed = Long.getLong("chaos.seed", System.nanoTime());
        faults = Integer.getInteger("chaos.faults", 4);
        System.out.println("chaos seed: " + seed + " (replay with -Dchaos.seed=" + seed + "), " + faults + " faults");
        plan = new Random(seed);
        who = new Random(seed * 31 + 1);
        ops = new RandomOps(seed * 31 + 2);
        String transport = System.getProperty("chaos.transport", plan.nextBoolean() ? "udp" : "tcp");
        ns = NetNs.create(NODES);
        home = Files.createTempDirectory("syncnode-it-chaos");
        System.out.println("chaos: " + transport + ", nodes under " + home);
        Map<String, String> folders = Map.of("data", "conflict = \"keep-both\"");
        int port = Cluster.randomPort();
        cluster = "udp".equals(transport) ? Cluster.udp(home, ns, NODES, port, "10ms", folders)
                : Cluster.tcp(home, ns, NODES, port, "10ms", folders);
        disk = ChaosDisk.mount(home.resolve("n" + DISK_NODE), Integer.getInteger("chaos.tmpfsMb", 256));
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
                if (disk != null) {
                    disk.close();
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
    }

    @Test
    void everyWriteSurvivesRandomFaults() throws Exception {
        long t0 = System.nanoTime();
        ops(8 + plan.nextInt(8), Set.of());
        settle("initial operations", Instant.now(), System.nanoTime(), null, tree -> { });
        List<Kind> first = new ArrayList<>(List.of(Kind.values()));
        Collections.shuffle(first, plan);
        for (int f = 1; f <= faults; f++) {
            Kind kind = f <= first.size() ? first.get(f - 1) : Kind.values()[plan.nextInt(Kind.values().length)];
            String label = "fault " + f + "/" + faults + " (" + kind + ")";
            try {
                ops(2 + plan.nextInt(5), Set.of());
                switch (kind) {
                    case PARTITION -> partition(label);
                    case KILL -> kill(label);
                    case DISK_FULL -> diskFull(label, f);
                    case WIPE -> wipe(label);
                }
            } catch (AssertionError e) {
                throw new AssertionError("chaos seed " + seed + ", " + label + ": " + e.getMessage(), e);
            }
            byKind.merge(kind, 1, Integer::sum);
        }
        Map<String, String> tree = TreeSnapshot.of(cluster.node(1).folder());
        System.out.printf("chaos seed %d passed: %d faults %s in %.0f s; %d operations (%d raced with a node);"
                        + " final tree %d entries, %d conflict copies%n", seed, faults, byKind,
                (System.nanoTime() - t0) / 1e9, model.ops, model.raced, tree.size(), ChaosModel.copies(tree).size());
        viewSeconds.forEach((k, v) -> System.out.println("  one view after " + k + ": " + stats(v)));
        System.out.println("  trees identical after each fault ended: " + stats(convergeSeconds));
        System.out.println("  full disk shown in status after: " + stats(diskShownSeconds));
        System.out.println("  checked " + model.checkedWrites + " live writes after the faults, " + model.asCopy
                + " of them found as conflict copies");
    }

    /** (1) A silent partition of a random shape, held while operations go on, then healed. */
    private void partition(String label) {
        Cut cut = Cut.random(plan, NODES);
        long holdMs = 2000 + plan.nextInt(Math.max(1, Integer.getInteger("chaos.maxHold", 10) - 2) * 1000);
        System.out.println(label + ": cut [" + cut + "], held " + holdMs + " ms");
        ns.apply(cut);
        opsFor(holdMs, Set.of(), 2);
        Instant at = Instant.now();
        long t0 = System.nanoTime();
        ns.heal();
        settle(label + " [" + cut + "] healed", at, t0, Kind.PARTITION, tree -> { });
    }

    /** (2) kill -9 of a random node; operations on the others; restart. */
    private void kill(String label) throws Exception {
        int v = 1 + plan.nextInt(NODES);
        long downMs = 1000 + plan.nextInt(7000);
        NodeProcess n = cluster.node(v);
        System.out.println(label + ": kill -9 " + n.name() + ", down " + downMs + " ms");
        n.kill9();
        List<String> torn = model.torn(TreeSnapshot.of(n.folder()));
        assertTrue(torn.isEmpty(), n.name() + " right after kill -9 holds files no node wrote there (torn?):\n  "
                + String.join("\n  ", torn));
        opsFor(downMs, Set.of(v), 1);
        Instant at = Instant.now();
        long t0 = System.nanoTime();
        cluster.restart(v);
        settle(label + " " + n.name() + " restarted", at, t0, Kind.KILL, tree -> { });
    }

    /** (3) Node 3's file system full; another node writes a file that cannot fit; then space returns. */
    private void diskFull(String label, int f) throws Exception {
        NodeProcess n = cluster.node(DISK_NODE);
        int src = 1 + plan.nextInt(NODES - 1);
        byte[] content = new byte[(1 << 20) + plan.nextInt(2 << 20)];
        new Random(seed + f).nextBytes(content);
        String big = "big-" + f + ".bin";
        long free = disk.usable();
        long filled = disk.fill();
        System.out.println(label + ": " + n.name() + "'s tmpfs filled (" + free + " bytes were free, filler " + filled
                + " bytes); n" + src + " writes " + big + " (" + content.length + " B)");
        model.write(cluster.node(src), big, content);
        long t0 = System.nanoTime();
        JsonNode[] shown = {null};
        Await.await(Partitions.SPLIT, Duration.ofMillis(300), () -> {
            JsonNode fs = Partitions.folderStatus(n, "data");
            for (JsonNode p : fs.path("problemList")) {
                if (big.equals(p.path("path").asText()) && p.path("problem").asText().contains("disk")) {
                    shown[0] = fs;
                    return fs.path("problems").asLong() > 0;
                }
            }
            return false;
        }, () -> n.name() + "'s status shows that " + big + " waits for disk space: " + n.statusJson());
        diskShownSeconds.add((System.nanoTime() - t0) / 1e9);
        String text = n.control("status").out();
        assertTrue(text.contains("problem: " + big) && text.contains("disk"), "status (text) shows the problem:\n" + text);
        System.out.printf("%s: %s shows it after %.1f s: %d problem(s), %s%n", label, n.name(),
                (System.nanoTime() - t0) / 1e9, shown[0].path("problems").asLong(), shown[0].path("problemList").get(0));
        opsFor(1000 + plan.nextInt(4000), Set.of(DISK_NODE), 1);
        Instant at = Instant.now();
        long t1 = System.nanoTime();
        disk.free();
        // fetches waiting for space look again every 5 s: the problem ends by then
        settle(label + " space returned", at, t1, Kind.DISK_FULL, tree -> Await.await(Duration.ofSeconds(30),
                Duration.ofSeconds(1), () -> !Partitions.folderStatus(n, "data").path("problemList").toString().contains("disk"),
                () -> n.name() + " no longer shows a disk problem once everything arrived: " + Partitions.folderStatus(n, "data")));
    }

    /** (4) kill -9 of a random node, its state dir emptied, restart: it meets its identical files again. */
    private void wipe(String label) throws Exception {
        int v = 1 + plan.nextInt(NODES);
        long downMs = 1000 + plan.nextInt(4000);
        NodeProcess n = cluster.node(v);
        System.out.println(label + ": kill -9 " + n.name() + ", state dir " + n.stateDir() + " emptied, down " + downMs + " ms");
        n.kill9();
        opsFor(downMs, Set.of(v), 1);
        try (Stream<Path> s = Files.walk(n.stateDir())) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(n.stateDir())) {
                    Files.delete(p);
                }
            }
        }
        Set<String> before = copiesAtLastCheck;
        Instant at = Instant.now();
        long t0 = System.nanoTime();
        cluster.restart(v);
        settle(label + " " + n.name() + " restarted with an empty state dir", at, t0, Kind.WIPE, tree -> {
            Set<String> touched = model.touched();
            List<String> bad = ChaosModel.copies(tree).stream().filter(c -> !before.contains(c)
                    && !touched.contains(ConflictCopies.normalise(c))).toList();
            assertEquals(List.of(), bad, n.name() + " rejoined with a wiped state dir and made conflict copies of files"
                    + " nobody changed since the last check (identical to the cluster's)");
        });
    }

    /**
     * After a heal, restart or return of space (at {@code at} / {@code t0}): bounded waits for one
     * view, identical trees and nothing dirty; then the checks of {@link ChaosModel}, {@code extra}
     * on the converged tree, and the model's rebase.
     */
    private void settle(String label, Instant at, long t0, Kind kind, Consumer<Map<String, String>> extra) {
        assertEquals(NODES, cluster.running().size(), "every node runs");
        cluster.awaitMembers(Partitions.MERGE);
        double view = viewSecondsSince(at, t0);
        cluster.awaitIdentical(SETTLE);
        cluster.awaitNoDirty(SETTLE);
        cluster.awaitIdentical(SETTLE);
        double converge = (System.nanoTime() - t0) / 1e9;
        Map<String, String> tree = TreeSnapshot.of(cluster.node(1).folder());
        for (NodeProcess n : cluster.nodes()) {
            List<String> temps = ChaosModel.temps(TreeSnapshot.of(n.folder()));
            assertEquals(List.of(), temps, n.name() + " left temp files after " + label);
        }
        List<String> lost = model.lost(tree);
        assertTrue(lost.isEmpty(), lost.size() + " write(s) lost after " + label + ":\n  " + String.join("\n  ", lost));
        List<String> torn = model.torn(tree);
        assertTrue(torn.isEmpty(), torn.size() + " file(s) with content nobody wrote there (torn?) after " + label + ":\n  "
                + String.join("\n  ", torn));
        extra.accept(tree);
        model.rebase(tree);
        copiesAtLastCheck = ChaosModel.copies(tree);
        if (kind != null) {
            viewSeconds.computeIfAbsent(kind, k -> new ArrayList<>()).add(view);
            convergeSeconds.add(converge);
        }
        System.out.printf("%s: one view after %.1f s, identical trees after %.1f s; %d entries, %d conflict copies;"
                + " checks passed%n", label, view, converge, tree.size(), copiesAtLastCheck.size());
    }

    /** Seconds from {@code at} to the last full view any node logged (0 if no view changed), given every view is full now. */
    private double viewSecondsSince(Instant at, long t0) {
        double worst = 0;
        for (NodeProcess n : cluster.nodes()) {
            ViewLog.Entry e = ViewLog.last(n);
            if (e == null) {
                return (System.nanoTime() - t0) / 1e9;
            }
            worst = Math.max(worst, Duration.between(at, e.at()).toMillis() / 1000.0);
        }
        return worst;
    }

    /** {@code count} random operations on random live nodes outside {@code except}. */
    private void ops(int count, Set<Integer> except) {
        for (int i = 0; i < count; i++) {
            op(except);
        }
    }

    /** Random operations for {@code millis} (the time a fault is held), at least {@code min}. */
    private void opsFor(long millis, Set<Integer> except, int min) {
        long end = System.nanoTime() + millis * 1_000_000;
        int done = 0;
        while (done < min || System.nanoTime() - end < 0) {
            op(except);
            done++;
        }
    }

    private void op(Set<Integer> except) {
        // a pace, not a synchronisation: the stream of operations has a rate (chaos.opsPerSecond)
        long wait = nextOpAt - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        nextOpAt = System.nanoTime() + 1_000_000_000L / Integer.getInteger("chaos.opsPerSecond", 4);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            if (!except.contains(i) && cluster.node(i).isAlive()) {
                candidates.add(i);
            }
        }
        NodeProcess n = cluster.node(candidates.get(who.nextInt(candidates.size())));
        String did = model.randomOp(ops, n);
        System.out.println("op " + model.ops + " on " + n.name() + ": " + did);
    }

    /** "min 0.1 s, median 1.2 s, max 3.4 s (n values)". */
    static String stats(List<Double> values) {
        if (values.isEmpty()) {
            return "none";
        }
        List<Double> s = values.stream().sorted().toList();
        double median = s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        return String.format("min %.1f s, median %.1f s, max %.1f s (%d)", s.get(0), median, s.get(s.size() - 1), s.size());
    }
}
