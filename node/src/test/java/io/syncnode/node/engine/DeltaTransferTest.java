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

/**
 * Real nodes in one JVM: a change inside a large file moves about the changed bytes, not the file,
 * nor the signature of every block of it (a basis of 4 MiB or more goes as segment sums, and only
 * the segments around a change are signed: PROTOCOL.md 5.6). The full signature of this 32 MiB
 * file would be 5,786 blocks x 12 bytes = 68 KiB; the bounds on the bytes of messages below are
 * under that.
 */
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
        assertTrue(overwriteWire <= patch.length + 48 * 1024,
                "literals + segment sums + the signature of a few segments + chatter: " + overwriteWire);
        assertTrue(overwrite >= patch.length, "at least the changed bytes: " + overwrite);
        assertTrue(overwrite <= patch.length + 2 * 8 * 1024, "about the changed bytes, not the file: " + overwrite);

        before = fetched();
        wireBefore = wire();
        byte[] tail = new byte[4096];
        new Random(13).nextBytes(tail);
        Files.write(a, tail, StandardOpenOption.APPEND);
        awaitSameContent(a, b);
        long append = fetched() - before;
        long appendWire = wire() - wireBefore;
        System.out.printf("4 KiB appended: %d literal bytes fetched, %d bytes of messages%n", append, appendWire);
        // the basis's short last block (1,432 bytes of a 5,800-byte block) is not found before other bytes
        assertTrue(append >= tail.length && append <= tail.length + 8 * 1024, "the appended bytes: " + append);
        assertTrue(appendWire <= tail.length + 24 * 1024, "no block signature for an append: " + appendWire);

        // 100 bytes inserted at a third: the rest of the file shifts, and its blocks are still found
        before = fetched();
        wireBefore = wire();
        byte[] now = Files.readAllBytes(a);
        byte[] insert = new byte[100];
        new Random(14).nextBytes(insert);
        int at = now.length / 3 + 777;
        java.io.ByteArrayOutputStream shifted = new java.io.ByteArrayOutputStream();
        shifted.write(now, 0, at);
        shifted.writeBytes(insert);
        shifted.write(now, at, now.length - at);
        Path staged = cluster.dir(0).resolve(".image.bin.new");
        Files.write(staged, shifted.toByteArray());
        Files.move(staged, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        awaitSameContent(a, b);
        long inserted = fetched() - before;
        System.out.printf("100 bytes inserted: %d literal bytes fetched, %d bytes of messages%n", inserted,
                wire() - wireBefore);
        assertTrue(inserted <= insert.length + 2 * 8 * 1024, "about the inserted bytes: " + inserted);
        assertEquals(Files.getLastModifiedTime(a), Files.getLastModifiedTime(b));
    }
}
