package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lengths on and next to block boundaries, for basis and target independently, where the target
 * is a prefix or an extension of the basis; and the shapes the encoder promises (one copy for
 * identical files, the short last block reused, literal chunks).
 */
class DeltaBoundaryTest {
    private static final int B = 16;

    static Stream<Arguments> lengths() {
        int[] blocks = {0, 1, 2, 5};
        int[] offsets = {-1, 0, 1};
        int[] lengths = Arrays.stream(blocks).flatMap(k -> Arrays.stream(offsets).map(d -> Math.max(0, k * B + d)))
                .distinct().toArray();
        return Arrays.stream(lengths).boxed()
                .flatMap(basis -> Arrays.stream(lengths).mapToObj(target -> Arguments.of(basis, target)));
    }

    @ParameterizedTest(name = "basis {0}, target {1}")
    @MethodSource("lengths")
    void prefixOrExtensionOfTheBasis(int basisLength, int targetLength) {
        long seed = 31L * basisLength + targetLength;
        byte[] target = new byte[targetLength];
        new SplittableRandom(seed).nextBytes(target);
        byte[] basis = Arrays.copyOf(target, basisLength);
        if (basisLength > targetLength) {
            new SplittableRandom(~seed).nextBytes(basis);
            System.arraycopy(target, 0, basis, 0, targetLength);
        }
        Transfer t = Transfer.run(basis, target, B, 1000, seed, "prefix/extension");

        // Everything of the basis that the target still holds in whole blocks, plus a short last
        // block when the target ends exactly where the basis does, is reused.
        int shared = Math.min(basisLength, targetLength);
        long reusable = basisLength == targetLength ? shared : shared / B * B;
        assertEquals(targetLength - reusable, t.summary().literalBytes(), "seed=" + seed);
    }

    @Test
    void identicalFilesAreOneCopyIncludingTheShortLastBlock() {
        byte[] data = new byte[10 * B + 5];
        new SplittableRandom(3).nextBytes(data);
        Transfer t = Transfer.run(data, data.clone(), B, 1000, 3, "identical");
        assertEquals(List.of(new DeltaOp.Copy(0, 11)), t.ops());
    }

    @Test
    void allZeroFilesCoalesceIntoSequentialCopies() {
        byte[] zeros = new byte[100 * B];
        Transfer t = Transfer.run(zeros, new byte[100 * B + 3], B, 1000, 4, "zeros");
        assertEquals(new DeltaOp.Copy(0, 100), t.ops().get(0));
        assertEquals(3, t.summary().literalBytes());
    }

    @Test
    void aShortLastBlockIsReusedAfterAnInsertion() {
        byte[] basis = new byte[4 * B + 7];
        new SplittableRandom(5).nextBytes(basis);
        byte[] target = Edit.splice(basis, 0, 0, new byte[] {1, 2, 3});
        Transfer t = Transfer.run(basis, target, B, 1000, 5, "insert before short block");
        assertEquals(List.of(new DeltaOp.Literal(new byte[] {1, 2, 3}), new DeltaOp.Copy(0, 5)), t.ops());
    }

    @Test
    void literalsAreCutIntoChunksOfTheConfiguredSize() {
        byte[] target = new byte[10_000];
        new SplittableRandom(6).nextBytes(target);
        Transfer t = Transfer.run(new byte[0], target, B, 3000, 6, "chunks");
        assertEquals(4, t.ops().size());
        assertTrue(t.ops().stream().limit(3).allMatch(op -> ((DeltaOp.Literal) op).length() == 3000));
        assertEquals(1000, ((DeltaOp.Literal) t.ops().get(3)).length());
    }

    @Test
    void bothEmptyIsNoOps() {
        Transfer t = Transfer.run(new byte[0], new byte[0], B, 1000, 8, "both empty");
        assertEquals(List.of(), t.ops());
        assertEquals(Transfer.sha256(new byte[0]), t.result().hash());
    }
}
