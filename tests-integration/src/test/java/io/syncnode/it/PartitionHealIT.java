package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every partition heals (issue 10), for both transports: three sealed node processes, each in a
 * network namespace of its own ({@link NetNs}), go through silent partitions (iptables DROP: no
 * reset, no ICMP; the peers learn nothing) of three shapes in sequence, one cluster per transport:
 * n1 cut off both ways; one-way loss (n1's packets to n2 dropped, n2's to n1 delivered); n1 cut off
 * from n3 but not from n2. Each {@link HealRound}: every node writes a file during the cut; after the
 * heal every node has the full view within 30 s (the seconds are printed), its {@code status} shows
 * the merge, and the trees become identical with every file everywhere. The long, random variant is
 * {@link PartitionHealSoakIT}. Needs root, ip and iptables (skipped otherwise).
 */
@ExtendWith(LogTailsOnFailure.class)
class PartitionHealIT {
    static final int NODES = 3;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp", "tcp"})
    void everySilentPartitionHeals(String transport) throws Exception {
        NetNs ns = NetNs.create(NODES);
        Path home = Files.createTempDirectory("syncnode-it-heal-" + transport);
        Cluster cluster = null;
        try {
            cluster = create(transport, ns, home, NODES);
            start(cluster, transport, ns);
            HealRound rounds = new HealRound(cluster, ns, "data");
            List<Cut> shapes = List.of(Cut.isolate(1, NODES), Cut.oneWay(1, 2, NODES), Cut.pair(1, 3, NODES));
            List<HealRound.Result> results = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                results.add(rounds.run(i + 1, shapes.get(i), Duration.ofSeconds(2)));
            }
            System.out.println(transport + ": " + results.size() + " silent partitions healed; full view after the heal: "
                    + HealRound.summary(results.stream().map(HealRound.Result::mergeSeconds).toList()));
            results.forEach(r -> System.out.println("  " + transport + " " + r));
            assertTrue(results.stream().anyMatch(HealRound.Result::split), "no shape split a view: the cut did not cut");
            CliResult text = cluster.node(2).control("status");
            assertTrue(text.out().contains("last merge "), "status (text) shows the last merge:\n" + text.out());
            System.out.println(text.out().lines().filter(l -> l.startsWith("view")).findFirst().orElse(""));
        } finally {
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

    /** A sealed cluster of {@code size} nodes on {@code transport} in {@code ns} (not started). */
    static Cluster create(String transport, NetNs ns, Path home, int size) throws Exception {
        int port = Cluster.randomPort();
        return "udp".equals(transport) ? Cluster.udp(home, ns, size, port, "10ms", Map.of("data", ""))
                : Cluster.tcp(home, ns, size, port, "10ms", Map.of("data", ""));
    }

    /** Starts every node and waits until all are joined. */
    static void start(Cluster c, String transport, NetNs ns) throws Exception {
        long t0 = System.nanoTime();
        c.startAll();
        System.out.printf("%s: %d nodes up in %s in %.1f s%n", transport, c.nodes().size(), ns.name(),
                (System.nanoTime() - t0) / 1e9);
    }
}
