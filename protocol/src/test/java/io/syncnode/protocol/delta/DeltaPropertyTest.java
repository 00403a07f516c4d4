package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the delta engine, each checked for a few hundred generated cases (reproducible from
 * the seed every message names). (1) For any basis, any target made of pieces of the basis and new
 * bytes, any block size and any literal limit, {@code patch(basis, delta(signature(basis), target))
 * == target} ({@link Transfer} checks the hashes, lengths and op shapes as well). (2) A patch built
 * from <em>any</em> list of operations, hostile ones included, never reads outside its basis and
 * never writes past {@link DeltaPatcher#limitTo}: each operation either appends exactly what a plain
 * model of the patch says, or is refused with a {@link DeltaException} that leaves the output as it
 * was; no other exception, no read beyond the basis's last byte. DeltaRoundTripTest keeps the
 * seeded cases aimed at known worst cases (shifts, repeats).
 */
class DeltaPropertyTest {

    static LongStream roundTripSeeds() {
        return LongStream.range(0, 300).map(i -> 0x6a09e667L * (i + 1));
    }

    static LongStream hostileSeeds() {
        return LongStream.range(0, 500).map(i -> 0xbb67ae85L * (i + 1));
    }

    // ------------------------------------------------------------------ round trip

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("roundTripSeeds")
    void patchRebuildsTheTarget(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] basis = content(r, r.nextInt(4001));
        byte[] target = pieces(r, basis);
        int blockSize = 1 + r.nextInt(r.nextBoolean() ? 16 : 300);
        int maxLiteral = 1 + r.nextInt(r.nextBoolean() ? 8 : 2000);
        Transfer.run(basis, target, blockSize, maxLiteral, seed, "generated");
    }

    /** Random bytes, bytes of a 1..4 letter alphabet (many equal blocks), or zeros. */
    private static byte[] content(SplittableRandom r, int length) {
        byte[] data = new byte[length];
        switch (r.nextInt(3)) {
            case 0 -> r.nextBytes(data);
            case 1 -> {
                int letters = 1 + r.nextInt(4);
                for (int i = 0; i < length; i++) {
                    data[i] = (byte) ('a' + r.nextInt(letters));
                }
            }
            default -> { }
        }
        return data;
    }

    /** Up to 8 pieces: a run of basis bytes (anywhere, any length) or up to 300 new bytes. */
    private static byte[] pieces(SplittableRandom r, byte[] basis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int n = r.nextInt(9); n > 0; n--) {
            if (basis.length > 0 && r.nextInt(4) > 0) {
                int off = r.nextInt(basis.length);
                out.write(basis, off, Math.min(r.nextInt(1501), basis.length - off));
            } else {
                out.writeBytes(content(r, r.nextInt(301)));
            }
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ hostile op lists

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("hostileSeeds")
    void aPatchNeverReadsOutsideItsBasisNorWritesPastItsLimit(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] basis = content(r, r.nextInt(601));
        int blockSize = 1 + r.nextInt(64);
        long limit = r.nextInt(4) == 0 ? Long.MAX_VALUE : r.nextLong(2001);
        long blocks = Signature.blockCount(basis.length, blockSize);
        List<DeltaOp> ops = ops(r, blocks);
        String context = "seed=" + seed + " basis " + basis.length + " bytes in blocks of " + blockSize + ", limit "
                + limit;

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
                    fail(op + " accepted after " + model.size() + " bytes: " + context);
                }
                model.writeBytes(expected);
            } catch (DeltaException e) {
                if (accepted) {
                    fail(op + " refused: " + e.getMessage() + ": " + context);
                }
            }
            assertArrayEquals(model.toByteArray(), out.toByteArray(), "output after " + op + ": " + context);
        }
        assertEquals(model.size(), patcher.finish().length(), context);
        assertTrue(model.size() <= limit, "wrote " + model.size() + " bytes: " + context);
        assertTrue(reader.violations.isEmpty(), "reads outside the basis: " + reader.violations + ": " + context);
    }

    /**
     * Up to 12 literals and copies: copies that end just before, at or just after the last of the
     * basis's {@code blocks}, anywhere up to 700, and far beyond (counts up to 2^31-1).
     */
    private static List<DeltaOp> ops(SplittableRandom r, long blocks) {
        List<DeltaOp> ops = new ArrayList<>();
        for (int n = r.nextInt(13); n > 0; n--) {
            if (r.nextBoolean()) {
                byte[] literal = new byte[r.nextInt(201)];
                r.nextBytes(literal);
                ops.add(new DeltaOp.Literal(literal));
                continue;
            }
            if (r.nextBoolean()) {
                int count = 1 + r.nextInt(3);
                ops.add(new DeltaOp.Copy(Math.max(0, blocks - count + r.nextInt(3) - 1), count));
                continue;
            }
            long first = switch (r.nextInt(3)) {
                case 0 -> r.nextLong(701);
                case 1 -> r.nextLong(Long.MAX_VALUE);
                default -> r.nextBoolean() ? Long.MAX_VALUE : Long.MAX_VALUE / 64;
            };
            int count = switch (r.nextInt(3)) {
                case 0 -> 1 + r.nextInt(40);
                case 1 -> 1 + r.nextInt(Integer.MAX_VALUE);
                default -> Integer.MAX_VALUE;
            };
            ops.add(new DeltaOp.Copy(first, count));
        }
        return ops;
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
        int to = (int) Math.min((copy.firstBlock() + copy.blockCount()) * blockSize, basis.length);
        return Arrays.copyOfRange(basis, from, to);
    }

    /** A basis that records every read that reaches past its end or starts before it. */
    private static final class BoundsCheckingBasis implements BasisReader {
        private final byte[] data;
        final List<String> violations = new ArrayList<>();

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
