package io.syncnode.it.bench;

import io.syncnode.testing.Await;
import io.syncnode.it.Cluster;
import io.syncnode.it.NodeProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code scripts/bench seal [--rounds R] [--big-mib M] [--small N] [--files F]}: what the seal
 * layer (admission, authentication, encryption) costs, measured in one run: two node processes
 * (tcp on 127.0.0.1, settle 0 ms), once without credentials ("plain") and once with ("sealed"),
 * alternating R times (default 2) so that both see the same machine.
 *
 * <p>Per round, a pair of nodes per mode, all started at once: (a) latency: F (default 100) new 4 KiB
 * files one at a time a -> b, median (after 10 warm-up files), the pairs taking turns file by file (each
 * file, the next pair first) so that the machine's other work falls on every mode alike; (b) bulk, one pair after the other
 * (round R starting with pair R, so that the writeback of the copy before falls on each mode alike): a directory of N (default 2,000) 4 KiB files and one file of M MiB
 * (default 512) of random bytes, staged outside the folder and renamed into a's folder at once;
 * seconds until everything is complete on b, and MB/s, and the CPU time both node processes spent
 * meanwhile (user + system, from /proc: a figure a loaded machine disturbs less than the time).
 * Prints one line per start and the sealed-vs-plain comparison of the medians (targets: bulk within
 * 10 %, latency within +1 ms).
 *
 * <p>{@code --baseline JAR} adds a third start to every round, sealed, with the nodes of another
 * build (e.g. the jar before a change), so that a change to the seal layer is measured before and
 * after in the same run, interleaved with the others.
 */
public final class SealCostBench {
    private SealCostBench() {
    }

