package io.syncnode.it.bench;

import io.syncnode.it.Cluster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code scripts/bench bulk [--reps R] [--small N] [--dirs D] [--big-mib M] [--jar J]... [--opts O]...}: the peer
 * benchmark's bulk case (issue 13) against real node processes, configured as
 * {@code peerbench/syncbench/adapters/syncnode.py} does: two nodes started by the launcher
 * ({@code scripts/launch-jar JAR run}: the daemon's JVM defaults, no heap cap), tcp on 127.0.0.1,
 * both ports as peers, one folder with {@code settle = "0ms"}. Node A's folder holds N (10,000)
 * random 4 KiB files in D (100) directories and one M MiB (512) random file (copied in with
 * {@code cp -a} before each rep); B's starts empty.
 *
 * <p>Per rep, as the peer benchmark times it: both nodes are started at once, and the time runs
 * until every file is on B with its size (polled every 50 ms, each directory's listing dropped once
 * complete); then B's tree is compared byte for byte with A's (a difference fails the bench). Also
 * printed: each node's CPU time (user + system, from its start) and peak RSS ({@code VmHWM}) when
 * the copy is done, and its RSS then. CPU time is the steadier figure on a loaded machine. With several
 * {@code --jar}s (e.g. a build kept aside and the current one) the reps alternate between them
 * (A/B/A/B) and the table gives each jar's median; several {@code --opts} (JVM options of the nodes,
 * "" for none) alternate the same way, for every jar. {@code SYNCNODE_JAVA_OPTS} reaches every
 * node's JVM (e.g. a JFR recording). Needs about (M + 41) MiB x 3 free in /tmp (the data, A's and B's copies).
 */
public final class BulkBench {
    private BulkBench() {
    }

    record Result(String variant, double seconds, long peakA, long peakB, long rssA, long rssB, double cpuA, double cpuB,
                  double idleA, double idleB) {
    }

