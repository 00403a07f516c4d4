package io.syncnode.protocol.delta.bench;

import io.syncnode.protocol.delta.BasisReader;
import io.syncnode.protocol.delta.BlockSize;
import io.syncnode.protocol.delta.DeltaEncoder;
import io.syncnode.protocol.delta.DeltaOp;
import io.syncnode.protocol.delta.DeltaPatcher;
import io.syncnode.protocol.delta.DeltaSink;
import io.syncnode.protocol.delta.DeltaSummary;
import io.syncnode.protocol.delta.PatchedFile;
import io.syncnode.protocol.delta.SegmentMatch;
import io.syncnode.protocol.delta.SegmentSums;
import io.syncnode.protocol.delta.Signature;
import io.syncnode.protocol.delta.SignatureBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Delta transfer benchmark on a 256 MiB random basis held in memory: (a) 1 MiB overwritten in the
 * middle, (b) 4 KiB appended. Prints signature, literal and estimated wire bytes, op counts, and
 * signature, encode and patch throughput; then the same for the segmented delta a node uses for a
 * basis of 4 MiB or more (PROTOCOL.md 5.6).
 *
 * <p>Not a JUnit test, so it never runs in the build. Run it after a reactor build:
 * <pre>
 * cd /work/wt/delta &amp;&amp; mvn -B -o -q -pl protocol -am test-compile
 * java -Xmx2g -cp protocol/target/classes:protocol/target/test-classes \
 *     io.syncnode.protocol.delta.bench.DeltaBench [DIR]
 * </pre>
 * With {@code DIR}, it also writes {@code basis}, {@code overwrite} and {@code append} there, to
 * compare with {@code rsync --no-whole-file --stats} on the same change. Seeds are fixed.
 *
 * <p>Measured on the 2-core build box (shared with other builds), JDK 17, 8-byte strong sums:
 * signature 16384 blocks of 16 KiB, 196,608 bytes raw, 196,628 as the packed protobuf
 * {@code BlockSignature}; (a) literal 1,064,960 bytes (1 MiB + 1 block) in 17 ops + 2 copies, wire
 * about 1,261,775 bytes, encode 595-610 MB/s, patch 1,439-1,565 MB/s; (b) literal 4,096 bytes,
 * wire about 200,772 bytes. rsync 3.2.7 ({@code -a -I --no-whole-file}, same files): the same
 * literal bytes, total sent + received 1,245,329 for (a) (ours: 1.013 x) and 184,466 for (b)
 * (ours: 1.088 x); the rest of the difference is its smaller signature (about 3 strong bytes per
 * block instead of our 8, see {@code StrongChecksum}).
 */
public final class DeltaBench {
    private static final int MIB = 1 << 20;
    private static final int ROUNDS = 3;

    private DeltaBench() {
    }

    public static void main(String[] args) throws IOException {
        byte[] basis = random(256 * MIB, 1);
        byte[] overwrite = basis.clone();
        System.arraycopy(random(MIB, 2), 0, overwrite, 128 * MIB + 4321, MIB);
        byte[] append = Arrays.copyOf(basis, basis.length + 4096);
        System.arraycopy(random(4096, 3), 0, append, basis.length, 4096);
        if (args.length > 0) {
            Path dir = Path.of(args[0]);
            Files.write(dir.resolve("basis"), basis);
            Files.write(dir.resolve("overwrite"), overwrite);
            Files.write(dir.resolve("append"), append);
        }

        long start = System.nanoTime();
        Signature signature = SignatureBuilder.forLength(basis.length).build(new ByteArrayInputStream(basis));
        double signatureSeconds = seconds(start);
        long rawSignature = (long) signature.blockCount() * (4 + Signature.STRONG_LENGTH);
        System.out.printf("basis %d bytes, block size %d, %d blocks%n", basis.length, signature.blockSize(),
                signature.blockCount());
        System.out.printf("signature: %d bytes raw (4 + %d per block), %d bytes as protobuf; built at %.0f MB/s%n",
                rawSignature, Signature.STRONG_LENGTH, protobufSize(signature), mbps(basis.length, signatureSeconds));

        run("(a) 1 MiB overwritten in the middle", signature, basis, overwrite);
        run("(b) 4 KiB appended", signature, basis, append);
    }

    private static void run(String name, Signature signature, byte[] basis, byte[] target) throws IOException {
        DeltaEncoder encoder = new DeltaEncoder(signature);
        double bestEncode = Double.MAX_VALUE;
        double bestPatch = Double.MAX_VALUE;
        DeltaSummary summary = null;
        List<DeltaOp> ops = null;
        for (int round = 0; round < ROUNDS; round++) {
            Recorder recorder = new Recorder();
            long start = System.nanoTime();
            summary = encoder.encode(new ByteArrayInputStream(target), recorder);
            bestEncode = Math.min(bestEncode, seconds(start));
            ops = recorder.ops;

            start = System.nanoTime();
            DeltaPatcher patcher = new DeltaPatcher(signature, new MemoryBasis(basis), OutputStream.nullOutputStream());
            for (DeltaOp op : ops) {
                op.replay(patcher);
            }
            PatchedFile patched = patcher.finish();
            bestPatch = Math.min(bestPatch, seconds(start));
            if (!patched.hash().equals(summary.targetHash()) || patched.length() != target.length) {
                throw new IllegalStateException(name + ": patched file differs from the target");
            }
        }
        long opBytes = ops.stream().mapToLong(DeltaBench::protobufSize).sum();
        long wire = protobufSize(signature) + opBytes + 32;
        System.out.printf("%s%n  target %d bytes; literal %d bytes in %d ops, copied %d bytes in %d ops (%d ops)%n",
                name, summary.targetLength(), summary.literalBytes(), summary.literalOps(), summary.copiedBytes(),
                summary.copyOps(), summary.ops());
        System.out.printf("  wire estimate: signature %d + ops %d + hash 32 = %d bytes (%.3f %% of the file)%n",
                protobufSize(signature), opBytes, wire, 100.0 * wire / target.length);
        System.out.printf("  encode %.0f MB/s, patch %.0f MB/s (best of %d)%n",
                mbps(target.length, bestEncode), mbps(target.length, bestPatch), ROUNDS);
        segmented(basis, target);
    }

