package io.syncnode.it.bench;

import io.syncnode.testing.TreeSnapshot;
import io.syncnode.it.Cluster;
import io.syncnode.it.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code scripts/bench latency [--files N] [--burst M]}: end-to-end latency between two node
 * processes (tcp on 127.0.0.1, settle 0ms).
 *
 * <p>(a) N files of 4 KiB, one at a time, each a new file written directly (open/create, one
 * write, close; no temp name): the time from just before the write on the writer until the other
 * node's copy has the complete content, polled every ~1 ms (size first, then the bytes; the node
 * renames complete, verified files into place, so a right-sized file is a complete one). A to B,
 * then B to A. (b) a burst of M files of 4 KiB into a new directory on A, written as fast as
 * possible: from the first write until all M are complete on B.
 */
public final class LatencyBench {
    static final int SIZE = 4096;
    static final Duration PER_FILE_TIMEOUT = Duration.ofSeconds(20);

    private LatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int files = 100;
        int burst = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "latency" -> { }
                case "--files" -> files = Integer.parseInt(args[++i]);
                case "--burst" -> burst = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: scripts/bench latency [--files N] [--burst M]");
                    System.exit(2);
                }
            }
        }
        Path home = Files.createTempDirectory("syncnode-bench");
        int port = Cluster.randomPort();
        NodeProcess a = null;
        NodeProcess b = null;
        int exit = 0;
        try {
            String cluster = "bench-" + Long.toHexString(new Random().nextLong());
            String peers = "peers = [\"127.0.0.1:" + port + "\", \"127.0.0.1:" + (port + 1) + "\"]";
            a = new NodeProcess(NodeProcess.jarUnderTest(), "a", home.resolve("a"), clusterToml(cluster, port, peers), "0ms");
            b = new NodeProcess(NodeProcess.jarUnderTest(), "b", home.resolve("b"), clusterToml(cluster, port + 1, peers), "0ms");
            a.start();
            b.start();
            a.waitUntilRunning(Cluster.START);
            b.waitUntilRunning(Cluster.START);
            NodeProcess aa = a;
            NodeProcess bb = b;
            io.syncnode.testing.Await.await(Cluster.START, Duration.ofMillis(200),
                    () -> aa.members().size() == 2 && bb.members().size() == 2, () -> "a and b members of each other");
            System.out.printf("nodes a, b running (tcp 127.0.0.1:%d/%d, settle 0ms) in %s%n", port, port + 1, home);

            Random rnd = new Random(42);
            oneAtATime(a, b, 10, rnd, "warm-a"); // JIT warm-up, not reported
            oneAtATime(b, a, 10, rnd, "warm-b");
            long[] ab = oneAtATime(a, b, files, rnd, "ab");
            long[] ba = oneAtATime(b, a, files, rnd, "ba");
            double burstSeconds = burst(a, b, burst, rnd);
            long[] both = concat(ab, ba);

            System.out.println();
            System.out.printf("%-34s %8s %8s %8s %8s %8s%n", "latency, 4 KiB new file (ms)", "median", "p90", "min", "max", "mean");
            row("a -> b, " + files + " files", ab);
            row("b -> a, " + files + " files", ba);
            row("both ways, " + both.length + " files", both);
            System.out.printf("%-34s %8.2f s  (%.0f files/s)%n", "burst: " + burst + " files a -> b", burstSeconds,
                    burst / burstSeconds);
            double median = percentile(both, 50) / 1e6;
            System.out.printf("targets: median <= 50 ms: %s (%.1f ms); burst <= 3 s: %s (%.2f s)%n",
                    median <= 50 ? "met" : "MISSED", median, burstSeconds <= 3 ? "met" : "MISSED", burstSeconds);
        } catch (Exception | AssertionError e) {
            System.err.println("bench failed: " + e);
            e.printStackTrace();
            for (NodeProcess n : new NodeProcess[] {a, b}) {
                if (n != null) {
                    System.err.println("--- " + n.name() + " log tail\n" + n.logTail(40));
                }
            }
            exit = 1;
        } finally {
            for (NodeProcess n : new NodeProcess[] {a, b}) {
                if (n != null) {
                    n.close();
                }
            }
            Cluster.deleteTree(home);
        }
        System.exit(exit);
    }

    private static String clusterToml(String cluster, int port, String peers) {
        return """
                [cluster]
                name = "%s"
                transport = "tcp"
                bind = "127.0.0.1:%d"
                %s
                """.formatted(cluster, port, peers);
    }

    /** Writes {@code n} new files on {@code from}, each after the previous one arrived on {@code to}; ns per file. */
    static long[] oneAtATime(NodeProcess from, NodeProcess to, int n, Random rnd, String prefix) throws IOException {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            byte[] content = new byte[SIZE];
            rnd.nextBytes(content);
            String name = prefix + "-" + i;
            Path src = from.folder().resolve(name);
            Path dst = to.folder().resolve(name);
            long t0 = System.nanoTime();
            Files.write(src, content);
            long deadline = t0 + PER_FILE_TIMEOUT.toNanos();
            while (!complete(dst, content)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(name + " did not arrive on " + to.name() + " within " + PER_FILE_TIMEOUT);
                }
                LockSupport.parkNanos(1_000_000);
            }
            out[i] = System.nanoTime() - t0;
        }
        return out;
    }

    /** Seconds from the first write of {@code n} files on {@code from} until all are complete on {@code to}. */
    static double burst(NodeProcess from, NodeProcess to, int n, Random rnd) throws IOException {
        byte[][] contents = new byte[n][SIZE];
        for (byte[] c : contents) {
            rnd.nextBytes(c);
        }
        Path dir = to.folder().resolve("burst");
        long t0 = System.nanoTime();
        Path src = Files.createDirectory(from.folder().resolve("burst"));
        for (int i = 0; i < n; i++) {
            Files.write(src.resolve("f" + i), contents[i]);
        }
        long written = System.nanoTime();
        long deadline = t0 + Duration.ofSeconds(120).toNanos();
        boolean[] done = new boolean[n];
        int remaining = n;
        while (remaining > 0) {
            for (int i = 0; i < n; i++) {
                if (!done[i] && complete(dir.resolve("f" + i), contents[i])) {
                    done[i] = true;
                    remaining--;
                }
            }
            if (remaining > 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(remaining + " of " + n + " burst files missing on " + to.name()
                            + " after 120 s; it has " + TreeSnapshot.countFiles(dir));
                }
                LockSupport.parkNanos(2_000_000);
            }
        }
        long end = System.nanoTime();
        System.out.printf("burst: %d files written on %s in %.0f ms; all complete on %s after %.0f ms%n", n,
                from.name(), (written - t0) / 1e6, to.name(), (end - t0) / 1e6);
        return (end - t0) / 1e9;
    }

    private static boolean complete(Path p, byte[] content) throws IOException {
        try {
            return Files.size(p) == content.length && Arrays.equals(Files.readAllBytes(p), content);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static long[] concat(long[] x, long[] y) {
        long[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static void row(String label, long[] ns) {
        double mean = Arrays.stream(ns).average().orElse(0) / 1e6;
        System.out.printf("%-34s %8.1f %8.1f %8.1f %8.1f %8.1f%n", label, percentile(ns, 50) / 1e6,
                percentile(ns, 90) / 1e6, Arrays.stream(ns).min().orElse(0) / 1e6, Arrays.stream(ns).max().orElse(0) / 1e6,
                mean);
    }

    /** Nearest-rank percentile. */
    static long percentile(long[] ns, int p) {
        long[] s = ns.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, rank - 1)];
    }
}
