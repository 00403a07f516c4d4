package io.syncnode.it.bench.micro;

import io.syncnode.protocol.delta.BasisReader;
import io.syncnode.protocol.delta.DeltaOp;
import io.syncnode.protocol.delta.DeltaSink;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Inputs and sinks shared by the micro-benchmarks. */
final class MicroData {
    static final int MIB = 1 << 20;

    private MicroData() {
    }

    /** {@code length} random bytes from {@code seed}: the same bytes on every run. */
    static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    /** Counts what a delta holds, so the encoder's output is consumed but not kept. */
    static final class CountingSink implements DeltaSink {
        long literalBytes;
        long copiedBlocks;

        @Override
        public void literal(byte[] buf, int off, int len) {
            literalBytes += len;
        }

        @Override
        public void copy(long firstBlock, int blockCount) {
            copiedBlocks += blockCount;
        }
    }

    /** Keeps a delta's operations, to replay them into a patcher. */
    static final class Recorder implements DeltaSink {
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

    /** A basis held in memory. */
    record MemoryBasis(byte[] data) implements BasisReader {
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
