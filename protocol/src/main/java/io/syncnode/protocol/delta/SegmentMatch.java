package io.syncnode.protocol.delta;

import java.io.IOException;
import java.io.InputStream;
import java.util.BitSet;

/**
 * The source's half of a segmented delta (PROTOCOL.md 5.6): its file compared, segment by
 * segment at the same offsets, with the receiver's {@link SegmentSums}, then encoded.
 *
 * <p>Two passes over the target. {@link #compare} reads it once, summing each segment (not the
 * whole file: the receiver checks the rebuilt file's SHA-256); a segment whose length and sum equal the basis segment at the same index is
 * <em>matched</em> and will be sent as one copy of that segment's blocks. {@link #needed} names
 * the basis segments whose block signatures the source asks for: for every unmatched segment,
 * the basis segments at the same index and on each side of it (data shifted by an insertion or a
 * deletion of less than a segment still finds its blocks). {@link #encode} then reads only the
 * unmatched runs of the target again and runs the rsync search ({@link DeltaEncoder}) over each,
 * against the signature of the needed segments' blocks; block numbers are mapped back to the
 * whole basis, and consecutive copies are coalesced across segments.
 *
 * <p>What it cannot find: blocks that moved to a place far from where they were (more than a
 * segment away, into a changed region). They are sent as literals; the result is still exact.
 * The rsync search over the whole basis finds them, at the cost of the signature of every block.
 *
 * <p>Memory: a bit per basis segment and a read buffer; the signature of the needed blocks.
 */
public final class SegmentMatch {
    private final SegmentSums basis;
    private final BitSet matched;
    private final long targetLength;

    private SegmentMatch(SegmentSums basis, BitSet matched, long targetLength) {
        this.basis = basis;
        this.matched = matched;
        this.targetLength = targetLength;
    }

    /** Reads {@code target} to its end (without closing it) and compares its segments with {@code basis}'s. */
    public static SegmentMatch compare(SegmentSums basis, InputStream target) throws IOException {
        BitSet matched = new BitSet(basis.segmentCount());
        long length = SegmentSums.scan(target, basis.segmentSize(), basis.segmentCount(), (index, len, sum) -> {
            int i = (int) index;
            if (len == basis.segmentLength(i) && basis.sumEquals(i, sum, 0)) {
                matched.set(i);
            }
        });
        return new SegmentMatch(basis, matched, length);
    }

    public long targetLength() {
        return targetLength;
    }

    /** Whether the target's segment {@code i} equals the basis's segment {@code i}. */
    public boolean matched(long i) {
        return i < basis.segmentCount() && matched.get((int) i);
    }

    /** Number of the target's segments that equal the basis's. */
    public int matchedCount() {
        return matched.cardinality();
    }

    /**
     * The basis segments whose block signatures the encoding needs: each unmatched segment of the
     * target that the basis also has, with its neighbours. Empty when nothing can be found in the
     * basis beyond the matched segments (e.g. the target only grew).
     */
    public BitSet needed() {
        int n = basis.segmentCount();
        BitSet needed = new BitSet(n);
        long targetSegments = SegmentSums.count(targetLength, basis.segmentSize());
        for (int i = 0; i < n && i < targetSegments; i++) {
            if (!matched.get(i)) {
                needed.set(Math.max(0, i - 1), Math.min(n, i + 2));
            }
        }
        return needed;
    }

    /** The length of the basis segments in {@code needed}: the {@code fileLength} of their signature. */
    public static long neededLength(SegmentSums basis, BitSet needed) {
        long total = 0;
        for (int i = needed.nextSetBit(0); i >= 0; i = needed.nextSetBit(i + 1)) {
            total += basis.segmentLength(i);
        }
        return total;
    }

