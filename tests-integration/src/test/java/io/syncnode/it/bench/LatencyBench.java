package io.syncnode.it.bench;

import io.syncnode.testing.Await;
import io.syncnode.testing.TreeSnapshot;
import io.syncnode.it.Cluster;
import io.syncnode.it.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code scripts/bench latency [--files N] [--burst M] [--rounds R] [--jar PATH]...}: end-to-end
 * latency between two node processes (tcp on 127.0.0.1, settle 0ms).
 *
 * <p>(a) N files of 4 KiB, one at a time, each a new file written directly (open/create, one
 * write, close; no temp name): the time from just before the write on the writer until the other
 * node's copy has the complete content, polled every ~1 ms (size first, then the bytes; the node
 * renames complete, verified files into place, so a right-sized file is a complete one). A to B,
 * then B to A. (b) a burst of M files of 4 KiB into a new directory on A, written as fast as
 * possible: from the first write until all M are complete on B.
 *
 * <p>The nodes run with {@code -Dsyncnode.hops=DIR}: they mark each hop of each change (see
 * {@code io.syncnode.node.trace.Hops}) and {@link HopBreakdown} prints the median of every step
 * from the write to the bench seeing the content, and what the burst cost in index transactions,
 * messages and install batches. With several {@code --jar}s (e.g. the jar before and after a
 * change) and {@code --rounds R}, each round starts a pair of nodes from each jar in turn (A, B,
 * A, B...), so the jars share the machine's load, and the summary compares their medians.
 */
public final class LatencyBench {
    static final int SIZE = 4096;
    static final Duration PER_FILE_TIMEOUT = Duration.ofSeconds(20);
    static final Duration MARKS_WRITTEN = Duration.ofSeconds(10);

    /** --gap: each file of (a) is followed by a pause of this many to twice as many ms (0: none). */
    private static long gapMillis;

    private LatencyBench() {
    }

    /** One file sent one way: when its write began and when the bench saw the complete copy (nanoTime). */
    record Timed(String name, long written, long seen) {
        long ns() {
            return seen - written;
        }
    }

    /** What one jar measured over all its rounds. */
    static final class Result {
        final List<Long> ab = new ArrayList<>();
        final List<Long> ba = new ArrayList<>();
        final List<Long> bursts = new ArrayList<>();
        final HopBreakdown.Table hops = new HopBreakdown.Table();
    }

