package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SignatureTest {

    @ParameterizedTest(name = "{0} bytes in blocks of {1}")
    @CsvSource({"0, 16, 0", "1, 16, 1", "15, 16, 1", "16, 16, 1", "17, 16, 2", "160, 16, 10", "161, 16, 11"})
    void cutsTheBasisIntoBlocks(int length, int blockSize, int blocks) throws Exception {
        byte[] data = new byte[length];
        new SplittableRandom(length).nextBytes(data);
        Signature signature = new SignatureBuilder(blockSize).build(new ByteArrayInputStream(data));

        assertEquals(length, signature.fileLength());
        assertEquals(blockSize, signature.blockSize());
        assertEquals(blocks, signature.blockCount());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < blocks; i++) {
            int from = i * blockSize;
            int to = Math.min(from + blockSize, length);
            assertEquals(to - from, signature.blockLength(i));
            assertEquals(RollingChecksum.of(data, from, to - from), signature.weakSum(i));
            sha.update(data, from, to - from);
            assertArrayEquals(Arrays.copyOf(sha.digest(), Signature.STRONG_LENGTH), signature.strongSum(i));
        }
    }

    @Test
    void forLengthPicksTheBlockSizeRule() {
        assertEquals(BlockSize.forLength(256L << 20), SignatureBuilder.forLength(256L << 20).blockSize());
    }

    @Test
    void survivesARoundTripThroughItsParts() throws IOException {
        byte[] data = new byte[10_000];
        new SplittableRandom(7).nextBytes(data);
        Signature signature = new SignatureBuilder(512).build(new ByteArrayInputStream(data));
        Signature rebuilt = Signature.of(signature.blockSize(), signature.fileLength(), signature.weakSums(),
                signature.strongSums());
        assertEquals(signature, rebuilt);
    }

    static Stream<Arguments> badParts() {
        byte[] s = new byte[Signature.STRONG_LENGTH];
        List<byte[]> two = List.of(s, s);
        List<byte[]> withNull = new ArrayList<>();
        withNull.add(s);
        withNull.add(null);
        return Stream.of(
                Arguments.of("zero block size", "blockSize", (Supplier<Signature>) () -> Signature.of(0, 20, new int[2], two)),
                Arguments.of("block size above MAX", "blockSize",
                        (Supplier<Signature>) () -> Signature.of(BlockSize.MAX + 1, 20, new int[1], List.of(s))),
                Arguments.of("negative length", "fileLength", (Supplier<Signature>) () -> Signature.of(16, -1, new int[0], List.of())),
                Arguments.of("too many blocks", "fileLength",
                        (Supplier<Signature>) () -> Signature.of(1, 1L << 40, new int[0], List.of())),
                Arguments.of("too few weak sums", "weakSums", (Supplier<Signature>) () -> Signature.of(16, 20, new int[1], two)),
                Arguments.of("null weak sums", "weakSums", (Supplier<Signature>) () -> Signature.of(16, 20, null, two)),
                Arguments.of("too many strong sums", "strongSums",
                        (Supplier<Signature>) () -> Signature.of(16, 20, new int[2], List.of(s, s, s))),
                Arguments.of("short strong sum", "strongSums[1]",
                        (Supplier<Signature>) () -> Signature.of(16, 20, new int[2], List.of(s, new byte[5]))),
                Arguments.of("null strong sum", "strongSums[1]",
                        (Supplier<Signature>) () -> Signature.of(16, 20, new int[2], withNull)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badParts")
    void rejectsBadPartsNamingTheField(String name, String field, Supplier<Signature> build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertTrue(e.getMessage().startsWith(field + ":"), e.getMessage());
    }

    @Test
    void doesNotShareArraysWithItsCaller() {
        int[] weak = new int[1];
        byte[] strong = new byte[Signature.STRONG_LENGTH];
        Signature signature = Signature.of(16, 10, weak, List.of(strong));
        weak[0] = 99;
        strong[0] = 99;
        signature.weakSums()[0] = 98;
        signature.strongSum(0)[0] = 98;
        assertEquals(0, signature.weakSum(0));
        assertEquals(0, signature.strongSum(0)[0]);
    }
}
