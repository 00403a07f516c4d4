package io.syncnode.protocol.delta;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Builds the {@link Signature} of a basis file from a stream.
 *
 * <p>Streaming: it holds one block and the growing signature table, whatever the file's size.
 * The file's length is whatever the stream yields; the length given to {@link #forLength} only
 * picks the block size. Not thread-safe; each {@link #build} call is independent.
 */
public final class SignatureBuilder {
    private final int blockSize;

    /** A builder with an explicit block size in [1, {@link BlockSize#MAX}]. */
    public SignatureBuilder(int blockSize) {
        if (blockSize < 1 || blockSize > BlockSize.MAX) {
            throw new IllegalArgumentException("blockSize: must be in [1, " + BlockSize.MAX + "], got " + blockSize);
        }
        this.blockSize = blockSize;
    }

    /** A builder using {@link BlockSize#forLength(long) BlockSize.forLength(expectedLength)}. */
    public static SignatureBuilder forLength(long expectedLength) {
        return new SignatureBuilder(BlockSize.forLength(expectedLength));
    }

    public int blockSize() {
        return blockSize;
    }

    /** Reads {@code basis} to its end (without closing it) and returns its signature. */
    public Signature build(InputStream basis) throws IOException {
        byte[] block = new byte[blockSize];
        StrongChecksum strongSum = new StrongChecksum();
        int[] weak = new int[16];
        byte[] strong = new byte[16 * Signature.STRONG_LENGTH];
        int blocks = 0;
        long length = 0;
        while (true) {
            int n = basis.readNBytes(block, 0, blockSize);
            if (n == 0) {
                break;
            }
            if (blocks == Signature.MAX_BLOCKS) {
                throw new IllegalArgumentException("basis has more than " + Signature.MAX_BLOCKS
                        + " blocks of " + blockSize + " bytes");
            }
            if (blocks == weak.length) {
                weak = Arrays.copyOf(weak, blocks * 2);
                strong = Arrays.copyOf(strong, blocks * 2 * Signature.STRONG_LENGTH);
            }
            weak[blocks] = RollingChecksum.of(block, 0, n);
            strongSum.compute(block, 0, n, strong, blocks * Signature.STRONG_LENGTH);
            blocks++;
            length += n;
            if (n < blockSize) {
                break;
            }
        }
        return Signature.wrap(blockSize, length,
                Arrays.copyOf(weak, blocks), Arrays.copyOf(strong, blocks * Signature.STRONG_LENGTH));
    }
}
