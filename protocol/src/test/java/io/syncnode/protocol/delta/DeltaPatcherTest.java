package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeltaPatcherTest {
    /** 50 bytes in blocks of 16: blocks 0..2 full, block 3 holds 2 bytes. */
    private final byte[] basis = new byte[50];
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final DeltaPatcher patcher;

    DeltaPatcherTest() {
        for (int i = 0; i < basis.length; i++) {
            basis[i] = (byte) i;
        }
        patcher = new DeltaPatcher(16, basis.length, new ArrayBasis(basis, 5), out);
    }

    @Test
    void appliesLiteralsAndCopiesInOrder() throws IOException {
        PatchedFile result = literalThenBlocks2And3ThenBlock0Patched();

        byte[] expected = literalThenBlocks2And3ThenBlock0();
        assertArrayEquals(expected, out.toByteArray());
        assertEquals(expected.length, result.length());
        assertEquals(Transfer.sha256(expected), result.hash());
    }

    /**
     * A hasher that lends its buffers: copied blocks are read into them and handed back (no copy),
     * literals still come through update; the output and the hash are the same as without it.
     */
    @Test
    void copiesThroughALendingHasherGiveTheSameOutputAndHash() throws IOException {
        java.security.MessageDigest sha = StrongChecksum.newSha256();
        java.util.List<byte[]> lent = new java.util.ArrayList<>();
        int[] handedBack = {0};
        patcher.hashWith(new DeltaPatcher.Hasher() {
            @Override
            public void update(byte[] buf, int off, int len) {
                sha.update(buf, off, len);
            }

            @Override
            public io.syncnode.protocol.ContentHash finish() {
                return io.syncnode.protocol.ContentHash.of(sha.digest());
            }

            @Override
            public byte[] lend() {
                byte[] b = new byte[7]; // smaller than a block: a copy takes several
                lent.add(b);
                return b;
            }

            @Override
            public void updateLent(byte[] buf, int len) {
                assertTrue(buf == lent.get(lent.size() - 1), "the buffer just lent comes back");
                handedBack[0]++;
                sha.update(buf, 0, len);
            }
        });
        PatchedFile result = literalThenBlocks2And3ThenBlock0Patched();

        byte[] expected = literalThenBlocks2And3ThenBlock0();
        assertArrayEquals(expected, out.toByteArray());
        assertEquals(Transfer.sha256(expected), result.hash());
        assertEquals(lent.size(), handedBack[0], "every buffer lent was handed back");
        assertTrue(lent.size() >= 34 / 7, "the copies went through the lent buffers: " + lent.size());
    }

    /** Patches literal {9, 9}, copy(2, 2) and copy(0, 1) (see {@link #literalThenBlocks2And3ThenBlock0}). */
    private PatchedFile literalThenBlocks2And3ThenBlock0Patched() throws IOException {
        patcher.literal(new byte[] {9, 9, 9}, 1, 2);
        patcher.copy(2, 2);
        patcher.copy(0, 1);
        return patcher.finish();
    }

    /** What literal {9, 9}, copy(2, 2) and copy(0, 1) make of the basis. */
    private byte[] literalThenBlocks2And3ThenBlock0() {
        byte[] expected = new byte[2 + 18 + 16];
        expected[0] = 9;
        expected[1] = 9;
        System.arraycopy(basis, 32, expected, 2, 18);
        System.arraycopy(basis, 0, expected, 20, 16);
        return expected;
    }

    @ParameterizedTest(name = "copy({0}, {1})")
    @CsvSource({"-1, 1", "0, 0", "0, -3", "4, 1", "3, 2", "0, 5", "9223372036854775807, 1"})
    void rejectsCopiesOutsideTheBasisNamingTheOp(long first, int count) throws IOException {
        patcher.literal(new byte[1], 0, 1);
        DeltaException e = assertThrows(DeltaException.class, () -> patcher.copy(first, count));
        assertTrue(e.getMessage().contains("op 1 copy(firstBlock=" + first + ", blockCount=" + count + ")"),
                e.getMessage());
    }

    @Test
    void neverWritesMoreThanTheTargetsSizeWithLiteralsOrCopies() throws IOException {
        patcher.limitTo(20);
        patcher.literal(new byte[4], 0, 4);
        patcher.copy(0, 1); // 16 bytes: exactly the limit
        DeltaException literal = assertThrows(DeltaException.class, () -> patcher.literal(new byte[1], 0, 1));
        assertTrue(literal.getMessage().contains("more than the 20 bytes of the target"), literal.getMessage());
        DeltaException copy = assertThrows(DeltaException.class, () -> patcher.copy(1, 1));
        assertTrue(copy.getMessage().contains("copy of 1 blocks would write 16 bytes"), copy.getMessage());
        assertEquals(20, out.size(), "nothing of the refused operations was written");
    }

    @Test
    void reportsABasisThatShrankSinceItsSignature() {
        DeltaPatcher shrunk = new DeltaPatcher(16, 50, new ArrayBasis(Arrays.copyOf(basis, 40)), out);
        DeltaException e = assertThrows(DeltaException.class, () -> shrunk.copy(2, 2));
        assertTrue(e.getMessage().contains("changed since its signature"), e.getMessage());
    }

    @Test
    void acceptsNoOperationsAfterFinish() {
        PatchedFile empty = patcher.finish();
        assertEquals(0, empty.length());
        assertEquals(Transfer.sha256(new byte[0]), empty.hash());
        assertEquals(empty, patcher.finish());
        assertThrows(IllegalStateException.class, () -> patcher.copy(0, 1));
        assertThrows(IllegalStateException.class, () -> patcher.literal(new byte[1], 0, 1));
    }

    @Test
    void rejectsLiteralBoundsOutsideTheArray() {
        assertThrows(IndexOutOfBoundsException.class, () -> patcher.literal(new byte[4], 2, 3));
    }
}
