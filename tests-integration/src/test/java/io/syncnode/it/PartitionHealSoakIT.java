package io.syncnode.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The long variant of {@link PartitionHealIT} (issue 10): many random silent partitions
 * ({@link Cut#random}: a node isolated, two random halves, a pair cut, random sets of one-way
 * losses), each held for a random extra 0-{@code heal.maxHold} seconds after its writes, on one
 * cluster per transport, each round checked as in {@link HealRound}. Not run by {@code mvn verify}
 * (failsafe leaves out {@code *SoakIT}); run it with
 * <pre>
 * mvn -B -pl tests-integration -am verify -Dit.test=PartitionHealSoakIT -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dit.timeout=36000 -Dheal.rounds=200 [-Dheal.seed=N] \
 *     [-Dheal.transports=udp,tcp] [-Dheal.nodes=3] [-Dheal.maxHold=40]
 * </pre>
 * ({@code it.timeout}: failsafe stops a run after 30 min otherwise; a round takes 20 to 70 s.)
 * The seed is printed first; {@code -Dheal.seed} replays the same shapes and holds (the timing of
 * the nodes is the network's). Needs root, ip and iptables (skipped otherwise).
 */
@ExtendWith(LogTailsOnFailure.class)
class PartitionHealSoakIT {
    @Test
    void manyRandomSilentPartitionsHeal() throws Exception {
        long seed = Long.getLong("heal.seed", System.nanoTime());
        int rounds = Integer.getInteger("heal.rounds", 200);
        int nodes = Integer.getInteger("heal.nodes", 3);
        int maxHold = Integer.getInteger("heal.maxHold", 40);
        List<String> transports = List.of(System.getProperty("heal.transports", "udp,tcp").split(","));
        System.out.println("PartitionHealSoakIT seed " + seed + " (replay with -Dheal.seed=" + seed + "), " + rounds
                + " rounds per transport on " + transports + ", " + nodes + " nodes, extra hold 0-" + maxHold + " s");
        Map<String, String> report = new TreeMap<>();
        for (String transport : transports) {
            Random r = new Random(seed * 31 + transport.hashCode());
            NetNs ns = NetNs.create(nodes);
            Path home = Files.createTempDirectory("syncnode-it-healsoak-" + transport);
            Cluster cluster = null;
            List<HealRound.Result> results = new ArrayList<>();
            long t0 = System.nanoTime();
            try {
                cluster = PartitionHealIT.create(transport, ns, home, nodes);
                PartitionHealIT.start(cluster, transport, ns);
                HealRound round = new HealRound(cluster, ns, "data");
                for (int i = 1; i <= rounds; i++) {
                    Cut cut = Cut.random(r, nodes);
                    Duration hold = Duration.ofMillis(r.nextInt(maxHold * 1000 + 1));
                    try {
                        results.add(round.run(i, cut, hold));
                    } catch (AssertionError e) {
                        throw new AssertionError("seed " + seed + ", " + transport + ", round " + i + " [" + cut
                                + "] (extra hold " + hold.toSeconds() + " s): " + e.getMessage(), e);
                    }
                }
            } finally {
                report.put(transport, report(transport, results, (System.nanoTime() - t0) / 1e9));
                System.out.println(report.get(transport));
                try {
                    if (cluster != null) {
                        cluster.close();
                    }
                } finally {
                    ns.close();
                    Cluster.deleteTree(home);
                }
            }
        }
        System.out.println("PartitionHealSoakIT seed " + seed + " passed:\n" + String.join("\n", report.values()));
    }

    private static String report(String transport, List<HealRound.Result> results, double seconds) {
        long splits = results.stream().filter(HealRound.Result::split).count();
        Map<String, Integer> kinds = new TreeMap<>();
        for (HealRound.Result r : results) {
            kinds.merge(kind(r.cut()), 1, Integer::sum);
        }
        return String.format("%s: %d rounds in %.0f min (%d split a view), shapes %s;%n  full view after the heal: %s"
                        + " (rounds with a split: %s);%n  trees identical after the heal: %s", transport, results.size(),
                seconds / 60, splits, kinds,
                HealRound.summary(results.stream().map(HealRound.Result::mergeSeconds).toList()),
                HealRound.summary(results.stream().filter(HealRound.Result::split).map(HealRound.Result::mergeSeconds).toList()),
                HealRound.summary(results.stream().map(HealRound.Result::convergeSeconds).toList()));
    }

    private static String kind(Cut c) {
        String n = c.name();
        if (n.endsWith("isolated")) {
            return "isolated";
        }
        if (n.contains("|")) {
            return "halves";
        }
        if (n.contains(" x ")) {
            return "pair";
        }
        return c.links().size() == 1 ? "one-way" : "mixed";
    }
}
