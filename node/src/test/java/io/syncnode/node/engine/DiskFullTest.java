package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.syncnode.config.FolderConfig;
import io.syncnode.config.MinFree;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.control.StatusView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: a receiving node whose file system is full, or would eat into its {@code min-free}
 * reserve, fails cleanly (no temp file left, the old files intact), shows the problem, keeps the
 * sender's dirty entry, and gets everything by itself once space returns. n1's folder lies on a
 * small tmpfs this test mounts (root only; skipped with a message otherwise).
 */
class DiskFullTest {
    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private LocalCluster clusterWithSmallDiskOnN1(int megabytes, MinFree minFree) throws Exception {
        assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip()),
                "needs root to mount a small tmpfs; skipped");
        Path m = Files.createDirectories(tmp.resolve("small-disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", m.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "cannot mount a tmpfs (" + out.strip() + "); skipped");
        mount = m;
        LocalCluster c = new LocalCluster(tmp.resolve("cluster"), 2, List.of());
        SyncnodeConfig cfg = c.configs.get(1);
        FolderConfig f = cfg.folders().get(0);
        Path data = Files.createDirectories(m.resolve("data"));
        c.configs.set(1, new SyncnodeConfig(cfg.file(), cfg.node(), cfg.cluster(), List.of(new FolderConfig(f.name(), data,
                f.ignore(), f.conflict(), f.deleteConflict(), f.conflictScope(), f.maxConflictCopies(), f.priority(),
                f.script(), f.settle(), f.rescan(), f.nodes(), minFree))));
        c.startAll(T);
        return c;
    }

    private static byte[] random(int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String problemOf(LocalCluster c, String path) {
        StatusView.FolderStatus f = c.node(1).controlHandler().status().folders().get(0);
        return f.problemList().stream().filter(p -> p.path().equals(path)).map(StatusView.PathProblem::problem)
                .findFirst().orElse("");
    }

    private static List<String> temps(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".syncnode-tmp")).toList();
        }
    }

    private static void fill(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < bytes; done += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - done));
            }
        }
    }

    @Test
    void aFetchThatWouldEatIntoTheReserveWaitsShowsItAndArrivesOnceSpaceReturns() throws Exception {
        try (LocalCluster c = clusterWithSmallDiskOnN1(24, new MinFree(4L << 20, 0))) {
            byte[] first = random(6 << 20, 1);
            Files.write(c.dir(0).resolve("first.bin"), first);
            c.awaitSame(T);
            Path filler = mount.resolve("filler"); // outside the folder, on the same small disk
            fill(filler, 12L << 20); // 24 - 6 - 12: about 6 MiB free, less than 5 MiB + the 4 MiB reserve
            byte[] second = random(5 << 20, 2);
            Files.write(c.dir(0).resolve("second.bin"), second);
            await(T, () -> problemOf(c, "second.bin").startsWith("waiting for disk space"),
                    () -> "n1 shows that second.bin waits for space: " + c.node(1).controlHandler().status().folders());
            assertFalse(Files.exists(c.dir(1).resolve("second.bin")));
            assertEquals(List.of(), temps(c.dir(1)), "nothing half-written is left in the folder");
            assertArrayEquals(first, Files.readAllBytes(c.dir(1).resolve("first.bin")), "the old file is intact");
            assertFalse(c.node(0).controlHandler().dirty(null).isEmpty(), "n0 keeps its dirty entry toward n1");
            StatusView.Need waiting = c.node(1).controlHandler().status().folders().get(0).need();
            assertEquals(1, waiting.files(), "status shows the file n1 still needs: " + waiting);
            assertEquals(second.length, waiting.bytes(), waiting.toString());

            Files.delete(filler);
            await(T, () -> Files.exists(c.dir(1).resolve("second.bin")), () -> "second.bin arrived once space returned");
            c.awaitSame(T);
            assertArrayEquals(second, Files.readAllBytes(c.dir(1).resolve("second.bin")));
            await(T, () -> problemOf(c, "second.bin").isEmpty() && c.node(0).controlHandler().dirty(null).isEmpty(),
                    () -> "the problem ended and nothing is dirty");
            assertEquals(StatusView.Need.NONE, c.node(1).controlHandler().status().folders().get(0).need(),
                    "nothing left to fetch");
        }
    }

    @Test
    void aDiskThatFillsUpDuringAFetchLosesNothingAndTheFetchResumesOnceSpaceReturns() throws Exception {
        try (LocalCluster c = clusterWithSmallDiskOnN1(48, new MinFree(0, 0))) {
            byte[] old = random(2 << 20, 3);
            Files.write(c.dir(0).resolve("big.bin"), old);
            c.awaitSame(T);
            Path filler = mount.resolve("filler");
            byte[] bigger = random(32 << 20, 4);
            Files.write(c.dir(0).resolve("big.bin"), bigger);
            // as soon as n1 writes the fetched content, fill the rest of its disk
            long deadline = System.nanoTime() + T.toNanos();
            while (temps(c.dir(1)).isEmpty() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            try {
                fill(filler, 48L << 20);
            } catch (IOException full) {
                // the disk is full now: what we wanted
            }
            boolean sawFull = false;
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < until && !sawFull) {
                String p = problemOf(c, "big.bin");
                sawFull = p.startsWith("the disk filled up") || p.startsWith("waiting for disk space");
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
            assumeTrue(sawFull, "the transfer ended before the disk could be filled; nothing to observe this time");
            await(T, () -> {
                try {
                    return temps(c.dir(1)).isEmpty();
                } catch (IOException e) {
                    return false;
                }
            }, () -> "the temp file of the failed fetch is removed");
            assertArrayEquals(old, Files.readAllBytes(c.dir(1).resolve("big.bin")), "the old version is intact");
            Files.delete(filler);
            await(T, () -> {
                try {
                    return Files.size(c.dir(1).resolve("big.bin")) == bigger.length;
                } catch (IOException e) {
                    return false;
                }
            }, () -> "the new version arrived once space returned");
            assertArrayEquals(bigger, Files.readAllBytes(c.dir(1).resolve("big.bin")));
            await(T, () -> problemOf(c, "big.bin").isEmpty(), () -> "the problem ended");
        }
    }
}
