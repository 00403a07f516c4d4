package io.syncnode.protocol.delta;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The coarse outline of a large basis: one {@value #SUM_LENGTH}-byte sum per segment of
 * {@code segmentBlocks} blocks, the first step of a segmented delta (PROTOCOL.md 5.6): the
 * segment's CRC-32C then its CRC-32 (zlib's), each 4 bytes big-endian.
 *
 * <p>Segment {@code i} covers bytes {@code [i * segmentSize, min((i + 1) * segmentSize, fileLength))},
 * {@code segmentSize = blockSize * segmentBlocks}, so segment {@code i} starts at block
 * {@code i * segmentBlocks} and every segment but the last is made of whole blocks. The source
 * compares them with its own file cut at the same offsets ({@link SegmentMatch}); only around the
 * segments that differ does it ask for the blocks' signatures. A 256 MiB basis in 16 KiB blocks
 * and segments of {@value #SEGMENT_BLOCKS} blocks (1 MiB) has 256 sums: 2 KiB, against 192 KiB
 * for the signature of every block.
 *
 * <p>Why two CRCs are enough: equal sums at the same offset make the source copy the segment from
 * the basis without looking further; a false equality (for a changed segment, about 2^-64: two
 * CRCs of different polynomials, each missing a random change with 2^-32; or a basis that changed
 * since) rebuilds the wrong content, which the receiver detects with the whole-file SHA-256 and
 * repeats as a whole-file transfer, as for a false block match ({@link StrongChecksum}). The sums
 * only decide what is copied from the receiver's own basis, so a crafted one can only spoil that
 * receiver's own transfer. What they buy: both CRCs run in hardware (about 10 GB/s here, where
 * SHA-256 runs at 1.4 GB/s), so outlining a 256 MiB basis and comparing a 256 MiB file cost
 * reading them, not a fifth of a second of hashing each.
 *
 * <p>Immutable.
 */
public final class SegmentSums {
    /** Bytes of sum per segment. */
    public static final int SUM_LENGTH = 8;
    /** Most segments an outline may have: its sums are then 8 MiB. */
    public static final int MAX_SEGMENTS = 1 << 20;
    /** Most blocks per segment. */
    public static final int MAX_SEGMENT_BLOCKS = 4096;
    /** Blocks per segment this implementation chooses: 1 MiB segments for a 256 MiB file. */
    public static final int SEGMENT_BLOCKS = 64;
    private static final int READ_BUFFER = 64 * 1024;

    private final int blockSize;
    private final int segmentBlocks;
    private final long fileLength;
    private final byte[] sums;

    private SegmentSums(int blockSize, int segmentBlocks, long fileLength, byte[] sums) {
        this.blockSize = blockSize;
        this.segmentBlocks = segmentBlocks;
        this.fileLength = fileLength;
        this.sums = sums;
    }

    /**
     * Rebuilds an outline from its parts, e.g. from the wire.
     *
     * @throws IllegalArgumentException naming the field, if {@code blockSize} is outside [1,
     *     {@link BlockSize#MAX}], {@code segmentBlocks} outside [1, {@value #MAX_SEGMENT_BLOCKS}],
     *     {@code fileLength} negative or beyond {@value #MAX_SEGMENTS} segments or
     *     {@link Signature#MAX_BLOCKS} blocks, or {@code sums} not {@value #SUM_LENGTH} bytes per segment
     */
    public static SegmentSums of(int blockSize, int segmentBlocks, long fileLength, byte[] sums) {
        checkShape(blockSize, segmentBlocks, fileLength);
        long count = count(fileLength, (long) blockSize * segmentBlocks);
        if (sums == null || sums.length != count * SUM_LENGTH) {
            throw new IllegalArgumentException("sums: expected " + count * SUM_LENGTH + " bytes for " + count
                    + " segments, got " + (sums == null ? "null" : sums.length));
        }
        return new SegmentSums(blockSize, segmentBlocks, fileLength, sums.clone());
    }

    /**
     * Reads {@code basis} to its end (without closing it) and returns its outline in segments of
     * {@code segmentBlocks} blocks of {@code blockSize} bytes.
     *
     * @throws IllegalArgumentException if the parameters or the basis's length are outside what
     *     {@link #of} accepts
     */
    public static SegmentSums build(InputStream basis, int blockSize, int segmentBlocks) throws IOException {
        checkShape(blockSize, segmentBlocks, 0);
        long segmentSize = (long) blockSize * segmentBlocks;
        byte[][] sums = {new byte[16 * SUM_LENGTH]};
        int[] segments = {0};
        long length = scan(basis, segmentSize, Long.MAX_VALUE, (index, segmentLength, sum) -> {
            if (index == MAX_SEGMENTS) {
                throw new IllegalArgumentException("basis has more than " + MAX_SEGMENTS + " segments of "
                        + segmentSize + " bytes");
            }
            if ((index + 1) * SUM_LENGTH > sums[0].length) {
                sums[0] = Arrays.copyOf(sums[0], sums[0].length * 2);
            }
            System.arraycopy(sum, 0, sums[0], (int) index * SUM_LENGTH, SUM_LENGTH);
            segments[0]++;
        });
        checkShape(blockSize, segmentBlocks, length);
        return new SegmentSums(blockSize, segmentBlocks, length, Arrays.copyOf(sums[0], segments[0] * SUM_LENGTH));
    }

