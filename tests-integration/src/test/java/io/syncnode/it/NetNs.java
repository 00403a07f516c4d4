package io.syncnode.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * A small virtual LAN of network namespaces made for one test class: a hub namespace
 * {@code sn-it-<random>} holding a bridge, and one namespace {@code sn-it-<random>-I} per node with
 * a veth into the bridge and the single address {@code 10.213.X.I/24} (X random per instance).
 * Node I runs inside its namespace behind {@link #prefix(int)}; partitions are iptables rules in
 * the nodes' own INPUT chains, so nothing outside these namespaces is touched: {@link #partition}
 * answers TCP with resets (the peer learns at once that the path is gone), {@link #drop} and
 * {@link #apply(Cut)} drop silently, in one direction or both, like a pulled cable or a lossy
 * switch (the peer learns nothing; its TCP retransmits into the void). The bridge does no IGMP
 * snooping, so IP multicast (udp transport) reaches every node. {@link #close}
 * deletes them all (stop the processes first; their veths go with them); a shutdown hook deletes
 * them too if the test JVM exits without closing.
 *
 * <p>Why not one namespace with 127.0.0.I per node: JGroups' TCP transport does not bind its
 * client sockets (tcp.xml sets no {@code client_bind_addr}), so every connection between nodes on
 * 127.0.0.0/8 leaves from 127.0.0.1 whatever the node's bind address, and address-based rules cannot
 * tell the nodes apart. With one address per namespace the source address is the node's.
 *
 * <p>Needs root, {@code ip} (iproute2, with veth and bridge support) and {@code iptables};
 * {@link #assumeUsable} and {@link #create} skip the test (JUnit assumption) saying what is missing.
 */
public final class NetNs implements AutoCloseable {
    private static final List<String> SBIN = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

    private final String name;
    private final int nodes;
    private final String subnet;
    private final String ip;
    private final String iptables;
    private final Thread hook;
    private final List<String> created = new ArrayList<>();
    private volatile boolean closed;

    private NetNs(String name, int nodes, String ip, String iptables) {
        this.name = name;
        this.nodes = nodes;
        this.subnet = "10.213." + ThreadLocalRandom.current().nextInt(256) + ".";
        this.ip = ip;
        this.iptables = iptables;
        this.hook = new Thread(this::deleteAll, "delete-netns-" + name);
    }

    /** Skips the calling test unless we are root and {@code ip} and {@code iptables} are installed. */
    public static void assumeUsable() {
        String uid = run(false, "id", "-u").strip();
        assumeTrue("0".equals(uid), "needs root for network namespaces and iptables (id -u is " + uid + "); skipped");
        assumeTrue(which("ip") != null, "needs the ip command (apt-get install iproute2); skipped");
        assumeTrue(which("iptables") != null, "needs the iptables command (apt-get install iptables); skipped");
    }

    /**
     * Creates the hub (bridge {@code br0}) and one namespace per node 1..{@code nodes}, each with
     * loopback up and {@code eth0} = 10.213.X.I/24 on the bridge, and checks that iptables works in
     * each; aborts the test (skipped, with the reason) if the kernel refuses any of it.
     */
    public static NetNs create(int nodes) {
        assumeUsable();
        String name = "sn-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        NetNs ns = new NetNs(name, nodes, which("ip"), which("iptables"));
        Runtime.getRuntime().addShutdownHook(ns.hook);
        try {
            ns.add(name);
            ns.in(name, ns.ip, "link", "set", "lo", "up");
            ns.in(name, ns.ip, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
            ns.in(name, ns.ip, "link", "set", "br0", "up");
            for (int i = 1; i <= nodes; i++) {
                String node = ns.namespace(i);
                ns.add(node);
                ns.in(name, ns.ip, "link", "add", "v" + i, "type", "veth", "peer", "name", "eth0", "netns", node);
                ns.in(name, ns.ip, "link", "set", "v" + i, "master", "br0", "up");
                ns.in(node, ns.ip, "link", "set", "lo", "up");
                ns.in(node, ns.ip, "addr", "add", ns.address(i) + "/24", "dev", "eth0");
                ns.in(node, ns.ip, "link", "set", "eth0", "up");
                ns.in(node, ns.iptables, "-w", "-F", "INPUT");
            }
        } catch (AssertionError e) {
            ns.close();
            throw new TestAbortedException("cannot set up network namespaces " + name + "*: " + e.getMessage() + "; skipped");
        }
        System.out.println("network namespaces " + name + " (hub) and " + name + "-1.." + nodes + " (node I on "
                + ns.address(1).replaceAll("\\d+$", "I") + ")");
        return ns;
    }

    private void add(String ns) {
        run(true, ip, "netns", "add", ns);
        created.add(ns);
    }

    private String in(String ns, String... cmd) {
        List<String> all = new ArrayList<>(List.of(ip, "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return run(true, all.toArray(String[]::new));
    }

    public String name() {
        return name;
    }

    /** The namespace of node {@code i}. */
    public String namespace(int i) {
        return name + "-" + i;
    }

    /** Node {@code i}'s address (10.213.X.I). */
    public String address(int i) {
        return subnet + i;
    }

    /** {@code ip netns exec NS-I}: put before a command to run it in node {@code i}'s namespace. */
    public List<String> prefix(int i) {
        return List.of(ip, "netns", "exec", namespace(i));
    }

    /**
     * Cuts every pair (a, b) with a in {@code sideA}, b in {@code sideB}: node b's namespace drops
     * what comes from a's address and node a's what comes from b's. Nodes on the same side still talk.
     */
    public void partition(Collection<Integer> sideA, Collection<Integer> sideB) {
        for (int a : sideA) {
            for (int b : sideB) {
                cut(b, a);
                cut(a, b);
            }
        }
    }

    /**
     * Node {@code at} stops hearing node {@code from}: TCP answered with a reset (default; the peer
     * learns at once that the path is gone), everything else dropped. {@code -Dit.partition=drop}
     * drops TCP silently too (a pulled cable). Silent partitions of any shape are made with
     * {@link #drop} and {@link #apply(Cut)} (tested by PartitionHealIT); the partition ITs written
     * before keep the resets by default.
     */
    private void cut(int at, int from) {
        if (!"drop".equals(System.getProperty("it.partition", "reject"))) {
            // let the other side's resets in, or our own REJECT there would never reach us
            in(namespace(at), iptables, "-w", "-A", "INPUT", "-s", address(from), "-p", "tcp", "--tcp-flags", "RST", "RST",
                    "-j", "ACCEPT");
            in(namespace(at), iptables, "-w", "-A", "INPUT", "-s", address(from), "-p", "tcp", "-j", "REJECT",
                    "--reject-with", "tcp-reset");
        }
        in(namespace(at), iptables, "-w", "-A", "INPUT", "-s", address(from), "-j", "DROP");
    }

    /**
     * Silently drops every packet (any protocol, unicast and multicast) that node {@code from} sends
     * to node {@code to}: no reset, no ICMP, nothing tells either side. The reverse direction is
     * untouched (one-way loss); call it twice for both directions.
     */
    public void drop(int from, int to) {
        if (from == to || from < 1 || to < 1 || from > nodes || to > nodes) {
            throw new IllegalArgumentException("no link " + from + " -> " + to + " among nodes 1.." + nodes);
        }
        in(namespace(to), iptables, "-w", "-A", "INPUT", "-s", address(from), "-j", "DROP");
    }

    /** Silently drops, both ways, everything between each node of {@code sideA} and each of {@code sideB}. */
    public void dropBetween(Collection<Integer> sideA, Collection<Integer> sideB) {
        for (int a : sideA) {
            for (int b : sideB) {
                drop(a, b);
                drop(b, a);
            }
        }
    }

    /** Silently drops every link of {@code cut} (see {@link #drop}). */
    public void apply(Cut cut) {
        if (cut.nodes() > nodes) {
            throw new IllegalArgumentException(cut + " needs " + cut.nodes() + " nodes; " + name + " has " + nodes);
        }
        for (Cut.Link l : cut.links()) {
            drop(l.from(), l.to());
        }
    }

    /** Removes every partition rule. */
    public void heal() {
        for (int i = 1; i <= nodes; i++) {
            in(namespace(i), iptables, "-w", "-F", "INPUT");
        }
    }

    /** Every node namespace's INPUT rules with packet counters. */
    public String rules() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= nodes; i++) {
            b.append(namespace(i)).append(":\n").append(in(namespace(i), iptables, "-w", "-L", "INPUT", "-n", "-v"));
        }
        return b.toString();
    }

    /** Deletes the namespaces (best effort; their processes should be stopped before). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    private synchronized void deleteAll() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> all = new ArrayList<>(created);
        java.util.Collections.reverse(all);
        for (String ns : all) {
            String out = run(false, ip, "netns", "delete", ns);
            if (exists(ns)) {
                System.out.println("could not delete network namespace " + ns + ": " + out);
            }
        }
    }

    private static boolean exists(String name) {
        return Files.exists(Path.of("/run/netns", name));
    }

    /** Absolute path of {@code cmd} on PATH or in the sbin directories (a non-root PATH often lacks them). */
    static String which(String cmd) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(SBIN);
        for (String d : dirs) {
            if (!d.isEmpty()) {
                Path p = Path.of(d, cmd);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    /** Runs a command (bounded: 30 s) and returns stdout+stderr; {@code check}: fail on a non-zero exit. */
    static String run(boolean check, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within 30 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (check && p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " -> exit " + p.exitValue() + ": " + text.strip());
            }
            return text;
        } catch (IOException e) {
            if (check) {
                throw new UncheckedIOException(e);
            }
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
