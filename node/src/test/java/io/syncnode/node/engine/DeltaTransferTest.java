package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real nodes in one JVM: a change inside a large file moves about the changed bytes, not the file. */
class DeltaTransferTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final int SIZE = 32 << 20;

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of());
        cluster.startAll(T);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private long fetched() {
        return cluster.node(1).controlHandler().status().counters().bytesFetched();
    }

    private long wire() {
        var a = cluster.node(0).controlHandler().status().counters();
        var b = cluster.node(1).controlHandler().status().counters();
        return a.wireBytesSent() + b.wireBytesSent();
    }

    private void awaitSameContent(Path a, Path b) {
        await(T, () -> {
            try {
                return Files.exists(b) && Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
            } catch (java.io.IOException e) {
                return false;
            }
        }, () -> "same content of " + b.getFileName());
    }

    @Test
    void overwriteInTheMiddleAndAppendMoveOnlyTheChange() throws Exception {
        Path a = cluster.dir(0).resolve("image.bin");
        Path b = cluster.dir(1).resolve("image.bin");
        byte[] data = new byte[SIZE];
        new Random(11).nextBytes(data);
        Files.write(a, data);
        awaitSameContent(a, b);
        long before = fetched();
        long wireBefore = wire();

        byte[] patch = new byte[1 << 20];
        new Random(12).nextBytes(patch);
        try (RandomAccessFile f = new RandomAccessFile(a.toFile(), "rw")) {
            f.seek(SIZE / 2 + 12345);
            f.write(patch);
        }
        awaitSameContent(a, b);
        long overwrite = fetched() - before;
        long overwriteWire = wire() - wireBefore;
        System.out.printf("1 MiB overwritten in a %d MiB file: %d literal bytes fetched, %d bytes of messages%n",
                SIZE >> 20, overwrite, overwriteWire);
        assertTrue(overwriteWire <= patch.length + 2 * 128 * 1024 + 64 * 1024,
                "signature + literals + chatter stay near the change: " + overwriteWire);
        assertTrue(overwrite >= patch.length, "at least the changed bytes: " + overwrite);
        assertTrue(overwrite <= patch.length + 2 * 128 * 1024, "about the changed bytes, not the file: " + overwrite);

        before = fetched();
        byte[] tail = new byte[4096];
        new Random(13).nextBytes(tail);
        Files.write(a, tail, StandardOpenOption.APPEND);
        awaitSameContent(a, b);
        long append = fetched() - before;
        System.out.printf("4 KiB appended: %d literal bytes fetched%n", append);
        assertTrue(append <= tail.length + 128 * 1024, "about the appended bytes: " + append);
        assertEquals(Files.getLastModifiedTime(a), Files.getLastModifiedTime(b));
    }
}