    record Result(String mode, double latencyMs, double bulkSeconds, long bulkBytes, double bulkCpuSeconds) {
        double mbPerSecond() {
            return bulkBytes / 1e6 / bulkSeconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = 2;
        int bigMib = 512;
        int small = 2000;
        int files = 100;
        Path baseline = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "seal" -> { }
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--big-mib" -> bigMib = Integer.parseInt(args[++i]);
                case "--small" -> small = Integer.parseInt(args[++i]);
                case "--files" -> files = Integer.parseInt(args[++i]);
                case "--baseline" -> baseline = Path.of(args[++i]).toAbsolutePath();
                default -> {
                    System.err.println("usage: scripts/bench seal [--rounds R] [--big-mib M] [--small N] [--files F] [--baseline JAR]");
                    System.exit(2);
                }
            }
        }
        if (baseline != null && !Files.isRegularFile(baseline)) {
            System.err.println("bench seal: --baseline " + baseline + ": no such file (a syncnode.jar of another build)");
            System.exit(2);
        }
        List<String> modes = baseline == null ? List.of("plain", "sealed") : List.of("plain", "sealed", "base");
        List<Result> results = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (Result res : round(r, modes, baseline, bigMib, small, files)) {
                results.add(res);
                System.out.printf("round %d %-6s: latency median %6.2f ms; bulk %d MB in %6.2f s = %7.1f MB/s, nodes' CPU"
                                + " %5.2f s%n", r + 1, res.mode(), res.latencyMs(), res.bulkBytes() / 1_000_000,
                        res.bulkSeconds(), res.mbPerSecond(), res.bulkCpuSeconds());
            }
        }
        double plainLat = median(results, "plain", Result::latencyMs);
        double sealedLat = median(results, "sealed", Result::latencyMs);
        double plainBulk = median(results, "plain", Result::mbPerSecond);
        double sealedBulk = median(results, "sealed", Result::mbPerSecond);
        System.out.println();
        System.out.println("java: " + Runtime.version() + "; " + Runtime.getRuntime().availableProcessors()
                + " cores; load at the end " + loadAverage());
        if (baseline != null) {
            System.out.println("base: sealed, nodes of " + baseline);
        }
        System.out.printf("%-8s %18s %14s %16s%n", "mode", "latency median ms", "bulk MB/s", "bulk CPU s/GB");
        for (String mode : modes) {
            System.out.printf("%-8s %18.2f %14.1f %16.2f%n", mode, median(results, mode, Result::latencyMs),
                    median(results, mode, Result::mbPerSecond),
                    median(results, mode, x -> x.bulkCpuSeconds() / (x.bulkBytes() / 1e9)));
        }
        if (baseline != null) {
            double baseBulk = median(results, "base", Result::mbPerSecond);
            System.out.printf("base vs plain: latency %+.2f ms, bulk %.1f %% of plain%n",
                    median(results, "base", Result::latencyMs) - plainLat, 100 * baseBulk / plainBulk);
        }
        System.out.printf("sealed vs plain: latency %+.2f ms (target <= +1 ms: %s), bulk %.1f %% of plain (target >= 90 %%: %s)%n",
                sealedLat - plainLat, sealedLat - plainLat <= 1 ? "met" : "MISSED", 100 * sealedBulk / plainBulk,
                sealedBulk >= 0.9 * plainBulk ? "met" : "MISSED");
    }

    private static double median(List<Result> rs, String mode, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = rs.stream().filter(r -> r.mode().equals(mode)).mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** One pair of nodes of one mode: its home, its nodes, and its latency samples. */
    private record Pair(String mode, boolean sealed, Path home, NodeProcess a, NodeProcess b, List<Long> lat) {
    }

    /**
     * One round: a pair of nodes per mode, all started at once; the latency files go to the pairs in
     * turn, one file each (so that whatever else the machine does meanwhile falls on every mode alike);
     * then each pair's bulk copy, one pair after the other, each pair stopped after its copy.
     */
    private static List<Result> round(int roundNo, List<String> modes, Path baseline, int bigMib, int small, int files)
            throws Exception {
        List<Pair> pairs = new ArrayList<>();
        List<Result> out = new ArrayList<>();
        try {
            for (String mode : modes) {
                Path jar = mode.equals("base") ? baseline : NodeProcess.jarUnderTest();
                pairs.add(start(mode, !mode.equals("plain"), jar));
            }
            for (Pair p : pairs) {
                Await.await(Cluster.START, Duration.ofMillis(200), () -> p.a().members().size() == 2
                        && p.b().members().size() == 2, () -> p.mode() + ": a and b members of each other");
            }
            Random rnd = new Random(42);
            for (Pair p : pairs) {
                LatencyBench.oneAtATime(p.a(), p.b(), 10, rnd, "warm");
            }
            for (int i = 0; i < files; i++) {
                for (int k = 0; k < pairs.size(); k++) { // each file, the next pair goes first: no mode always follows another
                    Pair p = pairs.get((i + k) % pairs.size());
                    p.lat().add(LatencyBench.oneAtATime(p.a(), p.b(), 1, rnd, "lat" + i).get(0).ns());
                }
            }
            for (int k = 0; k < pairs.size(); k++) { // round R starts with pair R: the last copy's writeback
                Pair p = pairs.get((roundNo + k) % pairs.size()); // (1 GB dirty) falls on each mode alike
                out.add(bulk(p, bigMib, small, rnd));
                stop(p);
            }
            out.sort(java.util.Comparator.comparingInt(r -> modes.indexOf(r.mode())));
        } finally {
            pairs.forEach(SealCostBench::stop);
        }
        return out;
    }

    private static Pair start(String mode, boolean sealed, Path jar) throws Exception {
        Path home = Files.createTempDirectory("syncnode-bench-seal");
        int port = Cluster.randomPort();
        String cluster = "bench-" + Long.toHexString(new Random().nextLong());
        String peers = "peers = [\"127.0.0.1:" + port + "\", \"127.0.0.1:" + (port + 1) + "\"]";
        NodeProcess a = new NodeProcess(jar, "a", home.resolve("a"),
                LatencyBench.clusterToml(home, "a", sealed, cluster, port, peers), "0ms");
        NodeProcess b = new NodeProcess(jar, "b", home.resolve("b"),
                LatencyBench.clusterToml(home, "b", sealed, cluster, port + 1, peers), "0ms");
        Pair p = new Pair(mode, sealed, home, a, b, new ArrayList<>());
        try {
            a.start();
            b.start();
            a.waitUntilRunning(Cluster.START);
            b.waitUntilRunning(Cluster.START);
        } catch (Exception | AssertionError e) {
            stop(p);
            throw e;
        }
        return p;
    }

    private static void stop(Pair p) {
        p.a().close();
        p.b().close();
        if (Files.exists(p.home())) {
            Cluster.deleteTree(p.home());
        }
    }

    private static Result bulk(Pair p, int bigMib, int small, Random rnd) throws Exception {
        double latencyMs = LatencyBench.percentile(p.lat().stream().mapToLong(Long::longValue).toArray(), 50) / 1e6;
        Path staging = Files.createDirectories(p.home().resolve("staging/bulk"));
        long bytes = stage(staging, bigMib, small, rnd);
        double cpu0 = cpuSeconds(p.a()) + cpuSeconds(p.b());
        long t0 = System.nanoTime();
        Files.move(staging, p.a().folder().resolve("bulk"));
        Path target = p.b().folder().resolve("bulk");
        long deadline = t0 + Duration.ofMinutes(10).toNanos();
        while (bytesPresent(target) < bytes) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("bulk copy not complete on b after 10 min: " + bytesPresent(target) + " of "
                        + bytes + " bytes");
            }
            LockSupport.parkNanos(5_000_000);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = cpuSeconds(p.a()) + cpuSeconds(p.b()) - cpu0;
        if (p.sealed() && !p.a().statusJson().path("security").path("mode").asText().equals("sealed")) {
            throw new AssertionError("the sealed run is not sealed: " + p.a().statusJson().path("security"));
        }
        return new Result(p.mode(), latencyMs, seconds, bytes, cpu);
    }

    /** CPU time (user + system) the node's process has used so far. */
    private static double cpuSeconds(NodeProcess n) throws IOException {
        return ProcStats.cpuSeconds(n.pid());
    }

    private static String loadAverage() {
        try {
            String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return l[0] + " " + l[1] + " " + l[2];
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Writes the bulk set into {@code dir}: {@code small} files of 4 KiB and one of {@code bigMib} MiB. */
    private static long stage(Path dir, int bigMib, int small, Random rnd) throws IOException {
        long total = 0;
        byte[] buf = new byte[LatencyBench.SIZE];
        for (int i = 0; i < small; i++) {
            rnd.nextBytes(buf);
            Files.write(dir.resolve("s" + i), buf);
            total += buf.length;
        }
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(dir.resolve("big"))) {
            for (int i = 0; i < bigMib; i++) {
                rnd.nextBytes(chunk);
                out.write(chunk);
            }
        }
        return total + (long) bigMib * chunk.length;
    }

    /** Bytes of complete files under {@code dir} (the node renames only complete, verified files into place). */
    private static long bytesPresent(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".syncnode-tmp")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (NoSuchFileException e) {
                    return 0;
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