    public static void main(String[] args) throws Exception {
        int files = 100;
        int burst = 1000;
        int rounds = 1;
        boolean keep = false;
        boolean sealed = false;
        List<Path> jars = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "latency" -> { }
                case "--files" -> files = Integer.parseInt(args[++i]);
                case "--burst" -> burst = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--jar" -> jars.add(Path.of(args[++i]).toAbsolutePath().normalize());
                case "--keep" -> keep = true;
                case "--sealed" -> sealed = true;
                case "--gap" -> gapMillis = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: scripts/bench latency [--files N] [--burst M] [--rounds R] [--jar PATH]... [--sealed] [--keep] [--gap MS]");
                    System.exit(2);
                }
            }
        }
        if (jars.isEmpty()) {
            jars.add(NodeProcess.jarUnderTest());
        }
        for (Path j : jars) {
            if (!Files.isRegularFile(j)) {
                System.err.println("bench: no jar at " + j);
                System.exit(2);
            }
        }
        System.out.printf("java %s; %d cores; load %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        Path home = Files.createTempDirectory("syncnode-bench");
        ProcStats.diskNote(home).ifPresent(System.out::println);
        String baseJvm = System.getProperty("it.nodeJvm", "");
        Map<Path, Result> results = new LinkedHashMap<>();
        int exit = 0;
        try {
            for (int round = 1; round <= rounds; round++) {
                for (int j = 0; j < jars.size(); j++) {
                    Path dir = home.resolve("r" + round + "-" + (char) ('A' + j));
                    System.setProperty("it.nodeJvm", baseJvm + " -Dsyncnode.hops=" + dir.resolve("hops"));
                    System.out.printf("%n=== round %d, jar %c: %s%n", round, 'A' + j, jars.get(j));
                    session(jars.get(j), dir, files, burst, sealed, results.computeIfAbsent(jars.get(j), k -> new Result()));
                }
            }
            summary(jars, results, files, burst);
        } catch (Exception | AssertionError e) {
            System.err.println("bench failed: " + e);
            e.printStackTrace();
            exit = 1;
        } finally {
            if (keep) {
                System.out.println("kept (--keep): " + home + " (hops/hops-<pid>.txt per pair of nodes)");
            } else {
                Cluster.deleteTree(home);
            }
        }
        System.exit(exit);
    }

    /** One pair of nodes from {@code jar}: warm-up, N files a -> b, N files b -> a, the burst; adds to {@code r}. */
    static void session(Path jar, Path home, int files, int burst, boolean sealed, Result r) throws Exception {
        int port = Cluster.randomPort();
        NodeProcess a = null;
        NodeProcess b = null;
        try {
            String cluster = "bench-" + Long.toHexString(new Random().nextLong());
            String peers = "peers = [\"127.0.0.1:" + port + "\", \"127.0.0.1:" + (port + 1) + "\"]";
            a = new NodeProcess(jar, "a", home.resolve("a"), clusterToml(home, "a", sealed, cluster, port, peers), "0ms");
            b = new NodeProcess(jar, "b", home.resolve("b"), clusterToml(home, "b", sealed, cluster, port + 1, peers), "0ms");
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
            List<Timed> ab = oneAtATime(a, b, files, rnd, "ab");
            List<Timed> ba = oneAtATime(b, a, files, rnd, "ba");
            long burstStart = System.nanoTime();
            double burstSeconds = burst(a, b, burst, rnd);

            Path hopsDir = home.resolve("hops");
            Path aFile = hopsDir.resolve("hops-" + a.pid() + ".txt");
            Path bFile = hopsDir.resolve("hops-" + b.pid() + ".txt");
            String lastBurst = "burst/f" + (burst - 1);
            String lastBa = ba.get(ba.size() - 1).name();
            try {
                Await.await(MARKS_WRITTEN, Duration.ofMillis(50), () -> HopBreakdown.Marks.read(bFile).has(lastBurst, "INSTALLED")
                        && HopBreakdown.Marks.read(aFile).has(lastBa, "INSTALLED"), () -> "hop marks written to " + hopsDir);
            } catch (AssertionError e) {
                System.out.println("(the hop marks are incomplete: a jar without io.syncnode.node.trace.Hops? " + e.getMessage() + ")");
            }
            HopBreakdown.Marks am = HopBreakdown.Marks.read(aFile);
            HopBreakdown.Marks bm = HopBreakdown.Marks.read(bFile);
            for (Timed t : ab) {
                r.ab.add(t.ns());
                r.hops.add(am, bm, t.name(), t.written(), t.seen());
            }
            for (Timed t : ba) {
                r.ba.add(t.ns());
                r.hops.add(bm, am, t.name(), t.written(), t.seen());
            }
            r.bursts.add(Math.round(burstSeconds * 1e9));
            System.out.printf("%-34s %8s %8s %8s %8s %8s%n", "latency, 4 KiB new file (ms)", "median", "p90", "min", "max", "mean");
            row("a -> b, " + files + " files", ab.stream().mapToLong(Timed::ns).toArray());
            row("b -> a, " + files + " files", ba.stream().mapToLong(Timed::ns).toArray());
            HopBreakdown.burst(am, bm, "burst", burstStart).forEach((k, v) -> System.out.printf("  burst %-48s %s%n", k, v));
        } catch (Exception | AssertionError e) {
            for (NodeProcess n : new NodeProcess[] {a, b}) {
                if (n != null) {
                    System.err.println("--- " + n.name() + " log tail\n" + n.logTail(40));
                }
            }
            throw e;
        } finally {
            for (NodeProcess n : new NodeProcess[] {a, b}) {
                if (n != null) {
                    n.close();
                }
            }
        }
    }

    /** Medians per jar: latency, burst, and each hop. */
    private static void summary(List<Path> jars, Map<Path, Result> results, int files, int burst) {
        System.out.println();
        for (int j = 0; j < jars.size(); j++) {
            System.out.printf("jar %c: %s%n", 'A' + j, jars.get(j));
        }
        StringBuilder head = new StringBuilder(String.format("%-40s", "medians (ms)"));
        for (int j = 0; j < jars.size(); j++) {
            head.append(String.format(" %10s", "jar " + (char) ('A' + j)));
        }
        System.out.println(head);
        line("latency a -> b", jars, results, r -> median(r.ab));
        line("latency b -> a", jars, results, r -> median(r.ba));
        line("latency both ways", jars, results, r -> median(concat(r.ab, r.ba)));
        line("latency both ways, p90", jars, results, r -> percentile(concat(r.ab, r.ba), 90) / 1e6);
        line("burst of " + burst + " files (ms)", jars, results, r -> median(r.bursts));
        System.out.println("per hop (the files whose every hop was marked):");
        for (int i = 0; i < HopBreakdown.STEPS.length; i++) {
            int step = i;
            line("  " + HopBreakdown.STEPS[i], jars, results, r -> r.hops.median(step) / 1e6);
        }
        line("  (files without every mark)", jars, results, r -> r.hops.incomplete);
        for (int j = 0; j < jars.size(); j++) {
            HopBreakdown.Table t = results.get(jars.get(j)).hops;
            if (!t.missing.isEmpty()) {
                System.out.printf("  jar %c: the first mark missing, walking back from the rename: %s%n", 'A' + j, t.missing);
            }
        }
        for (Path jar : jars) {
            Result r = results.get(jar);
            double median = median(concat(r.ab, r.ba));
            double burstS = median(r.bursts) / 1e3;
            System.out.printf("targets (issue 13) for %s: latency median <= 5 ms: %s (%.1f ms); burst <= 0.5 s: %s (%.2f s)%n",
                    jar.getFileName(), median <= 5 ? "met" : "MISSED", median, burstS <= 0.5 ? "met" : "MISSED", burstS);
        }
    }

    private static void line(String label, List<Path> jars, Map<Path, Result> results,
                             java.util.function.ToDoubleFunction<Result> value) {
        StringBuilder sb = new StringBuilder(String.format("%-40s", label));
        for (Path j : jars) {
            sb.append(String.format(" %10.2f", value.applyAsDouble(results.get(j))));
        }
        System.out.println(sb);
    }

    private static double median(List<Long> ns) {
        return ns.isEmpty() ? 0 : percentile(ns.stream().mapToLong(Long::longValue).toArray(), 50) / 1e6;
    }

    private static List<Long> concat(List<Long> x, List<Long> y) {
        List<Long> out = new ArrayList<>(x);
        out.addAll(y);
        return out;
    }

    private static long percentile(List<Long> ns, int p) {
        return ns.isEmpty() ? 0 : percentile(ns.stream().mapToLong(Long::longValue).toArray(), p);
    }

    /** With {@code sealed}, the node gets credentials of a CA made under {@code home} (as SealCostBench does). */
    static String clusterToml(Path home, String name, boolean sealed, String cluster, int port, String peers)
            throws IOException {
        String toml = """
                [cluster]
                name = "%s"
                transport = "tcp"
                bind = "127.0.0.1:%d"
                %s
                """.formatted(cluster, port, peers);
        if (sealed) {
            Path creds = Cluster.credentials(home.resolve("ca"), name, home.resolve(name + "-credentials"));
            toml += "credentials = \"" + creds + "\"\n";
        }
        return toml;
    }

    /** Writes {@code n} new files on {@code from}, each after the previous one arrived on {@code to}. */
    static List<Timed> oneAtATime(NodeProcess from, NodeProcess to, int n, Random rnd, String prefix) throws IOException {
        List<Timed> out = new ArrayList<>();
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
            out.add(new Timed(name, t0, System.nanoTime()));
            if (gapMillis > 0) { // the nodes go quiet between files, as between the peer benchmark's operations
                LockSupport.parkNanos((gapMillis + (long) (rnd.nextDouble() * gapMillis)) * 1_000_000);
            }
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
