package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property tests: for random bases, edits, block sizes and literal limits,
 * {@code patch(basis, delta(signature(basis), target)) == target} and both hashes are the
 * target's SHA-256. Every case is reproducible from its seed, which every message names.
 */
class DeltaRoundTripTest {
    private static final int SEEDS_PER_EDIT = 45;
    private static final int[] BLOCK_SIZES = {1, 2, 3, 8, 16, 64, 100, 512, 2048};
    private static final int[] MAX_LITERALS = {1, 7, 64, 1000, DeltaEncoder.DEFAULT_MAX_LITERAL};

    static Stream<Arguments> cases() {
        return Arrays.stream(Edit.values()).flatMap(edit -> IntStream.range(0, SEEDS_PER_EDIT)
                .mapToObj(i -> Arguments.of(edit, 1_000_003L * (edit.ordinal() + 1) + i)));
    }

    @ParameterizedTest(name = "{0} seed={1}")
    @MethodSource("cases")
    void patchRebuildsTheTarget(Edit edit, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Content content = Content.values()[r.nextInt(Content.values().length)];
        int blockSize = BLOCK_SIZES[r.nextInt(BLOCK_SIZES.length)];
        int maxLiteral = MAX_LITERALS[r.nextInt(MAX_LITERALS.length)];
        int length = basisLength(r, blockSize);
        byte[] basis = content.make(length, r);
        byte[] target = edit.apply(basis, r, content);

        Transfer t = Transfer.run(basis, target, blockSize, maxLiteral, seed, edit + " " + content);

        if (edit == Edit.IDENTICAL) {
            assertEquals(0, t.summary().literalBytes(), "identical files sent literals, seed=" + seed);
        }
        if (edit == Edit.SHIFT_ONE && content == Content.RANDOM && basis.length >= 4 * blockSize) {
            assertTrue(t.summary().literalBytes() <= 1 + blockSize,
                    "one-byte shift resent " + t.summary().literalBytes() + " bytes, seed=" + seed);
        }
    }

    /** Empty, exactly on a block boundary, one off it, or anything up to 40 blocks. */
    private static int basisLength(SplittableRandom r, int blockSize) {
        int blocks = r.nextInt(Math.min(41, 1 + 20_000 / blockSize));
        return switch (r.nextInt(5)) {
            case 0 -> 0;
            case 1 -> blocks * blockSize;
            case 2 -> Math.max(0, blocks * blockSize - 1);
            case 3 -> blocks * blockSize + 1;
            default -> r.nextInt(blocks * blockSize + 1);
        };
    }
}
