package io.syncnode.it;

import io.syncnode.testing.TreeSnapshot;
import io.syncnode.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import io.syncnode.node.trust.CredentialsException;
import io.syncnode.node.trust.KeyGen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Nodes n1..nN of one cluster (a random cluster name per instance), each a {@link NodeProcess}
 * under {@code <home>/nI}. Node I binds 127.0.0.I (or, with {@code sharedAddress}, 127.0.0.1 and
 * port + I - 1). Every cluster runs sealed, as a production one does: a CA under
 * {@code <home>/ca} and node I's credentials under {@code <home>/nI/credentials} ({@link #credentials}).
 */
public final class Cluster implements AutoCloseable {
    public static final Duration START = Duration.ofSeconds(60);
    public static final Duration CONVERGE = Duration.ofSeconds(30);

    private final List<NodeProcess> nodes = new ArrayList<>();

    Cluster(Path home, int size, String settle, Layout layout) throws IOException {
        this(home, size, settle, layout, Map.of("data", ""), i -> List.of());
    }

    private final Path home;

    private Cluster(Path home, int size, String settle, Layout layout, Map<String, String> folders,
                    IntFunction<List<String>> commandPrefix) throws IOException {
        this.home = home;
        String clusterName = "it-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path jar = NodeProcess.jarUnderTest();
        Path ca = home.resolve("ca");
        for (int i = 1; i <= size; i++) {
            Path creds = credentials(ca, "n" + i, home.resolve("n" + i).resolve("credentials"));
            String cluster = layout.clusterToml(clusterName, i, size).strip() + "\ncredentials = \"" + creds + "\"\n";
            nodes.add(new NodeProcess(jar, "n" + i, home.resolve("n" + i), cluster, settle, folders,
                    commandPrefix.apply(i)));
        }
    }

    /**
     * Node credentials of {@code name} in {@code out}, signed by the CA in {@code ca} (made on first
     * use); the same files `syncnode keygen ca` / `keygen node` write.
     */
    public static Path credentials(Path ca, String name, Path out) throws IOException {
        try {
            if (!Files.exists(ca.resolve(KeyGen.CA_CERTIFICATE))) {
                KeyGen.createCa(ca, Duration.ofDays(3650), Clock.systemUTC());
            }
            KeyGen.createNode(ca, name, out, Duration.ofDays(3650), List.of(), Clock.systemUTC());
        } catch (CredentialsException e) {
            throw new IOException("cannot make test credentials: " + e.getMessage(), e);
        }
        return out;
    }

    /** The CA directory of this cluster's credentials. */
    public Path ca() {
        return home.resolve("ca");
    }

    private interface Layout {
        String clusterToml(String clusterName, int i, int size);
    }

    /** A random base port in 20000-40000 (per test class, to avoid leftovers of earlier runs). */
    public static int randomPort() {
        return 20000 + ThreadLocalRandom.current().nextInt(20000 - 100);
    }

    /** tcp transport, node I on 127.0.0.I:port, static peer list of all nodes. */
    public static Cluster tcp(Path home, int size, int port, String settle) throws IOException {
        return new Cluster(home, size, settle, tcpLayout(port, i -> "127.0.0." + i));
    }

    /**
     * tcp transport in the virtual LAN {@code ns}: node I runs in namespace I behind
     * {@link NetNs#prefix(int)} and binds {@link NetNs#address(int)}:port; one folder per entry of
     * {@code folders} (name -> extra TOML lines, see {@link NodeProcess}).
     */
    public static Cluster tcp(Path home, NetNs ns, int size, int port, String settle, Map<String, String> folders)
            throws IOException {
        return new Cluster(home, size, settle, tcpLayout(port, ns::address), folders, ns::prefix);
    }

    private static Layout tcpLayout(int port, IntFunction<String> address) {
        return (cluster, i, n) -> {
            String peers = java.util.stream.IntStream.rangeClosed(1, n).mapToObj(j -> "\"" + address.apply(j) + ":" + port + "\"")
                    .collect(Collectors.joining(", "));
            return """
                    [cluster]
                    name = "%s"
                    transport = "tcp"
                    bind = "%s:%d"
                    peers = [%s]
                    """.formatted(cluster, address.apply(i), port, peers);
        };
    }

