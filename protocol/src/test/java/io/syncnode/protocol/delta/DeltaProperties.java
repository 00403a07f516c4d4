package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * jqwik properties of the delta engine. (1) For any basis, any target made of pieces of the basis
 * and new bytes, any block size and any literal limit, {@code patch(basis, delta(signature(basis),
 * target)) == target} ({@link Transfer} checks the hashes, lengths and op shapes as well).
 * (2) A patch built from <em>any</em> list of operations, hostile ones included, never reads outside
 * its basis and never writes past {@link DeltaPatcher#limitTo}: each operation either appends
 * exactly what a plain model of the patch says, or is refused with a {@link DeltaException} that
 * leaves the output as it was; no other exception, no read beyond the basis's last byte.
 * DeltaRoundTripTest keeps the seeded cases that target known worst cases (shifts, repeats).
 */
class DeltaProperties {

    // ------------------------------------------------------------------ round trip

    @Property(tries = 300)
    void patchRebuildsTheTarget(@ForAll("contents") byte[] basis, @ForAll("pieces") List<Piece> pieces,
                                @ForAll @IntRange(min = 1, max = 300) int blockSize,
                                @ForAll @IntRange(min = 1, max = 2000) int maxLiteral,
                                @ForAll long seed) {
        byte[] target = assemble(basis, pieces);
        Transfer.run(basis, target, blockSize, maxLiteral, seed, "jqwik");
    }

    /** Bytes of random content, of a 1..4 letter alphabet (many equal blocks), or zeros. */
    @Provide
    Arbitrary<byte[]> contents() {
        Arbitrary<Byte> anyByte = Arbitraries.bytes();
        Arbitrary<Byte> fewLetters = Arbitraries.of((byte) 'a', (byte) 'b', (byte) 'c', (byte) 0);
        return Arbitraries.oneOf(anyByte.array(byte[].class).ofMaxSize(4000),
                fewLetters.array(byte[].class).ofMaxSize(4000), Arbitraries.just((byte) 0).array(byte[].class).ofMaxSize(4000));
    }

    /** A target piece: {@code length} basis bytes from {@code offset} (wrapped), or new bytes. */
    record Piece(int offset, int length, byte[] fresh) {
    }

    @Provide
    Arbitrary<List<Piece>> pieces() {
        Arbitrary<Piece> copied = Combinators.combine(Arbitraries.integers().between(0, 4000),
                Arbitraries.integers().between(0, 1500)).as((off, len) -> new Piece(off, len, null));
        Arbitrary<Piece> fresh = Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(b -> new Piece(0, 0, b));
        return Arbitraries.frequencyOf(
                Tuple.of(3, copied), Tuple.of(1, fresh)).list().ofMaxSize(8);
    }

    private static byte[] assemble(byte[] basis, List<Piece> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Piece p : pieces) {
            if (p.fresh() != null) {
                out.writeBytes(p.fresh());
            } else if (basis.length > 0) {
                int off = p.offset() % basis.length;
                out.write(basis, off, Math.min(p.length(), basis.length - off));
            }
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ hostile op lists

    @Property(tries = 500)
    void aPatchNeverReadsOutsideItsBasisNorWritesPastItsLimit(
            @ForAll @Size(max = 600) byte[] basis, @ForAll @IntRange(min = 1, max = 64) int blockSize,
            @ForAll("limits") long limit, @ForAll("ops") List<DeltaOp> ops) throws IOException {
        long blocks = Signature.blockCount(basis.length, blockSize);
        BoundsCheckingBasis reader = new BoundsCheckingBasis(basis);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeltaPatcher patcher = new DeltaPatcher(blockSize, basis.length, reader, out).limitTo(limit);
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        for (DeltaOp op : ops) {
            byte[] expected = modelOf(op, basis, blockSize, blocks);
            boolean accepted = expected != null && expected.length <= limit - model.size();
            try {
                op.replay(patcher);
                if (!accepted) {
                    fail(op + " accepted: basis " + basis.length + " bytes in " + blocks + " blocks of " + blockSize
                            + ", " + model.size() + " of " + limit + " bytes written");
                }
                model.writeBytes(expected);
            } catch (DeltaException e) {
                if (accepted) {
                    fail(op + " refused: " + e.getMessage());
                }
            }
            assertArrayEquals(model.toByteArray(), out.toByteArray(), "output after " + op);
        }
        assertEquals(model.size(), patcher.finish().length());
        assertTrue(model.size() <= limit, "wrote " + model.size() + " bytes, limit " + limit);
        assertTrue(reader.violations.isEmpty(), "reads outside the basis: " + reader.violations);
    }

    /** What the op appends to a patch of {@code basis}, or null when it lies outside the basis. */
    private static byte[] modelOf(DeltaOp op, byte[] basis, int blockSize, long blocks) {
        if (op instanceof DeltaOp.Literal literal) {
            return literal.bytes();
        }
        DeltaOp.Copy copy = (DeltaOp.Copy) op;
        if (copy.firstBlock() >= blocks || copy.blockCount() > blocks - copy.firstBlock()) {
            return null;
        }
        int from = (int) copy.firstBlock() * blockSize;
        int to = (int) Math.min((long) (copy.firstBlock() + copy.blockCount()) * blockSize, basis.length);
        return java.util.Arrays.copyOfRange(basis, from, to);
    }

    @Provide
    Arbitrary<Long> limits() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 2000), Arbitraries.just(Long.MAX_VALUE));
    }

    /** Copies near and far beyond the end of the basis, counts up to 2^31-1, and literals. */
    @Provide
    Arbitrary<List<DeltaOp>> ops() {
        Arbitrary<Long> first = Arbitraries.oneOf(Arbitraries.longs().between(0, 700),
                Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.of(Long.MAX_VALUE, Long.MAX_VALUE / 64));
        Arbitrary<Integer> count = Arbitraries.oneOf(Arbitraries.integers().between(1, 40),
                Arbitraries.integers().between(1, Integer.MAX_VALUE), Arbitraries.just(Integer.MAX_VALUE));
        Arbitrary<DeltaOp> copy = Combinators.combine(first, count).as(DeltaOp.Copy::new);
        Arbitrary<DeltaOp> literal = Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(DeltaOp.Literal::new);
        return Arbitraries.oneOf(copy, literal).list().ofMaxSize(12);
    }

    /** A basis that records every read that reaches past its end or starts before it. */
    private static final class BoundsCheckingBasis implements BasisReader {
        private final byte[] data;
        final List<String> violations = new java.util.ArrayList<>();

        BoundsCheckingBasis(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(long offset, byte[] buf, int off, int len) {
            if (offset < 0 || len < 1 || offset + len > data.length) {
                violations.add("read(" + offset + ", len=" + len + ")");
                return -1;
            }
            System.arraycopy(data, (int) offset, buf, off, len);
            return len;
        }
    }
}
