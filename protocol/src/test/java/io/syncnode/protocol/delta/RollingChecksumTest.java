package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RollingChecksumTest {

    @Test
    void matchesTheDefinitionOnAKnownInput() {
        byte[] abc = {'a', 'b', 'c'};
        int a = 97 + 98 + 99;
        int b = 3 * 97 + 2 * 98 + 99;
        assertEquals(a | b << 16, RollingChecksum.of(abc, 0, 3));
    }

    @Test
    void treatsBytesAsUnsignedAndWrapsMod65536() {
        byte[] ones = new byte[1000];
        java.util.Arrays.fill(ones, (byte) 0xff);
        long a = 255L * 1000;
        long b = 255L * (1000L * 1001 / 2);
        assertEquals((int) ((a & 0xffff) | (b & 0xffff) << 16), RollingChecksum.of(ones, 0, 1000));
    }

    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {1, 2, 7, 64, 2048, 131072})
    void rollingEqualsRecomputing(int window) {
        long seed = 42L + window;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[window + 3000];
        random.nextBytes(data);
        RollingChecksum rolling = new RollingChecksum();
        rolling.reset(data, 0, window);
        for (int p = 0; p + window < data.length; p++) {
            rolling.roll(data[p], data[p + window]);
            assertEquals(RollingChecksum.of(data, p + 1, window), rolling.value(), "seed=" + seed + " p=" + (p + 1));
        }
    }
}
