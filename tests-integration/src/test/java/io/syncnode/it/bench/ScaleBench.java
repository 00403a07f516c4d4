package io.syncnode.it.bench;

import io.syncnode.it.Cluster;
import io.syncnode.it.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/bench scale N}: how syncnode fares with a folder of N small files (100 bytes each,
 * 1,000 per directory), against two node processes (tcp on 127.0.0.1, the launcher's node heap:
 * {@code -Xmx256m} as NodeProcess starts them). Prints: (a) index time: node A started on the full
 * folder until it runs (JVM start and first scan), and A's CPU seconds; (b) seed time: an empty node B
 * started until its index counts every entry A's does (asked every 200 ms over its control
 * socket from this JVM: a CLI JVM per poll took CPU from the nodes measured), and the CPU seconds each
 * node used meanwhile (both at once near 2 x the seed time: the 2 cores are the limit); (c) each node's RSS now and at its peak ({@code VmRSS}, {@code VmHWM} of
 * {@code /proc/PID/status}) and heap in use
 * ({@code jcmd PID GC.heap_info}) afterwards; (d) the latency of a 4 KiB change with the N files
 * present: {@value #LATENCY_FILES} new 4 KiB files written one at a time into a directory of 1,000 on
 * A, each timed until B holds its complete content, then as many from B to A (median and p90 against
 * the 5 ms, as {@link LatencyBench} measures it; both nodes run with settle 0ms, as the
 * peer benchmark's), once right after the seed and once both nodes are at rest (neither used more
 * than 0.1 CPU-s in 2 s; the wait is printed, at most {@link #QUIET_LIMIT}); (e) {@code rsync -a} of the same tree into an empty
 * directory on this machine, when rsync is installed, for scale. A smoke run ({@code N = 2000}) is
 * part of {@code .ci/run}; the figures of large runs go in the notes.
 */
public final class ScaleBench {
    private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");
    /** How many 4 KiB changes are timed each way once B is seeded. */
    static final int LATENCY_FILES = 30;
    /** The longest wait for both nodes to come to rest after the seed. */
    static final Duration QUIET_LIMIT = Duration.ofMinutes(10);

    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("scale") || !args[1].matches("[1-9][0-9]{0,7}")) {
            System.err.println("usage: scripts/bench scale N   (N files, 1 to 99999999)");
            System.exit(2);
        }
        int n = Integer.parseInt(args[1]);
        Path home = Files.createTempDirectory("syncnode-bench-scale");
        ProcStats.diskNote(home).ifPresent(System.out::println);
        NodeProcess a = null;
        NodeProcess b = null;
        try {
            int port = Cluster.randomPort();
            String cluster = "scale-" + Long.toHexString(new Random().nextLong());
            String peers = "peers = [\"127.0.0.1:" + port + "\", \"127.0.0.1:" + (port + 1) + "\"]";
            a = new NodeProcess(NodeProcess.jarUnderTest(), "a", home.resolve("a"), toml(cluster, port, peers), "0ms");
            b = new NodeProcess(NodeProcess.jarUnderTest(), "b", home.resolve("b"), toml(cluster, port + 1, peers), "0ms");
            long t = System.nanoTime();
            write(a.folder(), n);
            System.out.printf("made %d files of 100 bytes in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
            Duration limit = Duration.ofSeconds(600 + n / 500);

            long t0 = System.nanoTime();
            a.start();
            a.waitUntilRunning(limit);
            double index = (System.nanoTime() - t0) / 1e9;
            long entries = a.statusJson().path("folders").path(0).path("files").asLong();

            double cpuIndexA = ProcStats.cpuSeconds(a.pid());
            long t1 = System.nanoTime();
            b.start();
            b.waitUntilRunning(limit);
            long deadline = t1 + limit.toNanos();
            NodeProcess bb = b;
            while (bb.statusOverSocket().path("folders").path(0).path("files").asLong() < entries) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("b did not have all " + entries + " entries within " + limit);
                }
                LockSupport.parkNanos(200_000_000);
            }
            double seed = (System.nanoTime() - t1) / 1e9;
            double cpuSeedA = ProcStats.cpuSeconds(a.pid()) - cpuIndexA;
            double cpuSeedB = ProcStats.cpuSeconds(b.pid());
            System.out.printf("index (A from start to running): %.1f s, %d entries; CPU %.1f s%n", index, entries,
                    cpuIndexA);
            System.out.printf("seed (B from start to every entry): %.1f s; CPU meanwhile a %.1f s, b %.1f s%n", seed,
                    cpuSeedA, cpuSeedB);
            for (NodeProcess node : List.of(a, b)) {
                System.out.printf("%s: RSS %d MiB (peak %d MiB), heap used %s%n", node.name(),
                        ProcStats.statusKib(node.pid(), "VmRSS:") / 1024, ProcStats.statusKib(node.pid(), "VmHWM:") / 1024,
                        heap(node.pid()));
            }
            Random rnd = new Random(n);
            latency(a, b, rnd, entries, "right after the seed", "seeded");
            double waited = awaitQuiet(List.of(a, b));
            System.out.println(waited < 0 ? "the nodes did not come to rest within " + QUIET_LIMIT
                    : String.format("both nodes at rest %.0f s after that", waited));
            latency(a, b, rnd, entries, "at rest", "rest");
            Double rsync = rsync(a.folder(), home.resolve("rsync-copy"));
            if (rsync != null) {
                System.out.printf("rsync -a of the same tree: %.1f s (seed / rsync = %.1f)%n", rsync, seed / rsync);
            } else {
                System.out.println("rsync not installed: no comparison");
            }
        } catch (RuntimeException | Error e) {
            for (NodeProcess node : new NodeProcess[] {a, b}) {
                if (node != null) {
                    System.err.println("--- " + node.name() + (node.isAlive() ? "" : " (exited)") + ", its log's tail:\n"
                            + node.logTail(40));
                }
            }
            throw e;
        } finally {
            for (NodeProcess node : new NodeProcess[] {a, b}) {
                if (node != null) {
                    node.close();
                }
            }
            deleteTree(home);
        }
    }

    /** {@value #LATENCY_FILES} new 4 KiB files a -> b, then b -> a, one at a time into d00000; prints median and p90. */
    private static void latency(NodeProcess a, NodeProcess b, Random rnd, long entries, String when, String tag)
            throws IOException {
        String dir = String.format("d%05d/latency-%s", 0, tag);
        long[] ab = LatencyBench.oneAtATime(a, b, LATENCY_FILES, rnd, dir + "-ab").stream()
                .mapToLong(LatencyBench.Timed::ns).toArray();
        long[] ba = LatencyBench.oneAtATime(b, a, LATENCY_FILES, rnd, dir + "-ba").stream()
                .mapToLong(LatencyBench.Timed::ns).toArray();
        System.out.printf("latency of a new 4 KiB file with %d files present, %s (ms): a -> b median %.1f, p90 %.1f;"
                        + " b -> a median %.1f, p90 %.1f (target: median <= 5 ms)%n", entries, when,
                LatencyBench.percentile(ab, 50) / 1e6, LatencyBench.percentile(ab, 90) / 1e6,
                LatencyBench.percentile(ba, 50) / 1e6, LatencyBench.percentile(ba, 90) / 1e6);
    }

    /**
     * Seconds until neither node used more than 0.1 CPU-s in 2 s (their work after the seed done:
     * acknowledgements, the dirty table, compiles), or -1 after {@link #QUIET_LIMIT}.
     */
    private static double awaitQuiet(List<NodeProcess> nodes) throws IOException {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < QUIET_LIMIT.toNanos()) {
            double[] before = new double[nodes.size()];
            for (int i = 0; i < nodes.size(); i++) {
                before[i] = ProcStats.cpuSeconds(nodes.get(i).pid());
            }
            LockSupport.parkNanos(2_000_000_000L);
            boolean quiet = true;
            for (int i = 0; i < nodes.size(); i++) {
                quiet &= ProcStats.cpuSeconds(nodes.get(i).pid()) - before[i] <= 0.1;
            }
            if (quiet) {
                return (System.nanoTime() - t0) / 1e9;
            }
        }
        return -1;
    }

    /**
     * Removes the bench's tree depth first as it walks (Cluster.deleteTree sorts every path first:
     * at a million files that ran the bench's own 256 MiB heap out); leftovers in /tmp are harmless.
     */
    private static void deleteTree(Path root) throws IOException {
        if (Boolean.getBoolean("it.keep") || !Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                Files.deleteIfExists(file);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    private static String toml(String cluster, int port, String peers) {
        return """
                [cluster]
                name = "%s"
                transport = "tcp"
                bind = "127.0.0.1:%d"
                %s
                """.formatted(cluster, port, peers);
    }

    /** {@code n} files of 100 bytes, 1,000 per directory. */
    private static void write(Path root, int n) throws IOException {
        byte[] content = new byte[100];
        for (int i = 0; i < n; i++) {
            Path dir = root.resolve(String.format("d%05d", i / 1000));
            if (i % 1000 == 0) {
                Files.createDirectories(dir);
            }
            byte[] id = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(id, 0, content, 0, id.length);
            Files.write(dir.resolve("f" + i), content);
        }
    }

    /** "123 MiB of 256 MiB" from jcmd, or why not. */
    private static String heap(long pid) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown (jcmd timed out)";
            }
            Matcher m = HEAP_USED.matcher(out);
            return m.find() ? Long.parseLong(m.group(2)) / 1024 + " MiB of " + Long.parseLong(m.group(1)) / 1024 + " MiB"
                    : "unknown (jcmd: " + out.strip().lines().findFirst().orElse("") + ")";
        } catch (IOException e) {
            return "unknown (no jcmd)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Seconds of {@code rsync -a src/ dst/}, or null without rsync. */
    private static Double rsync(Path src, Path dst) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("rsync", "-a", src + "/", dst + "/"));
        long t = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null;
        }
        if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
            return null;
        }
        return (System.nanoTime() - t) / 1e9;
    }
}
