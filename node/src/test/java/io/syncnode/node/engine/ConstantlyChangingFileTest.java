package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.StatusView;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: a file written to all the time is read again with a growing delay (not every 50 ms),
 * shown in status while it lasts, and synced once it settles. Real inotify, real nodes.
 */
class ConstantlyChangingFileTest {
    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void aFileThatKeepsChangingWhileReadIsRetriedWithBackoffAndShownThenSynced() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 2, List.of())) {
            c.startAll(T);
            Path log = c.dir(0).resolve("busy.log");
            byte[] block = new byte[1 << 20];
            new Random(1).nextBytes(block);
            try (OutputStream out = Files.newOutputStream(log)) {
                for (int i = 0; i < 24; i++) {
                    out.write(block); // 24 MiB: hashing it takes long enough to see appends
                }
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                byte[] line = "another line of a busy log\n".getBytes();
                try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
                    while (writing.get()) {
                        out.write(line);
                        out.flush();
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "busy-writer");
            writer.start();
            try {
                await(T, () -> problem(c).contains("keeps changing"), () -> "the busy file shown in status: " + problem(c));
                int first = attempt(c);
                long start = System.nanoTime();
                await(T, () -> attempt(c) >= first + 3, () -> "three more attempts: " + problem(c));
                long ms = (System.nanoTime() - start) / 1_000_000L;
                // from attempt 3 on the delays are 200, 400, 800 ms...: three more take over 1.4 s; read
                // again every 50 ms they would take 150 ms (a lower bound: a slow machine only adds time)
                assertTrue(ms >= 600, "read again with a growing delay, not every 50 ms: attempts " + first + " -> "
                        + attempt(c) + " in " + ms + " ms");
            } finally {
                writing.set(false);
                writer.join();
            }
            await(T, () -> Files.exists(c.dir(1).resolve("busy.log"))
                    && sizeOr0(c.dir(1).resolve("busy.log")) == sizeOr0(log), () -> "the settled file reached n1");
            await(T, () -> problem(c).isEmpty(), () -> "the problem ended: " + problem(c));
        }
    }

    private static long sizeOr0(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static String problem(LocalCluster c) {
        StatusView.FolderStatus f = c.node(0).controlHandler().status().folders().get(0);
        return f.problemList().stream().filter(p -> p.path().equals("busy.log")).map(StatusView.PathProblem::problem)
                .findFirst().orElse("");
    }

    private static int attempt(LocalCluster c) {
        Matcher m = Pattern.compile("attempt (\\d+)").matcher(problem(c));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
