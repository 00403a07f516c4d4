package io.syncnode.node.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sync of the temp file starts once per {@value WriteBehind#STEP} bytes written through, on the I/O executor. */
class WriteBehindTest {
    @TempDir
    Path tmp;

    @Test
    void aSyncStartsAfterEveryStepOfBytes() throws Exception {
        Path file = tmp.resolve("t");
        AtomicInteger syncs = new AtomicInteger();
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 7);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            OutputStream out = new WriteBehind(Channels.newOutputStream(ch), ch, r -> {
                syncs.incrementAndGet();
                r.run();
            });
            long total = 3 * WriteBehind.STEP + 5;
            for (long n = 0; n < total; n += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, total - n));
            }
            out.flush();
            assertEquals(3, syncs.get(), "one sync per step, none for the tail");
        }
        assertEquals(3 * WriteBehind.STEP + 5, Files.size(file), "every byte reached the file");
    }
}