    /**
     * udp transport in the virtual LAN {@code ns} (see {@link #tcp(Path, NetNs, int, int, String, Map)}):
     * node I binds {@link NetNs#address(int)}:port, IP multicast on a random group 239.77.x.y and port
     * across the namespaces' bridge.
     */
    public static Cluster udp(Path home, NetNs ns, int size, int port, String settle, Map<String, String> folders)
            throws IOException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String group = "239.77." + r.nextInt(256) + "." + (1 + r.nextInt(254));
        int mcastPort = 40000 + r.nextInt(20000);
        return new Cluster(home, size, settle, (cluster, i, n) -> """
                [cluster]
                name = "%s"
                transport = "udp"
                bind = "%s:%d"
                multicast = "%s:%d"
                """.formatted(cluster, ns.address(i), port, group, mcastPort), folders, ns::prefix);
    }

    /**
     * udp transport on a random multicast group 239.77.x.y and port; node I binds 127.0.0.I:port,
     * or 127.0.0.1:(port + I - 1) when {@code sharedAddress}.
     */
    public static Cluster udp(Path home, int size, int port, boolean sharedAddress, String settle) throws IOException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String group = "239.77." + r.nextInt(256) + "." + (1 + r.nextInt(254));
        int mcastPort = 40000 + r.nextInt(20000);
        return new Cluster(home, size, settle, (cluster, i, n) -> """
                [cluster]
                name = "%s"
                transport = "udp"
                bind = "%s"
                multicast = "%s:%d"
                """.formatted(cluster, sharedAddress ? "127.0.0.1:" + (port + i - 1) : "127.0.0." + i + ":" + port,
                group, mcastPort));
    }

    /** Node I (1-based, named nI). */
    public NodeProcess node(int i) {
        return nodes.get(i - 1);
    }

    public List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    public List<NodeProcess> running() {
        return nodes.stream().filter(NodeProcess::isAlive).toList();
    }

    /**
     * Starts every node (in parallel), waits until each runs, all see each other as members, and
     * each has heard from every other (a node keeps dirty entries only toward peers it has heard
     * from: a test that stops a node right after the start expects them).
     */
    public void startAll() throws IOException {
        for (NodeProcess n : nodes) {
            n.start();
        }
        for (NodeProcess n : nodes) {
            n.waitUntilRunning(START);
        }
        awaitMembers(START);
        awaitPeers(START);
    }

    /** Every running node has heard from every other running node ({@code peers}). */
    public void awaitPeers(Duration timeout) {
        for (NodeProcess n : running()) {
            Set<String> others = running().stream().map(NodeProcess::name).filter(m -> !m.equals(n.name()))
                    .collect(Collectors.toCollection(TreeSet::new));
            Await.await(timeout, Duration.ofMillis(200), () -> n.peers().containsAll(others),
                    () -> n.name() + " has heard from " + others + " (now " + n.peers() + ")");
        }
    }

    /** Starts one node and waits until it runs and every running node has the running set as members. */
    public void restart(int i) throws IOException {
        node(i).start();
        node(i).waitUntilRunning(START);
        awaitMembers(START);
    }

    /** Every running node's view is exactly the running nodes. */
    public void awaitMembers(Duration timeout) {
        Set<String> expected = running().stream().map(NodeProcess::name).collect(Collectors.toCollection(TreeSet::new));
        for (NodeProcess n : running()) {
            Await.await(timeout, Duration.ofMillis(200), () -> n.members().equals(expected),
                    () -> n.name() + " has members " + expected + " (now " + n.members() + ")");
        }
    }

    /** Every running node's folder equals node {@code reference}'s (see {@link TreeSnapshot}). */
    public void awaitIdentical(Duration timeout) {
        awaitIdentical("data", running(), timeout);
    }

    /** Folder {@code folderName} is identical (see {@link TreeSnapshot}) on every node of {@code live}. */
    public static void awaitIdentical(String folderName, List<NodeProcess> live, Duration timeout) {
        if (live.size() < 2) {
            return;
        }
        NodeProcess ref = live.get(0);
        Await.await(timeout, Duration.ofMillis(25), () -> {
            Map<String, String> a = TreeSnapshot.of(ref.folder(folderName));
            for (NodeProcess n : live.subList(1, live.size())) {
                if (!a.equals(TreeSnapshot.of(n.folder(folderName)))) {
                    return false;
                }
            }
            return true;
        }, () -> "identical trees of folder " + folderName + " on " + live + "\n" + live.subList(1, live.size()).stream()
                .map(n -> ref.name() + " vs " + n.name() + ": "
                        + TreeSnapshot.diff(TreeSnapshot.of(ref.folder(folderName)), TreeSnapshot.of(n.folder(folderName)), 20))
                .collect(Collectors.joining("\n")));
    }

    /** Node {@code n}'s view is exactly {@code expected} (member names). */
    public static void awaitMembers(NodeProcess n, Set<String> expected, Duration timeout) {
        Set<String> want = new TreeSet<>(expected);
        Await.await(timeout, Duration.ofMillis(250), () -> n.members().equals(want),
                () -> n.name() + " has members " + want + " (now " + n.members() + ")");
    }

    /** Every running node reports no dirty entry in {@code status} (polls each node). */
    public void awaitNoDirty(Duration timeout) {
        for (NodeProcess n : running()) {
            Await.await(timeout, Duration.ofMillis(200), () -> dirtyCount(n.statusJson()) == 0,
                    () -> n.name() + " without dirty entries: " + n.dirtyJson());
        }
    }

    static long dirtyCount(JsonNode status) {
        long d = 0;
        for (JsonNode f : status.path("folders")) {
            d += f.path("dirty").asLong();
        }
        return d;
    }

    /** Stops every node (SIGTERM, bounded) and unregisters it; reports the first failure after trying all. */
    @Override
    public void close() {
        AssertionError first = null;
        for (NodeProcess n : nodes) {
            try {
                n.close();
            } catch (AssertionError e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Removes a test's tree (after its nodes are stopped); best effort; kept with {@code -Dit.keep=true}. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root) || Boolean.getBoolean("it.keep")) {
            return;
        }
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // leftovers in /tmp are harmless
        }
    }
}
