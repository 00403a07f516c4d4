package io.syncnode.protocol.delta;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The signature of a basis file: its length, a block size, and for each block a weak
 * ({@link RollingChecksum}) and a strong ({@value #STRONG_LENGTH}-byte truncated SHA-256)
 * checksum.
 *
 * <p>Block {@code i} covers bytes {@code [i * blockSize, min((i + 1) * blockSize, fileLength))};
 * there are {@code ceil(fileLength / blockSize)} blocks, all full-size except possibly the last.
 * An empty file has no blocks. Immutable; accessors return copies.
 *
 * <p>Maps to the protobuf {@code BlockSignature}: {@link #blockSize()}, {@link #fileLength()} and
 * one {@code Block} per index with {@link #weakSum(int)} and {@link #strongSum(int)}. Inbound
 * signatures are rebuilt with {@link #of}, which validates them.
 */
public final class Signature {
    /** Bytes of strong checksum per block. */
    public static final int STRONG_LENGTH = StrongChecksum.LENGTH;
    /** Most blocks a signature may have (2^28: 32 TiB at the largest block size). */
    public static final int MAX_BLOCKS = 1 << 28;

    private final int blockSize;
    private final long fileLength;
    private final int[] weak;
    private final byte[] strong;

    private Signature(int blockSize, long fileLength, int[] weak, byte[] strong) {
        this.blockSize = blockSize;
        this.fileLength = fileLength;
        this.weak = weak;
        this.strong = strong;
    }

    /**
     * Rebuilds a signature from its parts, e.g. from the wire.
     *
     * @throws IllegalArgumentException naming the field, if {@code blockSize} is outside
     *     [1, {@link BlockSize#MAX}], {@code fileLength} is negative or needs more than
     *     {@link #MAX_BLOCKS} blocks, or the sums are not exactly one per block with strong sums of
     *     {@value #STRONG_LENGTH} bytes
     */
    public static Signature of(int blockSize, long fileLength, int[] weakSums, List<byte[]> strongSums) {
        checkShape(blockSize, fileLength);
        int blocks = (int) blockCount(fileLength, blockSize);
        if (weakSums == null || weakSums.length != blocks) {
            throw new IllegalArgumentException("weakSums: expected " + blocks + " entries for fileLength "
                    + fileLength + " and blockSize " + blockSize + ", got "
                    + (weakSums == null ? "null" : weakSums.length));
        }
        if (strongSums == null || strongSums.size() != blocks) {
            throw new IllegalArgumentException("strongSums: expected " + blocks + " entries for fileLength "
                    + fileLength + " and blockSize " + blockSize + ", got "
                    + (strongSums == null ? "null" : strongSums.size()));
        }
        byte[] strong = new byte[blocks * STRONG_LENGTH];
        for (int i = 0; i < blocks; i++) {
            byte[] s = strongSums.get(i);
            if (s == null || s.length != STRONG_LENGTH) {
                throw new IllegalArgumentException("strongSums[" + i + "]: expected " + STRONG_LENGTH
                        + " bytes, got " + (s == null ? "null" : s.length));
            }
            System.arraycopy(s, 0, strong, i * STRONG_LENGTH, STRONG_LENGTH);
        }
        return new Signature(blockSize, fileLength, weakSums.clone(), strong);
    }

    /** Wraps arrays built by {@link SignatureBuilder}, without copying; they must be consistent. */
    static Signature wrap(int blockSize, long fileLength, int[] weak, byte[] strong) {
        checkShape(blockSize, fileLength);
        return new Signature(blockSize, fileLength, weak, strong);
    }

    private static void checkShape(int blockSize, long fileLength) {
        if (blockSize < 1 || blockSize > BlockSize.MAX) {
            throw new IllegalArgumentException("blockSize: must be in [1, " + BlockSize.MAX + "], got " + blockSize);
        }
        if (fileLength < 0) {
            throw new IllegalArgumentException("fileLength: must be >= 0, got " + fileLength);
        }
        if (blockCount(fileLength, blockSize) > MAX_BLOCKS) {
            throw new IllegalArgumentException("fileLength: " + fileLength + " at blockSize " + blockSize
                    + " needs more than " + MAX_BLOCKS + " blocks");
        }
    }

    static long blockCount(long fileLength, int blockSize) {
        return fileLength == 0 ? 0 : (fileLength - 1) / blockSize + 1;
    }

    public int blockSize() {
        return blockSize;
    }

    public long fileLength() {
        return fileLength;
    }

    public int blockCount() {
        return weak.length;
    }

    /** Length of block {@code index}: {@link #blockSize()}, or less for a short last block. */
    public int blockLength(int index) {
        checkIndex(index);
        return (int) Math.min(blockSize, fileLength - (long) index * blockSize);
    }

    public int weakSum(int index) {
        checkIndex(index);
        return weak[index];
    }

    /** A copy of block {@code index}'s strong checksum. */
    public byte[] strongSum(int index) {
        checkIndex(index);
        return Arrays.copyOfRange(strong, index * STRONG_LENGTH, (index + 1) * STRONG_LENGTH);
    }

    /** A copy of all weak sums, in block order. */
    public int[] weakSums() {
        return weak.clone();
    }

    /** Copies of all strong sums, in block order. */
    public List<byte[]> strongSums() {
        List<byte[]> sums = new ArrayList<>(weak.length);
        for (int i = 0; i < weak.length; i++) {
            sums.add(strongSum(i));
        }
        return Collections.unmodifiableList(sums);
    }

    /** True if block {@code index}'s strong sum equals {@code sum[off .. off+STRONG_LENGTH-1]}. */
    boolean strongEquals(int index, byte[] sum, int off) {
        int from = index * STRONG_LENGTH;
        return Arrays.equals(strong, from, from + STRONG_LENGTH, sum, off, off + STRONG_LENGTH);
    }

    /** The weak sums themselves, for the encoder's index; never modified. */
    int[] weakSumsShared() {
        return weak;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= weak.length) {
            throw new IndexOutOfBoundsException("block " + index + " of " + weak.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Signature other && blockSize == other.blockSize && fileLength == other.fileLength
                && Arrays.equals(weak, other.weak) && Arrays.equals(strong, other.strong);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(fileLength) + blockSize) + Arrays.hashCode(weak);
    }

    @Override
    public String toString() {
        return "Signature[fileLength=" + fileLength + ", blockSize=" + blockSize + ", blocks=" + weak.length + "]";
    }
}