    /**
     * Sends the delta of {@code target} (the file {@link #compare} read, read again by position)
     * to {@code sink}: matched segments as copies, the unmatched runs searched against
     * {@code neededSignature}, the signature of the basis segments {@code needed} read one after
     * the other (as {@link SignatureBuilder} makes it of their bytes in order).
     *
     * @return what the delta cost; its length is the one {@link #compare} saw, its hash null (the
     *     target is not hashed: the receiver checks what it rebuilt against the content hash, and
     *     the caller checks the file did not change, PROTOCOL.md 5.6)
     * @throws IllegalArgumentException if {@code needed} names a segment the basis lacks, or the
     *     signature's block size or length does not fit those segments
     */
    public DeltaSummary encode(BitSet needed, Signature neededSignature, BasisReader target, DeltaSink sink)
            throws IOException {
        if (needed.length() > basis.segmentCount()) {
            throw new IllegalArgumentException("needed: segment " + (needed.length() - 1) + " of a basis of "
                    + basis.segmentCount() + " segments");
        }
        long neededLength = neededLength(basis, needed);
        if (neededSignature.blockSize() != basis.blockSize() || neededSignature.fileLength() != neededLength) {
            throw new IllegalArgumentException("signature: " + neededSignature.fileLength() + " bytes in blocks of "
                    + neededSignature.blockSize() + ", expected " + neededLength + " bytes in blocks of "
                    + basis.blockSize() + " (the needed segments)");
        }
        int[] neededSegments = needed.stream().toArray();
        Coalescing out = new Coalescing(sink);
        Remapped remapped = new Remapped(out, neededSegments, basis.segmentBlocks());
        DeltaEncoder encoder = new DeltaEncoder(neededSignature);
        long segmentSize = basis.segmentSize();
        long strongSums = 0;
        long pos = 0;
        long segment = 0;
        while (pos < targetLength) {
            if (matched(segment)) {
                int s = (int) segment;
                out.copy((long) s * basis.segmentBlocks(), basis.segmentBlockCount(s));
                out.copiedBytes += basis.segmentLength(s);
                pos += basis.segmentLength(s);
                segment++;
                continue;
            }
            long runStart = pos;
            while (pos < targetLength && !matched(segment)) {
                pos = Math.min(pos + segmentSize, targetLength);
                segment++;
            }
            DeltaSummary run = encoder.encode(new RangeStream(target, runStart, pos), remapped, false);
            out.copiedBytes += run.copiedBytes();
            strongSums += run.strongSums();
        }
        out.flush();
        return new DeltaSummary(targetLength, null, out.literalBytes, out.copiedBytes, out.literalOps,
                out.copyOps, strongSums);
    }

    /** Block numbers of the needed segments' signature, turned into the whole basis's. */
    private static final class Remapped implements DeltaSink {
        private final DeltaSink out;
        private final int[] segments;
        private final int segmentBlocks;

        Remapped(DeltaSink out, int[] segments, int segmentBlocks) {
            this.out = out;
            this.segments = segments;
            this.segmentBlocks = segmentBlocks;
        }

        @Override
        public void literal(byte[] buf, int off, int len) throws IOException {
            out.literal(buf, off, len);
        }

        @Override
        public void copy(long firstBlock, int blockCount) throws IOException {
            long block = firstBlock;
            long end = firstBlock + blockCount;
            while (block < end) {
                int k = (int) (block / segmentBlocks);
                int within = (int) (block % segmentBlocks);
                int n = (int) Math.min(end - block, segmentBlocks - within);
                out.copy((long) segments[k] * segmentBlocks + within, n);
                block += n;
            }
        }
    }

    /** Joins consecutive copies into one, and counts what goes out. */
    private static final class Coalescing implements DeltaSink {
        private final DeltaSink out;
        private long first;
        private int count;
        long literalBytes;
        long copiedBytes;
        long literalOps;
        long copyOps;

        Coalescing(DeltaSink out) {
            this.out = out;
        }

        @Override
        public void literal(byte[] buf, int off, int len) throws IOException {
            flush();
            out.literal(buf, off, len);
            literalBytes += len;
            literalOps++;
        }

        @Override
        public void copy(long firstBlock, int blockCount) throws IOException {
            if (count > 0 && first + count == firstBlock && (long) count + blockCount <= Integer.MAX_VALUE) {
                count += blockCount;
                return;
            }
            flush();
            first = firstBlock;
            count = blockCount;
        }

        void flush() throws IOException {
            if (count > 0) {
                out.copy(first, count);
                copyOps++;
                count = 0;
            }
        }
    }
}
