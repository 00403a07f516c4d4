package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlockSizeTest {

    @ParameterizedTest(name = "{0} bytes -> {1}")
    @CsvSource({
        "0, 2048",
        "1, 2048",
        "4194304, 2048",          // 4 MiB: sqrt = 2048
        "4194305, 2056",          // just above: rounded up to a multiple of 8
        "10000000, 3168",         // sqrt = 3162.3
        "67108864, 8192",         // 64 MiB
        "268435456, 16384",       // 256 MiB
        "1073741824, 32768",      // 1 GiB
        "17179869184, 131072",    // 16 GiB: sqrt = 128 KiB
        "1099511627776, 131072",  // 1 TiB: clamped
    })
    void followsTheClampedSquareRoot(long length, int expected) {
        assertEquals(expected, BlockSize.forLength(length));
    }

    @Test
    void isAlwaysAMultipleOfEightWithinBounds() {
        for (long length = 0; length < 1L << 40; length = length * 3 + 1) {
            int size = BlockSize.forLength(length);
            assertTrue(size % 8 == 0 && size >= BlockSize.MIN && size <= BlockSize.MAX, length + " -> " + size);
        }
    }

    @Test
    void rejectsNegativeLengths() {
        assertThrows(IllegalArgumentException.class, () -> BlockSize.forLength(-1));
    }
}
