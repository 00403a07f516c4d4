package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.ContentHash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * One whole delta transfer in memory: signature of the basis, delta of the target, patch. Checks
 * every invariant that holds for any input and returns what happened for further assertions.
 */
record Transfer(Signature signature, DeltaSummary summary, List<DeltaOp> ops, byte[] patched, PatchedFile result) {

    static Transfer run(byte[] basis, byte[] target, int blockSize, int maxLiteral, long seed, String what) {
        String context = what + " seed=" + seed + " basis=" + basis.length + " target=" + target.length
                + " blockSize=" + blockSize + " maxLiteral=" + maxLiteral;
        try {
            InputStream basisStream = seed % 2 == 0 ? new ByteArrayInputStream(basis)
                    : new ChoppyInputStream(basis, seed, 3 * blockSize + 1);
            Signature signature = new SignatureBuilder(blockSize).build(basisStream);
            assertEquals(basis.length, signature.fileLength(), context);

            RecordingSink sink = new RecordingSink();
            InputStream targetStream = seed % 3 == 0 ? new ByteArrayInputStream(target)
                    : new ChoppyInputStream(target, seed ^ 0x5DEECE66DL, 2 * blockSize + 7);
            DeltaSummary summary = new DeltaEncoder(signature, maxLiteral).encode(targetStream, sink);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DeltaPatcher patcher = new DeltaPatcher(signature, new ArrayBasis(basis, 1 + (int) Math.floorMod(seed, 5000L)), out);
            for (DeltaOp op : sink.ops) {
                op.replay(patcher);
            }
            PatchedFile result = patcher.finish();
            byte[] patched = out.toByteArray();

            ContentHash expected = sha256(target);
            assertArrayEquals(target, patched, "patched file differs: " + context);
            assertEquals(expected, result.hash(), "patcher hash: " + context);
            assertEquals(target.length, result.length(), "patcher length: " + context);
            assertEquals(expected, summary.targetHash(), "encoder hash: " + context);
            assertEquals(target.length, summary.targetLength(), "encoder length: " + context);
            assertEquals(target.length, summary.literalBytes() + summary.copiedBytes(), "coverage: " + context);
            assertEquals(sink.ops.size(), summary.ops(), "op count: " + context);
            checkShape(sink.ops, maxLiteral, context);
            return new Transfer(signature, summary, sink.ops, patched, result);
        } catch (IOException e) {
            throw new UncheckedIOException(context, e);
        }
    }

    /** Literal chunks are bounded, and neither literals nor copies that could be merged are split. */
    private static void checkShape(List<DeltaOp> ops, int maxLiteral, String context) {
        DeltaOp previous = null;
        for (DeltaOp op : ops) {
            if (op instanceof DeltaOp.Literal literal) {
                assertTrue(literal.length() >= 1 && literal.length() <= maxLiteral,
                        "literal of " + literal.length() + " bytes: " + context);
                if (previous instanceof DeltaOp.Literal before) {
                    assertEquals(maxLiteral, before.length(), "literal split before it was full: " + context);
                }
            } else if (op instanceof DeltaOp.Copy copy && previous instanceof DeltaOp.Copy before) {
                assertTrue(before.firstBlock() + before.blockCount() != copy.firstBlock(),
                        "consecutive copies not coalesced: " + before + " " + copy + ": " + context);
            }
            previous = op;
        }
    }

    static ContentHash sha256(byte[] data) {
        try {
            return ContentHash.of(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
