package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real files on the test's file system: the bytes read back are the bytes written, zeros become holes. */
class SparseOutputTest {
    @TempDir
    Path tmp;

    private Path write(byte[] content, int chunk) throws Exception {
        Path f = Files.createFile(tmp.resolve("f" + System.nanoTime()));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE);
             SparseOutput out = new SparseOutput(ch)) {
            for (int i = 0; i < content.length; i += chunk) {
                out.write(content, i, Math.min(chunk, content.length - i));
            }
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4096, 5000, 65536, 1 << 20})
    void contentIsExactWhateverTheWriteSizes(int chunk) throws Exception {
        Random rnd = new Random(chunk);
        byte[] content = new byte[3 * 1024 * 1024 + 123];
        // data, a long zero run, data across block borders, zeros to the end but one byte
        for (int i = 0; i < 300_000; i++) {
            content[i] = (byte) rnd.nextInt();
        }
        for (int i = 2_000_001; i < 2_100_000; i++) {
            content[i] = (byte) rnd.nextInt();
        }
        content[content.length - 2] = 9;
        Path f = write(content, chunk);
        assertArrayEquals(content, Files.readAllBytes(f));
        long allocated = NativeFs.allocatedBytes(f);
        assertTrue(allocated < 1024 * 1024, "holes kept: " + allocated + " bytes allocated");
    }

    @Test
    void aFileOfZerosIsAllHoleWithItsFullLength() throws Exception {
        byte[] zeros = new byte[8 * 1024 * 1024 + 10];
        Path f = write(zeros, 65536);
        assertArrayEquals(zeros, Files.readAllBytes(f));
        assertTrue(NativeFs.allocatedBytes(f) <= 8192, "allocated " + NativeFs.allocatedBytes(f));
    }

    @Test
    void smallAndEmptyContent() throws Exception {
        assertArrayEquals(new byte[0], Files.readAllBytes(write(new byte[0], 1)));
        assertArrayEquals(new byte[] {0, 0, 0}, Files.readAllBytes(write(new byte[3], 1)));
        assertArrayEquals(new byte[] {1, 0, 2}, Files.readAllBytes(write(new byte[] {1, 0, 2}, 2)));
    }
}