    public static void main(String[] args) throws Exception {
        int reps = 3;
        int small = 10_000;
        int dirs = 100;
        int bigMib = 512;
        int idle = 0;
        List<Path> jars = new ArrayList<>();
        List<String> opts = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "bulk" -> { }
                    case "--reps" -> reps = positive(args[++i], "--reps");
                    case "--small" -> small = positive(args[++i], "--small");
                    case "--dirs" -> dirs = positive(args[++i], "--dirs");
                    case "--big-mib" -> bigMib = positive(args[++i], "--big-mib");
                    case "--idle" -> idle = positive(args[++i], "--idle");
                    case "--jar" -> jars.add(Path.of(args[++i]).toAbsolutePath().normalize());
                    case "--opts" -> opts.add(args[++i].strip());
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            System.err.println("bench bulk: " + (e instanceof ArrayIndexOutOfBoundsException ? "a value is missing"
                    : e.getMessage()));
            System.err.println("usage: scripts/bench bulk [--reps R] [--small N] [--dirs D] [--big-mib M] [--jar J]..."
                    + " [--opts O]... [--idle SECS]");
            System.exit(2);
        }
        if (jars.isEmpty()) {
            jars.add(Path.of(System.getProperty("syncnode.jar", "node/target/syncnode.jar")).toAbsolutePath().normalize());
        }
        if (opts.isEmpty()) {
            opts.add("");
        }
        List<Variant> variants = new ArrayList<>();
        for (Path jar : jars) {
            opts.forEach(o -> variants.add(new Variant(jar, o)));
            if (!Files.isRegularFile(jar)) {
                System.err.println("bench bulk: no jar at " + jar);
                System.exit(2);
            }
        }
        Path launcher = Path.of(System.getProperty("syncnode.launcher", "scripts/launch-jar")).toAbsolutePath();
        Path home = Files.createTempDirectory("syncnode-bench-bulk");
        ProcStats.diskNote(home).ifPresent(System.out::println);
        try {
            Path source = home.resolve("source");
            long t = System.nanoTime();
            long bytes = makeData(source, small, dirs, bigMib);
            System.out.printf("data: %d x 4 KiB in %d dirs + %d MiB (%d bytes), made in %.1f s; %d cores, load %s%n",
                    small, dirs, bigMib, bytes, (System.nanoTime() - t) / 1e9, Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).strip());
            List<Result> results = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                for (Variant v : variants) {
                    Result res = new BulkRun(launcher, v, home.resolve("run"), source, idle).run();
                    results.add(res);
                    System.out.printf("rep %d %-40s %7.2f s  CPU a %5.1f s, b %5.1f s; peak RSS a %5d MiB, b %5d MiB;"
                            + " after a %5d MiB, b %5d MiB%n", r + 1, v.label(), res.seconds(), res.cpuA(), res.cpuB(),
                            res.peakA() >> 10, res.peakB() >> 10, res.rssA() >> 10, res.rssB() >> 10);
                }
            }
            System.out.println();
            System.out.printf("%-40s %5s %9s %9s %8s %8s %11s %11s%s%n", "jar", "reps", "median s", "MB/s", "CPU a s",
                    "CPU b s", "peak a MiB", "peak b MiB", idle > 0 ? String.format(" %10s %10s", "idle a s", "idle b s") : "");
            for (Variant v : variants) {
                List<Result> mine = results.stream().filter(x -> x.variant().equals(v.label())).toList();
                double s = median(mine.stream().mapToDouble(Result::seconds).toArray());
                System.out.printf("%-40s %5d %9.2f %9.1f %8.1f %8.1f %11.0f %11.0f%s%n", v.label(), mine.size(), s,
                        bytes / 1e6 / s, median(mine.stream().mapToDouble(Result::cpuA).toArray()),
                        median(mine.stream().mapToDouble(Result::cpuB).toArray()),
                        median(mine.stream().mapToDouble(x -> x.peakA() >> 10).toArray()),
                        median(mine.stream().mapToDouble(x -> x.peakB() >> 10).toArray()),
                        idle > 0 ? String.format(" %10.2f %10.2f", median(mine.stream().mapToDouble(Result::idleA).toArray()),
                                median(mine.stream().mapToDouble(Result::idleB).toArray())) : "");
            }
            System.out.println("(time: both nodes started at once until B holds every file at its size, as the peer"
                    + " benchmark times it; load from other processes adds noise: compare jars of the same run)");
        } finally {
            Cluster.deleteTree(home);
        }
    }

    private static int positive(String v, String what) {
        if (!v.matches("[1-9][0-9]{0,6}")) {
            throw new IllegalArgumentException(what + " takes a positive integer, not '" + v + "'");
        }
        return Integer.parseInt(v);
    }

    /** A jar and the extra JVM options its nodes run with. */
    record Variant(Path jar, String opts) {
        String label() {
            String s = jar.toString() + (opts.isEmpty() ? "" : " " + opts);
            return s.length() <= 40 ? s : "..." + s.substring(s.length() - 37);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The peer benchmark's data: small files f00000.. round-robin over d000.., and big.bin. */
    private static long makeData(Path root, int small, int dirs, int bigMib) throws IOException {
        Random rnd = new Random(13);
        byte[] buf = new byte[4096];
        for (int i = 0; i < small; i++) {
            Path d = root.resolve("small").resolve(String.format("d%03d", i % dirs));
            if (i < dirs) {
                Files.createDirectories(d);
            }
            rnd.nextBytes(buf);
            Files.write(d.resolve(String.format("f%05d", i)), buf);
        }
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(root.resolve("big.bin"))) {
            for (int i = 0; i < bigMib; i++) {
                rnd.nextBytes(chunk);
                out.write(chunk);
            }
        }
        return (long) small * buf.length + ((long) bigMib << 20);
    }

    /** Regular files under {@code root}: relative path -> size. */
    static Map<String, Long> files(Path root) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile()) {
                    out.put(root.relativize(p).toString(), a.size());
                }
            }
        }
        return out;
    }

    /** One rep: fresh state dirs, A's folder filled, both nodes started, B's tree awaited and compared. */
    private record BulkRun(Path launcher, Variant v, Path dir, Path source, int idle) {
        Result run() throws Exception {
            Cluster.deleteTree(dir);
            Path a = Files.createDirectories(dir.resolve("a/data"));
            Path b = Files.createDirectories(dir.resolve("b/data"));
            exec(List.of("cp", "-a", source + "/.", a + "/"));
            exec(List.of("sync"));
            Map<String, Long> expected = files(a);
            int port = Cluster.randomPort();
            String cluster = "bulk-" + Long.toHexString(new Random().nextLong());
            List<Process> nodes = new ArrayList<>();
            try {
                long t0 = System.nanoTime();
                nodes.add(start("a", port, port + 1, cluster));
                nodes.add(start("b", port + 1, port, cluster));
                Map<String, Map<String, Long>> pending = new HashMap<>();
                expected.forEach((rel, size) -> {
                    int slash = rel.lastIndexOf('/');
                    pending.computeIfAbsent(slash < 0 ? "" : rel.substring(0, slash), k -> new HashMap<>())
                            .put(rel.substring(slash + 1), size);
                });
                long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
                while (!allThere(b, pending)) {
                    for (Process p : nodes) {
                        if (!p.isAlive()) {
                            throw new AssertionError("a node exited with " + p.exitValue() + "\n" + tails());
                        }
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new AssertionError("B incomplete after 10 min: " + pending.values().stream()
                                .mapToInt(Map::size).sum() + " files missing\n" + tails());
                    }
                    LockSupport.parkNanos(50_000_000);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                for (String rel : expected.keySet()) {
                    if (Files.mismatch(a.resolve(rel), b.resolve(rel)) != -1) {
                        throw new AssertionError("B's " + rel + " differs from A's");
                    }
                }
                long[] st = new long[4];
                double[] cpu = new double[2];
                for (int i = 0; i < 2; i++) {
                    long pid = nodes.get(i).pid();
                    st[i] = ProcStats.statusKib(pid, "VmHWM:");
                    st[2 + i] = ProcStats.statusKib(pid, "VmRSS:");
                    cpu[i] = ProcStats.cpuSeconds(pid);
                }
                double[] idleCpu = idle > 0 ? IdleCost.measure(nodes, idle) : new double[] {Double.NaN, Double.NaN};
                return new Result(v.label(), seconds, st[0], st[1], st[2], st[3], cpu[0], cpu[1], idleCpu[0], idleCpu[1]);
            } finally {
                for (Process p : nodes) {
                    p.destroy();
                }
                for (Process p : nodes) {
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor();
                    }
                }
                String keep = System.getenv("BENCH_KEEP_LOGS"); // a directory: each rep's node logs are copied there
                if (keep != null && !keep.isBlank()) {
                    Files.createDirectories(Path.of(keep));
                    for (String n : List.of("a", "b")) {
                        Files.copy(dir.resolve(n + "/node.log"), Path.of(keep, n + "-" + System.currentTimeMillis() + ".log"));
                    }
                }
            }
        }

        private Process start(String name, int port, int other, String cluster) throws IOException {
            Path home = dir.resolve(name);
            String toml = """
                    [node]
                    name = "%s"
                    state-dir = "%s/state"

                    [cluster]
                    name = "%s"
                    transport = "tcp"
                    bind = "127.0.0.1:%d"
                    peers = ["127.0.0.1:%d", "127.0.0.1:%d"]

                    [[folder]]
                    name = "data"
                    path = "%s/data"
                    settle = "0ms"
                    """.formatted(name, home, cluster, port, port, other, home);
            Path config = home.resolve("node.toml");
            Files.writeString(config, toml, StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(launcher.toString(), v.jar().toString(), "run", "-c", config.toString());
            if (!v.opts().isEmpty()) {
                pb.environment().merge("SYNCNODE_JAVA_OPTS", v.opts(), (a, b) -> a + " " + b);
            }
            pb.redirectErrorStream(true).redirectOutput(home.resolve("node.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return pb.start();
        }

        private String tails() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (String n : List.of("a", "b")) {
                List<String> lines = Files.readAllLines(dir.resolve(n + "/node.log"));
                sb.append("--- ").append(n).append("'s log, tail:\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))).append('\n');
            }
            return sb.toString();
        }
    }

    /** Drops from {@code pending} what B holds at its size; true when nothing is left. */
    private static boolean allThere(Path b, Map<String, Map<String, Long>> pending) {
        pending.entrySet().removeIf(e -> {
            Map<String, Long> names = e.getValue();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(e.getKey().isEmpty() ? b : b.resolve(e.getKey()))) {
                for (Path p : ds) {
                    Long want = names.get(p.getFileName().toString());
                    if (want != null) {
                        BasicFileAttributes at = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                        if (at.isRegularFile() && at.size() == want) {
                            names.remove(p.getFileName().toString());
                        }
                    }
                }
            } catch (IOException notYet) {
                return false; // the directory is not there yet, or a file went while listed: next poll
            }
            return names.isEmpty();
        });
        return pending.isEmpty();
    }

    private static void exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed");
        }
    }
}