    /** What {@link #scan} hands over at the end of each summed segment; {@code sum} is reused after. */
    @FunctionalInterface
    interface SegmentVisitor {
        void segment(long index, long length, byte[] sum);
    }

    /**
     * Reads {@code in} to its end (without closing it) in segments of {@code segmentSize} bytes (the
     * last may be shorter) and hands the sum of each of the first {@code summed} segments to
     * {@code visitor}; the rest are only counted. Returns the stream's length.
     */
    static long scan(InputStream in, long segmentSize, long summed, SegmentVisitor visitor) throws IOException {
        Sum sum = new Sum();
        byte[] buf = new byte[READ_BUFFER];
        byte[] out = new byte[SUM_LENGTH];
        long length = 0;
        long inSegment = 0;
        long index = 0;
        while (true) {
            int want = (int) Math.min(buf.length, segmentSize - inSegment);
            int n = in.readNBytes(buf, 0, want);
            if (n > 0) {
                if (index < summed) {
                    sum.update(buf, 0, n);
                }
                inSegment += n;
                length += n;
            }
            if (inSegment == segmentSize || (n < want && inSegment > 0)) {
                if (index < summed) {
                    sum.finish(out, 0);
                    visitor.segment(index, inSegment, out);
                }
                index++;
                inSegment = 0;
            }
            if (n < want) {
                return length;
            }
        }
    }

    /** The sum of one segment, fed in pieces; {@link #finish} writes it and starts the next. */
    static final class Sum {
        private final CRC32C crc32c = new CRC32C();
        private final CRC32 crc32 = new CRC32();

        void update(byte[] buf, int off, int len) {
            crc32c.update(buf, off, len);
            crc32.update(buf, off, len);
        }

        void finish(byte[] out, int at) {
            putInt(out, at, (int) crc32c.getValue());
            putInt(out, at + 4, (int) crc32.getValue());
            crc32c.reset();
            crc32.reset();
        }

        private static void putInt(byte[] out, int at, int v) {
            out[at] = (byte) (v >>> 24);
            out[at + 1] = (byte) (v >>> 16);
            out[at + 2] = (byte) (v >>> 8);
            out[at + 3] = (byte) v;
        }
    }

    private static void checkShape(int blockSize, int segmentBlocks, long fileLength) {
        if (blockSize < 1 || blockSize > BlockSize.MAX) {
            throw new IllegalArgumentException("blockSize: must be in [1, " + BlockSize.MAX + "], got " + blockSize);
        }
        if (segmentBlocks < 1 || segmentBlocks > MAX_SEGMENT_BLOCKS) {
            throw new IllegalArgumentException("segmentBlocks: must be in [1, " + MAX_SEGMENT_BLOCKS + "], got "
                    + segmentBlocks);
        }
        if (fileLength < 0) {
            throw new IllegalArgumentException("fileLength: must be >= 0, got " + fileLength);
        }
        if (count(fileLength, (long) blockSize * segmentBlocks) > MAX_SEGMENTS
                || Signature.blockCount(fileLength, blockSize) > Signature.MAX_BLOCKS) {
            throw new IllegalArgumentException("fileLength: " + fileLength + " needs more than " + MAX_SEGMENTS
                    + " segments of " + segmentBlocks + " blocks of " + blockSize + " bytes");
        }
    }

    static long count(long length, long unit) {
        return length == 0 ? 0 : (length - 1) / unit + 1;
    }

    public int blockSize() {
        return blockSize;
    }

    public int segmentBlocks() {
        return segmentBlocks;
    }

    public long segmentSize() {
        return (long) blockSize * segmentBlocks;
    }

    public long fileLength() {
        return fileLength;
    }

    public int segmentCount() {
        return sums.length / SUM_LENGTH;
    }

    /** Length of segment {@code i}: {@link #segmentSize()}, or less for the last one. */
    public long segmentLength(int i) {
        checkIndex(i);
        return Math.min(segmentSize(), fileLength - i * segmentSize());
    }

    /** Number of blocks in segment {@code i}. */
    public int segmentBlockCount(int i) {
        return (int) count(segmentLength(i), blockSize);
    }

    /** A copy of all sums, {@value #SUM_LENGTH} bytes per segment in order. */
    public byte[] sums() {
        return sums.clone();
    }

    /** True if segment {@code i}'s sum equals {@code sum[off .. off+SUM_LENGTH-1]}. */
    boolean sumEquals(int i, byte[] sum, int off) {
        checkIndex(i);
        return Arrays.equals(sums, i * SUM_LENGTH, (i + 1) * SUM_LENGTH, sum, off, off + SUM_LENGTH);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= segmentCount()) {
            throw new IndexOutOfBoundsException("segment " + i + " of " + segmentCount());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentSums other && blockSize == other.blockSize && segmentBlocks == other.segmentBlocks
                && fileLength == other.fileLength && Arrays.equals(sums, other.sums);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(fileLength) + blockSize) + segmentBlocks;
    }

    @Override
    public String toString() {
        return "SegmentSums[fileLength=" + fileLength + ", blockSize=" + blockSize + ", segmentBlocks="
                + segmentBlocks + ", segments=" + segmentCount() + "]";
    }
}
