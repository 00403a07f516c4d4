package io.syncnode.protocol.delta;

import java.io.IOException;

/**
 * Receives the operations of a delta, in order. Applying them in order to the basis yields the
 * target: each {@link #literal} appends bytes, each {@link #copy} appends basis blocks.
 *
 * <p>Implemented by the network layer (to batch operations into {@code FetchData} messages), by
 * {@link DeltaPatcher}, and by tests.
 */
public interface DeltaSink {
    /**
     * Appends {@code buf[off .. off+len-1]} to the target. The array belongs to the caller and is
     * reused after this returns: copy what must be kept.
     */
    void literal(byte[] buf, int off, int len) throws IOException;

    /** Appends basis blocks {@code firstBlock .. firstBlock+blockCount-1} to the target. */
    void copy(long firstBlock, int blockCount) throws IOException;
}
