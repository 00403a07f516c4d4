package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * One silent partition of a running {@link Cluster} in a {@link NetNs}, and its heal, measured and
 * checked (issue 10): cut the links of a {@link Cut} (iptables DROP, nothing tells either side);
 * wait until some view splits (or, for a shape JGroups rides out without a view change, until
 * {@link #NO_SPLIT_WAIT} passed); every node writes a file of its own; keep the cut a little longer;
 * heal; then every node must have the full view within {@link #MERGE} (the measured seconds are
 * printed, taken from the nodes' logs to the millisecond), every node's {@code status} must show a
 * merge after the cut began (when a view split), and the trees must become identical with every
 * node's file everywhere.
 */
final class HealRound {
    /** The requirement: every node in one view within 30 s of the heal (the aim is 10 s). */
    static final Duration MERGE = Duration.ofSeconds(30);
    /** A shape that splits no view within this time is one JGroups rides out (a one-way loss on udp). */
    static final Duration NO_SPLIT_WAIT = Duration.ofSeconds(16);
    /** After the writes, before the heal: the writes are scanned and announced to whoever is reachable. */
    static final Duration AFTER_WRITES = Duration.ofSeconds(2);

    /**
     * What one round measured.
     *
     * @param split          whether some node's view lost a member during the cut
     * @param splitSeconds   from the cut to the first view without a member (-1 without split)
     * @param mergeSeconds   from the heal to the moment the last node installed the full view (0 when
     *                       every view was already full)
     * @param convergeSeconds from the heal until the trees were identical
     */
    record Result(int round, Cut cut, boolean split, double splitSeconds, double mergeSeconds, double convergeSeconds) {
        @Override
        public String toString() {
            return String.format("round %d [%s]: %s; full view %.1f s after the heal; trees identical after %.1f s",
                    round, cut, split ? String.format("view split after %.1f s", splitSeconds) : "no view split",
                    mergeSeconds, convergeSeconds);
        }
    }

    private final Cluster cluster;
    private final NetNs ns;
    private final String folder;

    HealRound(Cluster cluster, NetNs ns, String folder) {
        this.cluster = cluster;
        this.ns = ns;
        this.folder = folder;
    }

    /** Runs one round: cut, writes, {@code extraHold} more of the cut, heal, checks. */
    Result run(int round, Cut cut, Duration extraHold) throws IOException {
        Set<String> all = cluster.nodes().stream().map(NodeProcess::name).collect(Collectors.toCollection(TreeSet::new));
        Instant cutAt = Instant.now();
        ns.apply(cut);
        Instant splitAt = awaitSplit(all, cutAt);
        List<Path> written = new ArrayList<>();
        for (NodeProcess n : cluster.nodes()) {
            Path f = n.folder(folder).resolve("heal-" + round + "-" + n.name() + ".txt");
            Files.writeString(f, "round " + round + " [" + cut + "], written by " + n.name() + " during the cut\n");
            written.add(Path.of(f.getFileName().toString()));
        }
        hold(AFTER_WRITES.plus(extraHold));
        Instant last = splitAt;
        for (NodeProcess n : cluster.nodes()) { // a view may also split only while the cut is held
            for (ViewLog.Entry e : ViewLog.since(n, cutAt)) {
                if (!e.members().equals(all) && (last == null || e.at().isBefore(last))) {
                    last = e.at();
                }
            }
        }
        splitAt = last;
        String viewsAtHeal = views();

        Instant healAt = Instant.now();
        ns.heal();
        double merge = awaitFullView(all, healAt, round, cut, viewsAtHeal);
        for (NodeProcess n : cluster.nodes()) {
            Cluster.awaitMembers(n, all, Duration.ofSeconds(10)); // the status agrees with the log
        }
        if (splitAt != null) {
            for (NodeProcess n : cluster.nodes()) {
                JsonNode view = n.statusJson().path("view");
                String lastMerge = view.path("lastMerge").asText(null);
                assertTrue(lastMerge != null && !Instant.parse(lastMerge).isBefore(cutAt),
                        "round " + round + " [" + cut + "]: " + n.name() + "'s status shows no merge since the cut at "
                                + cutAt + ": " + view);
            }
        }
        try {
            Cluster.awaitIdentical(folder, cluster.nodes(), Partitions.SETTLE);
        } catch (AssertionError e) {
            throw new AssertionError("round " + round + " [" + cut + "]: " + e.getMessage(), e);
        }
        double converge = Duration.between(healAt, Instant.now()).toMillis() / 1000.0;
        for (NodeProcess n : cluster.nodes()) {
            for (Path f : written) {
                assertTrue(Files.isRegularFile(n.folder(folder).resolve(f)),
                        "round " + round + ": " + f + ", written during the cut, is on " + n.name());
            }
        }
        double split = splitAt == null ? -1 : Duration.between(cutAt, splitAt).toMillis() / 1000.0;
        Result r = new Result(round, cut, splitAt != null, split, merge, converge);
        System.out.println("heal " + r);
        return r;
    }

    /** The first view without every member logged since {@code cutAt}, or null after {@link #NO_SPLIT_WAIT}. */
    private Instant awaitSplit(Set<String> all, Instant cutAt) {
        long deadline = System.nanoTime() + NO_SPLIT_WAIT.toNanos();
        do {
            for (NodeProcess n : cluster.nodes()) {
                for (ViewLog.Entry e : ViewLog.since(n, cutAt)) {
                    if (!e.members().equals(all)) {
                        return e.at();
                    }
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        } while (System.nanoTime() - deadline < 0);
        return null;
    }

    /**
     * Waits (bounded by {@link #MERGE}) until every node's last logged view holds every member;
     * returns the seconds from the heal to the last of those installations.
     */
    private double awaitFullView(Set<String> all, Instant healAt, int round, Cut cut, String viewsAtHeal) {
        long deadline = System.nanoTime() + MERGE.toNanos();
        while (true) {
            Instant lastInstalled = healAt;
            boolean full = true;
            for (NodeProcess n : cluster.nodes()) {
                ViewLog.Entry e = ViewLog.last(n);
                if (e == null || !e.members().equals(all)) {
                    full = false;
                    break;
                }
                if (e.at().isAfter(lastInstalled)) {
                    lastInstalled = e.at();
                }
            }
            if (full) {
                return Duration.between(healAt, lastInstalled).toMillis() / 1000.0;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("round " + round + " [" + cut + "]: not every node is in one view " + MERGE.toSeconds()
                        + " s after the heal; views at the heal: " + viewsAtHeal + "; now: " + views()
                        + "\nTCP sockets:\n" + sockets());
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    /** Every node's last logged view, for messages. */
    String views() {
        return cluster.nodes().stream().map(n -> {
            ViewLog.Entry e = ViewLog.last(n);
            return n.name() + "=" + (e == null ? "?" : e.viewId() + e.members());
        }).collect(Collectors.joining(" "));
    }

    /** {@code ss -tnoi} in every node's namespace (evidence when a merge is late). */
    private String sockets() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= cluster.nodes().size(); i++) {
            List<String> cmd = new ArrayList<>(ns.prefix(i));
            cmd.addAll(List.of("ss", "-tnoi"));
            b.append("n").append(i).append(":\n").append(Host.run(Duration.ofSeconds(10), cmd.toArray(String[]::new)).text());
        }
        return b.toString();
    }

    /** Keeps the cut in place for {@code d}: the time is the point (a partition lasts), nothing is awaited. */
    private static void hold(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() - end < 0) {
            LockSupport.parkNanos(Math.min(end - System.nanoTime(), Duration.ofMillis(200).toNanos()));
        }
    }

    /** Median and maximum of {@code values}, e.g. "median 1.4 s, worst 3.2 s". */
    static String summary(List<Double> values) {
        if (values.isEmpty()) {
            return "none";
        }
        List<Double> sorted = values.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format("median %.1f s, worst %.1f s (%d rounds)", median, sorted.get(sorted.size() - 1), sorted.size());
    }
}
