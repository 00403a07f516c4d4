package io.syncnode.it;

import io.syncnode.testing.TreeSnapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue 10, crash consistency: {@code kill -9} of a node at random moments of a stream of large and
 * small writes (so during scans, fetches, installs, index commits and digest exchanges) leaves no
 * torn or half-written file at any path, no temp file after the restart, an index that agrees with
 * the disk (a rescan finds nothing to record), and loses nothing: every node ends with exactly the
 * writer's last state.
 *
 * <p>Two real node processes on loopback. Each round a writer thread changes n1's folder for a
 * while (new and overwritten files of 1 KiB to 24 MiB, renames, deletes; every content is staged
 * outside the folder and renamed in, so the node never sees a file half-written by the test), and
 * one node, chosen at random, is killed with SIGKILL at a random moment and restarted after a random
 * pause. Right after each kill every regular file of both folders must be a whole version the
 * writer wrote at that path. Seeded: the seed is printed; {@code -Dcrash.seed=N} replays it and
 * {@code -Dcrash.rounds=N} runs more rounds (CI: 4; the long run in the notes: 300).
 */
@ExtendWith(LogTailsOnFailure.class)
@ResourceLock(Lanes.BUSY)
class CrashConsistencyIT {
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    Path home;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        home = Files.createTempDirectory("syncnode-it-crash");
        cluster = Cluster.tcp(home, 2, Cluster.randomPort(), "10ms");
        cluster.startAll();
    }

    @AfterEach
    void stop() {
        try {
            cluster.close();
        } finally {
            Cluster.deleteTree(home);
        }
    }

    /** Every content written at each path (hex SHA-256), and the last one (null: deleted). */
    private final Map<String, Set<String>> written = new HashMap<>();
    private final Map<String, String> last = new TreeMap<>();

    @Test
    void killNineAtRandomMomentsLeavesNoTornFileNoTempAndLosesNothing() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        int rounds = Integer.getInteger("crash.rounds", 4);
        System.out.println("CrashConsistencyIT seed " + seed + " (replay with -Dcrash.seed=" + seed + "), " + rounds
                + " rounds");
        Random rnd = new Random(seed);
        Path staging = Files.createDirectories(home.resolve("staging"));
        int kills = 0;
        for (int round = 0; round < rounds; round++) {
            NodeProcess victim = cluster.node(1 + rnd.nextInt(2));
            long writeMs = 500 + rnd.nextInt(1500);
            long killAtMs = rnd.nextInt((int) writeMs);
            long downMs = rnd.nextInt(1500);
            AtomicBoolean writing = new AtomicBoolean(true);
            Random writerRnd = new Random(rnd.nextLong());
            List<Throwable> writerFailure = new ArrayList<>();
            Thread writer = new Thread(() -> {
                try {
                    while (writing.get()) {
                        writeOne(writerRnd, staging);
                    }
                } catch (Throwable t) {
                    writerFailure.add(t);
                }
            }, "crash-writer");
            long t0 = System.nanoTime();
            writer.start();
            try {
                Await.await(Duration.ofMillis(killAtMs + 1000), Duration.ofMillis(5),
                        () -> System.nanoTime() - t0 >= killAtMs * 1_000_000, () -> "the kill moment");
                victim.kill9();
                kills++;
                assertWholeVersionsOnly(cluster.node(2).folder(), "n2 right after killing " + victim.name());
                Await.await(Duration.ofMillis(downMs + 1000), Duration.ofMillis(5),
                        () -> System.nanoTime() - t0 >= (killAtMs + downMs) * 1_000_000, () -> "the restart moment");
                cluster.restart(Integer.parseInt(victim.name().substring(1)));
                Await.await(Duration.ofMillis(writeMs + 30_000), Duration.ofMillis(5),
                        () -> System.nanoTime() - t0 >= writeMs * 1_000_000, () -> "the end of the writes");
            } finally {
                writing.set(false);
                writer.join();
            }
            assertEquals(List.of(), writerFailure, "the writer itself failed");
            converged("round " + round + " (killed " + victim.name() + " at " + killAtMs + " ms, down " + downMs
                    + " ms)");
        }
        System.out.println("CrashConsistencyIT: " + rounds + " rounds, " + kills + " kills, " + last.size()
                + " paths touched, final tree of " + last.values().stream().filter(v -> v != null).count()
                + " files identical on both nodes");
    }

    /** One random change of n1's folder: write (new or over), rename, delete. */
    private synchronized void writeOne(Random r, Path staging) throws IOException {
        Path folder = cluster.node(1).folder();
        String path = "d" + r.nextInt(4) + "/f" + r.nextInt(24);
        Path target = folder.resolve(path);
        int op = r.nextInt(10);
        if (op < 7) {
            int size = r.nextInt(10) == 0 ? (2 << 20) + r.nextInt(22 << 20) : 1024 + r.nextInt(64 << 10);
            byte[] content = new byte[size];
            r.nextBytes(content);
            Path staged = staging.resolve("s" + r.nextLong());
            Files.write(staged, content);
            Files.createDirectories(target.getParent());
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            record(path, sha(content));
        } else if (op < 9) {
            String to = "d" + r.nextInt(4) + "/f" + r.nextInt(24);
            if (last.get(path) != null && !to.equals(path)) {
                Files.createDirectories(folder.resolve(to).getParent());
                Files.move(target, folder.resolve(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                record(to, last.get(path));
                last.put(path, null);
            }
        } else if (last.get(path) != null) {
            Files.delete(target);
            last.put(path, null);
        }
    }

    private synchronized void record(String path, String hash) {
        written.computeIfAbsent(path, k -> new HashSet<>()).add(hash);
        last.put(path, hash);
    }

    /** Every regular file under {@code folder} (temp files aside) is a whole version written at its path. */
    private synchronized void assertWholeVersionsOnly(Path folder, String when) throws IOException {
        for (Map.Entry<String, String> f : files(folder, false).entrySet()) {
            Set<String> versions = written.get(f.getKey());
            assertTrue(versions != null && versions.contains(f.getValue()), when + ": " + f.getKey()
                    + " is not a whole version the writer wrote there (torn or half-written?)");
        }
    }

    /** Both nodes hold exactly the writer's last state; no temp file; no conflict copy; a rescan finds nothing. */
    private void converged(String when) throws IOException {
        Map<String, String> expected = new TreeMap<>();
        last.forEach((p, h) -> {
            if (h != null) {
                expected.put(p, h);
            }
        });
        for (NodeProcess n : cluster.nodes()) {
            Await.await(CONVERGE, Duration.ofMillis(200), () -> expected.equals(filesOrEmpty(n.folder(), true)),
                    () -> when + ": " + n.name() + " holds the writer's last state: "
                            + TreeSnapshot.diff(expected, filesOrEmpty(n.folder(), true), 10) + statuses());
        }
        cluster.awaitNoDirty(CONVERGE);
        for (NodeProcess n : cluster.nodes()) {
            CliResult check = n.control("check");
            assertEquals(0, check.exit(), check.toString());
            assertTrue(check.out().startsWith("0 paths marked dirty"), when + ": " + n.name()
                    + "'s index agrees with its disk (a rescan records nothing): " + check.out());
        }
    }

    /** Every node's status, for a failure message. */
    private String statuses() {
        StringBuilder b = new StringBuilder();
        for (NodeProcess n : cluster.running()) {
            try {
                b.append("\n").append(n.name()).append(" status: ").append(n.statusJson());
            } catch (AssertionError e) {
                b.append("\n").append(n.name()).append(" status: ").append(e.getMessage());
            }
        }
        return b.toString();
    }

    private static Map<String, String> filesOrEmpty(Path folder, boolean withTemps) {
        try {
            return files(folder, withTemps);
        } catch (IOException | UncheckedIOException e) {
            return Map.of();
        }
    }

    /**
     * Relative path -> SHA-256 of every regular file; {@code withTemps}: temp files count too (they
     * must be gone). A running node renames files while the tree is walked: the walk is tried again
     * (at most 20 times) when an entry vanished under it.
     */
    private static Map<String, String> files(Path folder, boolean withTemps) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return walk(folder, withTemps);
            } catch (UncheckedIOException e) {
                if (attempt >= 20) {
                    throw e;
                }
            }
        }
    }

    private static Map<String, String> walk(Path folder, boolean withTemps) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        || !withTemps && name.startsWith(".syncnode-tmp")) {
                    continue;
                }
                try {
                    out.put(folder.relativize(p).toString(), sha(Files.readAllBytes(p)));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // renamed away meanwhile
                }
            }
        }
        return out;
    }

    private static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
