package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Ranges of a reader come out in order, whatever the reader's short reads; a range past the end is an error. */
class RangeStreamTest {
    private static final byte[] DATA = "0123456789abcdefghij".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Test
    void rangesComeOutOneAfterTheOther() throws IOException {
        InputStream in = new RangeStream(new ArrayBasis(DATA, 3), new long[] {2, 10, 10, 15}, new long[] {5, 12, 10, 20});
        assertArrayEquals("234abfghij".getBytes(java.nio.charset.StandardCharsets.US_ASCII), in.readAllBytes());
        assertEquals(-1, in.read());
        assertEquals(-1, new RangeStream(new ArrayBasis(DATA), new long[0], new long[0]).read());
        assertEquals('7', new RangeStream(new ArrayBasis(DATA), 7, 8).read());
    }

    @Test
    void aRangeBeyondTheEndOfTheReaderIsAnError() {
        IOException e = assertThrows(IOException.class,
                () -> new RangeStream(new ArrayBasis(DATA), 15, 25).readAllBytes());
        assertTrue(e.getMessage().contains("ended at offset 20, before 25"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RangeStream(new ArrayBasis(DATA), new long[1], new long[2]));
    }
}
