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
 * A network namespace {@code sn-it-<random>} made for one test class: only its loopback is up
 * (127.0.0.0/8, so node I binds 127.0.0.I), node processes run inside it behind {@link #prefix()},
 * and partitions are iptables DROP rules in the namespace's own INPUT chain, so nothing outside
 * the namespace is touched. {@link #close} deletes the namespace (stop the processes first); a
 * shutdown hook deletes it too if the test JVM exits without closing.
 *
 * <p>Needs root, {@code ip} (iproute2) and {@code iptables}; {@link #assumeUsable} skips the test
 * (JUnit assumption) with a message saying what is missing.
 */
public final class NetNs implements AutoCloseable {
    private static final List<String> SBIN = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

    private final String name;
    private final String ip;
    private final String iptables;
    private final Thread hook;
    private volatile boolean closed;

    private NetNs(String name, String ip, String iptables) {
        this.name = name;
        this.ip = ip;
        this.iptables = iptables;
        this.hook = new Thread(() -> {
            if (!closed) {
                run(false, ip, "netns", "delete", name);
            }
        }, "delete-netns-" + name);
    }

    /** Skips the calling test unless we are root and {@code ip} and {@code iptables} are installed. */
    public static void assumeUsable() {
        String uid = run(false, "id", "-u").strip();
        assumeTrue("0".equals(uid), "needs root for network namespaces and iptables (id -u is " + uid + "); skipped");
        assumeTrue(which("ip") != null, "needs the ip command (apt-get install iproute2); skipped");
        assumeTrue(which("iptables") != null, "needs the iptables command (apt-get install iptables); skipped");
    }

    /**
     * Creates a namespace {@code sn-it-<random>} with loopback up and checks that iptables works
     * inside it; aborts the test (skipped, with the reason) if the kernel refuses either.
     */
    public static NetNs create() {
        assumeUsable();
        String name = "sn-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        NetNs ns = new NetNs(name, which("ip"), which("iptables"));
        String out = run(false, ns.ip, "netns", "add", name);
        if (!out.isEmpty() && !exists(name)) {
            throw new TestAbortedException("cannot create network namespace " + name + " (" + out.strip() + "); skipped");
        }
        Runtime.getRuntime().addShutdownHook(ns.hook);
        try {
            ns.exec("ip", "link", "set", "lo", "up");
            ns.iptables("-F", "INPUT");
            ns.iptables("-S", "INPUT");
        } catch (AssertionError e) {
            ns.close();
            throw new TestAbortedException("network namespace " + name + " unusable: " + e.getMessage() + "; skipped");
        }
        System.out.println("network namespace " + name + " (node I on 127.0.0.I)");
        return ns;
    }

    public String name() {
        return name;
    }

    /** {@code ip netns exec NAME}: put before a command to run it inside the namespace. */
    public List<String> prefix() {
        return List.of(ip, "netns", "exec", name);
    }

    /**
     * Cuts every pair (a, b) with a in {@code sideA}, b in {@code sideB}: DROP 127.0.0.a -> 127.0.0.b
     * and back, on INPUT inside the namespace. Nodes on the same side still talk.
     */
    public void partition(Collection<Integer> sideA, Collection<Integer> sideB) {
        for (int a : sideA) {
            for (int b : sideB) {
                iptables("-A", "INPUT", "-s", "127.0.0." + a, "-d", "127.0.0." + b, "-j", "DROP");
                iptables("-A", "INPUT", "-s", "127.0.0." + b, "-d", "127.0.0." + a, "-j", "DROP");
            }
        }
    }

    /** Removes every partition rule. */
    public void heal() {
        iptables("-F", "INPUT");
    }

    /** The namespace's INPUT rules ({@code iptables -S INPUT}) with packet counters. */
    public String rules() {
        return iptables("-L", "INPUT", "-n", "-v");
    }

    private String iptables(String... args) {
        List<String> cmd = new ArrayList<>(List.of(iptables, "-w"));
        cmd.addAll(List.of(args));
        return exec(cmd.toArray(String[]::new));
    }

    /** Runs {@code cmd} inside the namespace; fails on a non-zero exit. */
    public String exec(String... cmd) {
        List<String> all = new ArrayList<>(prefix());
        all.add(cmd[0].contains("/") ? cmd[0] : whichOr(cmd[0]));
        all.addAll(List.of(cmd).subList(1, cmd.length));
        return run(true, all.toArray(String[]::new));
    }

    /** Deletes the namespace (best effort; its processes should be stopped before). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        String out = run(false, ip, "netns", "delete", name);
        if (exists(name)) {
            System.out.println("could not delete network namespace " + name + ": " + out);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    private static boolean exists(String name) {
        return Files.exists(Path.of("/run/netns", name));
    }

    private static String whichOr(String cmd) {
        String p = which(cmd);
        return p == null ? cmd : p;
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
