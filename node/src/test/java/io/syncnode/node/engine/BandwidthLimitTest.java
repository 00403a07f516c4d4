package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.Rate;
import io.syncnode.node.fetch.TransferSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: {@code [cluster] max-send} on the source, or {@code max-receive} on the receiver, holds
 * a file transfer to the cap: 6 MB at 2 MB/s cannot arrive sooner than the cap allows (a quarter
 * second's burst and two chunks aside: 2.5 s), where the same copy without a cap takes a fraction
 * of that here (0.4 s, measured by setting the cap to 1 GB/s). Only a
 * lower bound is asserted: a loaded machine may be slower, never faster. Real nodes in one JVM.
 */
class BandwidthLimitTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final long RATE = 2_000_000;
    private static final int SIZE = 6_000_000;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"max-send on the source", "max-receive on the receiver"})
    void aCappedTransferTakesAtLeastWhatTheCapAllows(String which) throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 2, List.of())) {
            int capped = which.startsWith("max-send") ? 0 : 1;
            Rate rate = new Rate(RATE);
            c.bandwidth(capped, capped == 0 ? rate : null, capped == 1 ? rate : null);
            c.startAll(T);
            byte[] content = new byte[SIZE];
            new Random(7).nextBytes(content);
            Path staged = Files.write(tmp.resolve("staged.bin"), content);
            long start = System.nanoTime();
            Files.move(staged, c.dir(0).resolve("big.bin"));
            Path target = c.dir(1).resolve("big.bin");
            await(T, () -> size(target) == SIZE, () -> "big.bin on n1: " + size(target) + " bytes");
            double seconds = (System.nanoTime() - start) / 1e9;
            // the cap, less one burst and the chunks that may be under way before the first wait
            double floor = (SIZE - RATE / 4.0 - 2.0 * TransferSource.CHUNK) / RATE;
            assertTrue(seconds >= floor, which + ": " + SIZE + " bytes in " + seconds + " s, faster than the cap allows ("
                    + floor + " s)");
            assertArrayEquals(content, Files.readAllBytes(target));
        }
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
