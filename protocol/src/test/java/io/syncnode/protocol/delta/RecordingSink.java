package io.syncnode.protocol.delta;

import java.util.ArrayList;
import java.util.List;

/** A sink that keeps every operation as a {@link DeltaOp} value, as the wire layer would. */
final class RecordingSink implements DeltaSink {
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
