package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One cluster's virtual LAN for the security tests: a {@link NetNs} of {@code slots} namespaces,
 * the cluster's transport ({@code udp}: one random multicast group and port; {@code tcp}: a
 * static peer list of the first {@code members} slots), and node processes in any slot, each
 * binding 10.213.X.I:port, configured sealed ({@link #sealed}), insecure or with whatever
 * security lines a test wants. Credentials are made with the real CLI ({@code syncnode keygen}).
 * {@link #close} stops the processes it started and deletes the namespaces.
 */
public final class SecureLan implements AutoCloseable {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private final NetNs ns;
    private final Path home;
    private final String transport;
    private final int members;
    private final String clusterName = "it-sec-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final int port = Cluster.randomPort();
    private final String multicast;
    private final Path jar = NodeProcess.jarUnderTest();
    private final AtomicInteger cliCalls = new AtomicInteger();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Process> others = new ArrayList<>();

    private SecureLan(NetNs ns, Path home, String transport, int members) {
        this.ns = ns;
        this.home = home;
        this.transport = transport;
        this.members = members;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        this.multicast = "239.77." + r.nextInt(256) + "." + (1 + r.nextInt(254)) + ":" + (40000 + r.nextInt(20000));
    }

    /**
     * Namespaces 1..{@code slots} under {@code home}; the cluster's members are the first
     * {@code members} slots (tcp: the peer list every node gets). Skips without root.
     */
    public static SecureLan create(String transport, int slots, int members, Path home) {
        if (!transport.equals("udp") && !transport.equals("tcp")) {
            throw new IllegalArgumentException("transport " + transport);
        }
        return new SecureLan(NetNs.create(slots), home, transport, members);
    }

    public NetNs ns() {
        return ns;
    }

    public String transport() {
        return transport;
    }

    public int port() {
        return port;
    }

    /** The address of slot {@code i} (10.213.X.I). */
    public String address(int i) {
        return ns.address(i);
    }

    /** The multicast group and port (udp). */
    public String multicast() {
        return multicast;
    }

    /** Security lines of a sealed node: its credentials and the revocation list. */
    public static String sealed(Path credentials, List<String> revoked) {
        return "credentials = \"" + credentials + "\"\n" + revokedLine(revoked);
    }

    /** The {@code revoked = [...]} line for these entries. */
    public static String revokedLine(List<String> revoked) {
        return "revoked = [" + revoked.stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(", ")) + "]\n";
    }

    /** The {@code [cluster]} section of a node in slot {@code i}, with {@code security} lines appended. */
    public String clusterToml(int i, String security) {
        String common = """
                [cluster]
                name = "%s"
                transport = "%s"
                bind = "%s:%d"
                """.formatted(clusterName, transport, address(i), port);
        if (transport.equals("udp")) {
            common += "multicast = \"" + multicast + "\"\n";
        } else {
            List<Integer> slots = new ArrayList<>(IntStream.rangeClosed(1, members).boxed().toList());
            if (!slots.contains(i)) {
                slots.add(i);
            }
            common += "peers = [" + slots.stream().map(s -> "\"" + address(s) + ":" + port + "\"")
                    .collect(Collectors.joining(", ")) + "]\n";
        }
        return common + security;
    }

    /** A node named {@code name} in slot {@code i} under {@code <home>/<name>} (not started). */
    public NodeProcess node(int i, String name, String security) throws IOException {
        NodeProcess n = new NodeProcess(jar, name, home.resolve(name), clusterToml(i, security), "10ms",
                Map.of("data", ""), ns.prefix(i));
        nodes.add(n);
        return n;
    }

    /**
     * Writes {@code <home>/<name>/syncnode.toml} for a program that is not a node process (a
     * {@link HostilePeer}): node {@code name} in slot {@code i} with {@code security} lines and a
     * folder "data"; returns its path.
     */
    public Path config(int i, String name, String security) throws IOException {
        Path dir = Files.createDirectories(home.resolve(name));
        Files.createDirectories(dir.resolve("data"));
        Path config = dir.resolve("syncnode.toml");
        Files.writeString(config, """
                [node]
                name = "%s"
                state-dir = "%s"

                %s
                [[folder]]
                name = "data"
                path = "%s"
                """.formatted(name, dir.resolve("state"), clusterToml(i, security), dir.resolve("data")));
        return config;
    }

    /** {@code syncnode keygen ca --out <home>/<dir>} (the real CLI); returns the CA directory. */
    public Path keygenCa(String dir) {
        Path ca = home.resolve(dir);
        cliOk("keygen", "ca", "--out", ca.toString());
        return ca;
    }

    /** {@code syncnode keygen node --ca CA --name NAME --out <home>/credentials/NAME}; returns that directory. */
    public Path keygenNode(Path ca, String name) {
        Path out = home.resolve("credentials").resolve(name);
        cliOk("keygen", "node", "--ca", ca.toString(), "--name", name, "--out", out.toString());
        return out;
    }

    /** The fingerprint of the node certificate in {@code credentials}, as {@code syncnode keygen show} prints it. */
    public String fingerprint(Path credentials) {
        String out = cliOk("keygen", "show", credentials.toString()).out();
        Matcher m = Pattern.compile("node\\.crt:\\s*\\n(?:.*\\n)*?\\s*fingerprint:\\s*(sha256:[0-9a-f]{64})").matcher(out);
        if (!m.find()) {
            throw new AssertionError("no node.crt fingerprint in `keygen show` output:\n" + out);
        }
        return m.group(1);
    }

    /** Runs a CLI verb of the jar under test (outside the namespaces) and fails unless it exits 0. */
    public CliResult cliOk(String... args) {
        CliResult r = NodeProcess.cli(jar, home.resolve("cli"), cliCalls.incrementAndGet(), args);
        assertEquals(0, r.exit(), () -> "syncnode " + String.join(" ", args) + ": " + r);
        return r;
    }

    /**
     * Starts {@code main} (a class of these tests) as a JVM in slot {@code i}'s namespace, with the
     * jar under test and the test classes on its class path, stdout and stderr to {@code log}.
     * The caller owns the process; {@link #close} kills it if it still runs.
     */
    public Process java(int i, Class<?> main, Path log, String... args) throws IOException {
        return java(i, "128m", main, log, args);
    }

    /** {@link #java(int, Class, Path, String...)} with a heap of {@code maxHeap} (e.g. "256m") instead of 128m. */
    public Process java(int i, String maxHeap, Class<?> main, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(ns.prefix(i));
        cmd.addAll(List.of(JAVA, "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-cp", jar + File.pathSeparator + testClasses(),
                main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        synchronized (others) {
            others.add(p);
        }
        return p;
    }

    /** Runs {@link #java} to its end (bounded) and fails unless it exits 0; returns its output. */
    public String javaOk(int i, Class<?> main, Path log, String... args) throws IOException {
        Process p = java(i, main, log, args);
        try {
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(main.getSimpleName() + " did not finish within 60 s: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), () -> main.getSimpleName() + " " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    private static Path testClasses() {
        try {
            return Path.of(SecureLan.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces the {@code revoked = [...]} line of {@code n}'s config file. */
    public static void setRevoked(NodeProcess n, List<String> revoked) {
        try {
            String text = Files.readString(n.config());
            String updated = text.replaceFirst("(?m)^revoked = \\[.*]\\n", Matcher.quoteReplacement(revokedLine(revoked)));
            if (updated.equals(text) && !text.contains(revokedLine(revoked))) {
                throw new AssertionError("no revoked line in " + n.config() + ":\n" + text);
            }
            Files.writeString(n.config(), updated);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------ reading status --json

    /** {@code security.refused.<reason>} of a status. */
    public static long refused(JsonNode status, String reason) {
        JsonNode v = status.path("security").path("refused").path(reason);
        if (!v.isNumber()) {
            throw new AssertionError("status has no security.refused." + reason + ": " + status);
        }
        return v.asLong();
    }

    /** {@code counters.rejectedMessages} of a status. */
    public static long rejected(JsonNode status) {
        return status.path("counters").path("rejectedMessages").asLong();
    }

    /** Files in folder "data" according to the index ({@code folders[0].files}). */
    public static long indexedFiles(JsonNode status) {
        return status.path("folders").get(0).path("files").asLong();
    }

    /** The session id (hex) this status shows for member {@code name}, or null. */
    public static String session(JsonNode status, String name) {
        for (JsonNode s : status.path("security").path("sessions")) {
            if (name.equals(s.path("name").asText())) {
                return s.path("session").asText();
            }
        }
        return null;
    }

    /** The member list of a status, sorted, duplicates kept. */
    public static List<String> members(JsonNode status) {
        List<String> out = new ArrayList<>();
        status.path("members").forEach(m -> out.add(m.asText()));
        out.sort(null);
        return out;
    }

    /** Stops the nodes and programs started here (bounded) and deletes the namespaces. */
    @Override
    public void close() {
        try {
            for (NodeProcess n : nodes) {
                try {
                    n.close();
                } catch (AssertionError e) {
                    System.out.println("stopping " + n.name() + ": " + e.getMessage());
                }
            }
            synchronized (others) {
                for (Process p : others) {
                    if (p.isAlive()) {
                        p.destroyForcibly();
                    }
                }
                for (Process p : others) {
                    try {
                        p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        } finally {
            ns.close();
        }
    }
}