    /**
     * The same change as a node sends it for a basis of 4 MiB or more (PROTOCOL.md 5.6): segment
     * sums, the bitmap of the segments the source needs, their block signature, the ops.
     */
    private static void segmented(byte[] basis, byte[] target) throws IOException {
        long start = System.nanoTime();
        SegmentSums sums = SegmentSums.build(new ByteArrayInputStream(basis), BlockSize.forLength(basis.length),
                SegmentSums.SEGMENT_BLOCKS);
        double sumSeconds = seconds(start);
        start = System.nanoTime();
        SegmentMatch match = SegmentMatch.compare(sums, new ByteArrayInputStream(target));
        double compareSeconds = seconds(start);
        java.util.BitSet needed = match.needed();
        java.io.ByteArrayOutputStream neededBytes = new java.io.ByteArrayOutputStream();
        for (int i = needed.nextSetBit(0); i >= 0; i = needed.nextSetBit(i + 1)) {
            neededBytes.write(basis, (int) (i * sums.segmentSize()), (int) sums.segmentLength(i));
        }
        Signature signed = new SignatureBuilder(sums.blockSize()).build(new ByteArrayInputStream(neededBytes.toByteArray()));
        Recorder recorder = new Recorder();
        start = System.nanoTime();
        DeltaSummary summary = match.encode(needed, signed, new MemoryBasis(target), recorder);
        double encodeSeconds = seconds(start);
        DeltaPatcher patcher = new DeltaPatcher(sums.blockSize(), basis.length, new MemoryBasis(basis),
                OutputStream.nullOutputStream());
        for (DeltaOp op : recorder.ops) {
            op.replay(patcher);
        }
        PatchedFile patched = patcher.finish();
        if (patched.length() != target.length || !Arrays.equals(patched.hash().toBytes(), sha256(target))) {
            throw new IllegalStateException("segmented: patched file differs from the target");
        }
        long sumBytes = 1 + varint(sums.blockSize()) + 1 + varint(sums.segmentBlocks()) + 1 + varint(basis.length)
                + 1 + varint(sums.sums().length) + sums.sums().length;
        long needBytes = needed.isEmpty() ? 0 : 1 + varint(needed.toByteArray().length) + needed.toByteArray().length;
        long signatureBytes = needed.isEmpty() ? 0 : protobufSize(signed);
        long opBytes = recorder.ops.stream().mapToLong(DeltaBench::protobufSize).sum();
        long wire = sumBytes + needBytes + signatureBytes + opBytes + 32;
        System.out.printf("  segmented: %d segments of %d bytes, %d needed; literal %d bytes%n", sums.segmentCount(),
                sums.segmentSize(), needed.cardinality(), summary.literalBytes());
        System.out.printf("  segmented wire estimate: sums %d + need %d + block signature %d + ops %d + hash 32 = %d bytes"
                + "%n", sumBytes, needBytes, signatureBytes, opBytes, wire);
        System.out.printf("  segmented: sums %.0f MB/s, compare %.0f MB/s, encode %.0f MB/s%n",
                mbps(basis.length, sumSeconds), mbps(target.length, compareSeconds), mbps(target.length, encodeSeconds));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Bytes of the {@code BlockSignature} message as sent: block size, file size, a packed
     * {@code repeated fixed32 weak} (4 bytes a block), one {@code bytes strong} (8 bytes a block) and
     * the strong length.
     */
    private static long protobufSize(Signature signature) {
        long blocks = signature.blockCount();
        long size = 1 + varint(signature.blockSize()) + 1 + varint(signature.fileLength()) + 2;
        if (blocks > 0) {
            size += 1 + varint(4 * blocks) + 4 * blocks;
            size += 1 + varint(blocks * Signature.STRONG_LENGTH) + blocks * Signature.STRONG_LENGTH;
        }
        return size;
    }

    /** Bytes of one {@code DeltaOp} inside a {@code repeated DeltaOp ops} field. */
    private static long protobufSize(DeltaOp op) {
        long body;
        if (op instanceof DeltaOp.Literal literal) {
            body = 1 + varint(literal.length()) + literal.length();
        } else {
            DeltaOp.Copy copy = (DeltaOp.Copy) op;
            long inner = 1 + varint(copy.firstBlock()) + 1 + varint(copy.blockCount());
            body = 1 + varint(inner) + inner;
        }
        return 1 + varint(body) + body;
    }

    private static int varint(long value) {
        int n = 1;
        while ((value >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double mbps(long bytes, double seconds) {
        return bytes / 1e6 / seconds;
    }

    private static final class Recorder implements DeltaSink {
        final List<DeltaOp> ops = new ArrayList<>();

        @Override
        public void literal(byte[] buf, int off, int len) {
            ops.add(DeltaOp.Literal.of(buf, off, len));
        }

        @Override
        public void copy(long firstBlock, int blockCount) {
            ops.add(new DeltaOp.Copy(firstBlock, blockCount));
        }
    }

    private record MemoryBasis(byte[] data) implements BasisReader {
        @Override
        public int read(long offset, byte[] buf, int off, int len) {
            if (offset >= data.length) {
                return -1;
            }
            int n = (int) Math.min(len, data.length - offset);
            System.arraycopy(data, (int) offset, buf, off, n);
            return n;
        }
    }
}
