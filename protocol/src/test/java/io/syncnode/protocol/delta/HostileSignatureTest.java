package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The signature comes from the receiver, which may be a hostile member: one whose weak sums hit at
 * every position of the target (all blocks share the weak sum of a zero block, their strong sums
 * match nothing) must not make the sender's work grow with target length times chain length or
 * block size. The work is counted in strong sums ({@link DeltaSummary#strongSums}); the delta stays
 * a correct description of the target.
 */
class HostileSignatureTest {
    private static final int BLOCK = 64;

    private static Signature allBlocksOneWeakSum(int blocks, byte[] weakOf) {
        int[] weak = new int[blocks];
        Arrays.fill(weak, RollingChecksum.of(weakOf, 0, BLOCK));
        List<byte[]> strong = new ArrayList<>();
        Random r = new Random(7);
        for (int i = 0; i < blocks; i++) {
            byte[] s = new byte[Signature.STRONG_LENGTH];
            r.nextBytes(s);
            strong.add(s);
        }
        return Signature.of(BLOCK, (long) blocks * BLOCK, weak, strong);
    }

    @Test
    void weakSumsThatHitEverywhereCostAtMostTwoStrongSumsPerBlock() throws Exception {
        byte[] target = new byte[1 << 20]; // zeros: the crafted weak sum hits at every one of its positions
        DeltaEncoder encoder = new DeltaEncoder(allBlocksOneWeakSum(100_000, new byte[BLOCK]));
        RecordingSink sink = new RecordingSink();
        DeltaSummary s = encoder.encode(new ByteArrayInputStream(target), sink);

        long blocksOfTarget = target.length / BLOCK;
        // two budgets (the candidates, and the block after the last match), each 1,024 + 2 per block
        assertTrue(s.strongSums() <= 2 * (DeltaEncoder.FALSE_ALARMS_FREE + 2 * blocksOfTarget) + 1,
                s.strongSums() + " strong sums for " + blocksOfTarget + " blocks of target (each position hits)");
        assertEquals(target.length, s.literalBytes(), "nothing matched, all literal");
        ByteArrayOutputStream patched = new ByteArrayOutputStream();
        for (DeltaOp op : sink.ops) {
            patched.write(((DeltaOp.Literal) op).bytes());
        }
        assertTrue(Arrays.equals(target, patched.toByteArray()), "the delta still describes the target");
    }

    @Test
    void honestDataIsNotHeldBack() throws Exception {
        byte[] basis = new byte[1 << 20];
        new Random(1).nextBytes(basis);
        byte[] target = basis.clone();
        for (int i = 0; i < 1000; i++) { // a thousand one-byte edits: every block after one rolls to its match
            target[(int) ((long) i * target.length / 1000) + 5] ^= 1;
        }
        Signature sig = new SignatureBuilder(BLOCK).build(new ByteArrayInputStream(basis));
        DeltaSummary s = new DeltaEncoder(sig).encode(new ByteArrayInputStream(target), new RecordingSink());
        assertEquals(basis.length - 1000L * BLOCK, s.copiedBytes(), "every block without an edit is copied");
    }

    @Test
    void lowEntropyTextIsNotHeldBack() throws Exception {
        // a log-like CSV: digits, commas and newlines, whose weak sums crowd together
        StringBuilder sb = new StringBuilder();
        Random r = new Random(3);
        while (sb.length() < (1 << 20)) {
            sb.append(1_700_000_000 + sb.length() / 40).append(',').append(r.nextInt(100)).append(',')
                    .append(r.nextInt(10)).append(",0,0,1\n");
        }
        byte[] basis = sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] target = basis.clone();
        for (int i = 0; i < 100; i++) {
            target[(int) ((long) i * target.length / 100) + 7] ^= 1;
        }
        Signature sig = new SignatureBuilder(BLOCK).build(new ByteArrayInputStream(basis));
        DeltaSummary s = new DeltaEncoder(sig).encode(new ByteArrayInputStream(target), new RecordingSink());
        assertTrue(s.copiedBytes() >= basis.length - 100L * 2 * BLOCK,
                "at most two blocks around each of the 100 edits go as literals: " + s);
    }
}
