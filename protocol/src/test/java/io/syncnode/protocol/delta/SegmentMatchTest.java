package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The segmented delta (PROTOCOL.md 5.6): the basis's segment sums, the source's comparison, the
 * signature of only the needed segments, the encoding and the receiver's patch rebuild the target
 * exactly for any edit; and for the edits it is made for (an append, an overwrite, a small insert
 * or delete) it costs about the changed bytes plus a few segments of block signatures.
 */
class SegmentMatchTest {

    /** One whole segmented transfer in memory, every invariant checked. */
    record Run(SegmentSums sums, SegmentMatch match, BitSet needed, Signature neededSignature, DeltaSummary summary,
               List<DeltaOp> ops) {
        long wire() {
            return sums.segmentCount() * (long) SegmentSums.SUM_LENGTH
                    + neededSignature.blockCount() * (4L + Signature.STRONG_LENGTH) + summary.literalBytes();
        }
    }

    static Run run(byte[] basis, byte[] target, int blockSize, int segmentBlocks, long seed) {
        String context = "seed=" + seed + " basis=" + basis.length + " target=" + target.length + " blockSize="
                + blockSize + " segmentBlocks=" + segmentBlocks;
        try {
            SegmentSums sums = SegmentSums.build(new ChoppyInputStream(basis, seed, 3 * blockSize + 1), blockSize,
                    segmentBlocks);
            assertEquals(basis.length, sums.fileLength(), context);
            SegmentMatch match = SegmentMatch.compare(sums, new ChoppyInputStream(target, ~seed, 2 * blockSize + 7));
            assertEquals(target.length, match.targetLength(), context);
            BitSet needed = match.needed();
            ByteArrayOutputStream neededBytes = new ByteArrayOutputStream();
            for (int i = needed.nextSetBit(0); i >= 0; i = needed.nextSetBit(i + 1)) {
                long from = i * sums.segmentSize();
                neededBytes.write(basis, (int) from, (int) sums.segmentLength(i));
            }
            Signature neededSignature = new SignatureBuilder(blockSize)
                    .build(new ByteArrayInputStream(neededBytes.toByteArray()));
            RecordingSink sink = new RecordingSink();
            DeltaSummary summary = match.encode(needed, neededSignature,
                    new ArrayBasis(target, 1 + (int) Math.floorMod(seed, 700L)), sink);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DeltaPatcher patcher = new DeltaPatcher(blockSize, basis.length, new ArrayBasis(basis), out)
                    .limitTo(target.length);
            for (DeltaOp op : sink.ops) {
                op.replay(patcher);
            }
            PatchedFile result = patcher.finish();
            assertArrayEquals(target, out.toByteArray(), "patched file differs: " + context);
            assertEquals(Transfer.sha256(target), result.hash(), context);
            assertEquals(target.length, summary.targetLength(), context);
            assertEquals(target.length, summary.literalBytes() + summary.copiedBytes(), "coverage: " + context);
            assertEquals(sink.ops.size(), summary.ops(), "op count: " + context);
            DeltaOp previous = null;
            for (DeltaOp op : sink.ops) {
                if (op instanceof DeltaOp.Copy copy && previous instanceof DeltaOp.Copy before) {
                    assertTrue(before.firstBlock() + before.blockCount() != copy.firstBlock(),
                            "consecutive copies not coalesced: " + before + " " + copy + ": " + context);
                }
                previous = op;
            }
            return new Run(sums, match, needed, neededSignature, summary, sink.ops);
        } catch (IOException e) {
            throw new UncheckedIOException(context, e);
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 400).map(i -> 0x3c6ef372L * (i + 1));
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void anyEditIsRebuiltExactly(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Content content = Content.values()[r.nextInt(Content.values().length)];
        byte[] basis = content.make(r.nextInt(6000), r);
        Edit edit = Edit.values()[r.nextInt(Edit.values().length)];
        byte[] target = edit.apply(basis, r, content);
        int blockSize = 1 + r.nextInt(r.nextBoolean() ? 8 : 200);
        int segmentBlocks = 1 + r.nextInt(r.nextBoolean() ? 4 : 40);
        run(basis, target, blockSize, segmentBlocks, seed);
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] splice(byte[] basis, int at, int cut, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(basis, 0, at);
        out.writeBytes(insert);
        out.write(basis, at + cut, basis.length - at - cut);
        return out.toByteArray();
    }

    // 4 MiB in 1 KiB blocks, segments of 64 blocks (64 KiB): 64 segments, 512 bytes of sums, where
    // the signature of every block would cost 4096 x 12 = 48 KiB
    private static final int SIZE = 4 << 20;
    private static final int BLOCK = 1024;
    private static final int SEGMENT_BLOCKS = 64;
    private static final int SEGMENT = BLOCK * SEGMENT_BLOCKS;

    @Test
    void anIdenticalFileIsOneCopyAndNeedsNoBlockSignature() {
        byte[] basis = random(SIZE, 1);
        Run r = run(basis, basis.clone(), BLOCK, SEGMENT_BLOCKS, 1);
        assertTrue(r.needed().isEmpty());
        assertEquals(List.of(new DeltaOp.Copy(0, SIZE / BLOCK)), r.ops());
    }

    @Test
    void anAppendCostsTheNewBytesAndTheSums() {
        byte[] basis = random(SIZE, 2);
        byte[] target = splice(basis, SIZE, 0, random(4096, 3));
        Run r = run(basis, target, BLOCK, SEGMENT_BLOCKS, 2);
        assertTrue(r.needed().isEmpty(), "every segment of the basis is still in place: " + r.needed());
        assertEquals(4096, r.summary().literalBytes());
        assertEquals(SIZE / SEGMENT * 8 + 4096, r.wire());

        // appended again: the old short last segment is asked for (with its neighbour), and its
        // blocks are found
        byte[] again = splice(target, target.length, 0, random(4096, 4));
        Run r2 = run(target, again, BLOCK, SEGMENT_BLOCKS, 3);
        assertEquals(2, r2.needed().cardinality(), r2.needed().toString());
        assertTrue(r2.summary().literalBytes() <= 4096 + BLOCK, "literals: " + r2.summary().literalBytes());
    }

    @Test
    void anOverwriteCostsTheChangedBytesAndThreeSegmentsOfSignatures() {
        byte[] basis = random(SIZE, 5);
        int at = SIZE / 2 + 12345;
        byte[] target = splice(basis, at, 20_000, random(20_000, 6));
        Run r = run(basis, target, BLOCK, SEGMENT_BLOCKS, 5);
        assertTrue(r.needed().cardinality() <= 4, "needed: " + r.needed());
        assertTrue(r.summary().literalBytes() <= 20_000 + 2 * BLOCK, "literals: " + r.summary().literalBytes());
        long wire = r.wire();
        assertTrue(wire <= 20_000 + 2 * BLOCK + 512 + 4 * SEGMENT_BLOCKS * 12, "wire: " + wire);
    }

    @Test
    void anInsertOrADeleteShiftsTheRestAndItsBlocksAreStillFound() {
        byte[] basis = random(SIZE, 7);
        int at = SIZE / 3 + 777;
        for (byte[] target : List.of(splice(basis, at, 0, random(100, 8)), splice(basis, at, 100, new byte[0]))) {
            Run r = run(basis, target, BLOCK, SEGMENT_BLOCKS, 7);
            assertTrue(r.summary().literalBytes() <= 100 + 2 * BLOCK, "literals: " + r.summary().literalBytes());
            assertTrue(r.match().matchedCount() >= SIZE / 3 / SEGMENT - 1, "the segments before it match");
        }
    }

    @Test
    void aTruncatedFileIsCopiedFromTheSegmentsLeft() {
        byte[] basis = random(SIZE, 9);
        byte[] target = java.util.Arrays.copyOf(basis, SIZE / 2 + 5000);
        Run r = run(basis, target, BLOCK, SEGMENT_BLOCKS, 9);
        assertTrue(r.summary().literalBytes() <= BLOCK, "literals: " + r.summary().literalBytes());
    }

    @Test
    void aSignatureThatDoesNotDescribeTheNeededSegmentsIsRefused() throws IOException {
        byte[] basis = random(10 * SEGMENT, 10);
        byte[] target = splice(basis, 5 * SEGMENT + 7, 10, random(10, 11));
        SegmentSums sums = SegmentSums.build(new ByteArrayInputStream(basis), BLOCK, SEGMENT_BLOCKS);
        SegmentMatch match = SegmentMatch.compare(sums, new ByteArrayInputStream(target));
        BitSet needed = match.needed();
        assertEquals(BitSet.valueOf(new long[] {0b1110000}), needed);
        Signature wrongLength = new SignatureBuilder(BLOCK).build(new ByteArrayInputStream(new byte[SEGMENT]));
        assertThrows(IllegalArgumentException.class,
                () -> match.encode(needed, wrongLength, new ArrayBasis(target), new RecordingSink()));
        Signature wrongBlock = new SignatureBuilder(BLOCK * 2).build(new ByteArrayInputStream(new byte[3 * SEGMENT]));
        assertThrows(IllegalArgumentException.class,
                () -> match.encode(needed, wrongBlock, new ArrayBasis(target), new RecordingSink()));
        BitSet beyond = new BitSet();
        beyond.set(10);
        Signature one = new SignatureBuilder(BLOCK).build(new ByteArrayInputStream(new byte[SEGMENT]));
        assertThrows(IllegalArgumentException.class,
                () -> match.encode(beyond, one, new ArrayBasis(target), new RecordingSink()));
    }

    @Test
    void sumsAreCheckedWhenRebuiltFromTheirParts() throws IOException {
        SegmentSums built = SegmentSums.build(new ByteArrayInputStream(random(2 * SEGMENT + 1, 12)), BLOCK,
                SEGMENT_BLOCKS);
        assertEquals(3, built.segmentCount());
        assertEquals(1, built.segmentLength(2));
        assertEquals(1, built.segmentBlockCount(2));
        assertEquals(built, SegmentSums.of(BLOCK, SEGMENT_BLOCKS, built.fileLength(), built.sums()));
        assertEquals(0, SegmentSums.build(new ByteArrayInputStream(new byte[0]), BLOCK, SEGMENT_BLOCKS).segmentCount());
        assertEquals(2, SegmentSums.build(new ByteArrayInputStream(new byte[2 * SEGMENT]), BLOCK, SEGMENT_BLOCKS)
                .segmentCount());
        assertThrows(IllegalArgumentException.class, () -> SegmentSums.of(BLOCK, SEGMENT_BLOCKS, 3L * SEGMENT,
                new byte[2 * 8]));
        assertThrows(IllegalArgumentException.class, () -> SegmentSums.of(0, SEGMENT_BLOCKS, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> SegmentSums.of(BlockSize.MAX + 1, 1, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> SegmentSums.of(BLOCK, SegmentSums.MAX_SEGMENT_BLOCKS + 1, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> SegmentSums.of(BLOCK, SEGMENT_BLOCKS, -1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> SegmentSums.of(1, 1,
                (long) SegmentSums.MAX_SEGMENTS + 1, new byte[0]));
    }
}
