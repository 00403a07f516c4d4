package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Only the changed bytes cross: literal volume for the changes that matter in practice, with
 * the block size of {@link BlockSize}, asserted with generous bounds.
 */
class DeltaEfficiencyTest {
    private static final int MIB = 1 << 20;

    @Test
    void identicalEightMibFilesSendNoLiterals() throws IOException {
        byte[] basis = random(8 * MIB, 11);
        Outcome o = transfer(basis, basis.clone());
        assertEquals(0, o.summary.literalBytes(), "seed=11");
        assertEquals(1, o.summary.copyOps(), "seed=11");
    }

    @Test
    void oneMibOverwrittenInTheMiddleOfSixtyFourMib() throws IOException {
        byte[] basis = random(64 * MIB, 12);
        byte[] target = basis.clone();
        byte[] change = random(MIB, 13);
        System.arraycopy(change, 0, target, 32 * MIB + 12345, MIB);
        Outcome o = transfer(basis, target);
        long bound = MIB + 2L * o.blockSize;
        assertTrue(o.summary.literalBytes() <= bound,
                "seeds=12,13: literal " + o.summary.literalBytes() + " > " + bound);
    }

    @Test
    void fourKibAppendedToSixtyFourMib() throws IOException {
        byte[] basis = random(64 * MIB + 777, 14);
        byte[] target = Edit.splice(basis, basis.length, 0, random(4096, 15));
        Outcome o = transfer(basis, target);
        long bound = 4096 + o.blockSize;
        assertTrue(o.summary.literalBytes() <= bound,
                "seeds=14,15: literal " + o.summary.literalBytes() + " > " + bound);
    }

    private record Outcome(int blockSize, DeltaSummary summary) {
    }

    /** Encodes and patches, checking the patched hash; literals are counted, not kept. */
    private static Outcome transfer(byte[] basis, byte[] target) throws IOException {
        Signature signature = SignatureBuilder.forLength(basis.length).build(new ByteArrayInputStream(basis));
        DeltaPatcher patcher = new DeltaPatcher(signature, new ArrayBasis(basis), OutputStream.nullOutputStream());
        DeltaSummary summary = new DeltaEncoder(signature).encode(new ByteArrayInputStream(target), patcher);
        PatchedFile patched = patcher.finish();
        assertEquals(Transfer.sha256(target), patched.hash());
        assertEquals(Transfer.sha256(target), summary.targetHash());
        return new Outcome(signature.blockSize(), summary);
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }
}
