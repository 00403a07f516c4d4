package io.syncnode.protocol.delta;

import java.io.IOException;

/**
 * Random read access to the receiver's basis file, implemented by the caller (over a
 * {@code FileChannel} in the node, over an array in tests).
 */
@FunctionalInterface
public interface BasisReader {
    /**
     * Reads up to {@code len} bytes at basis offset {@code offset} into {@code buf[off ..]}.
     *
     * @return the number of bytes read, at least 1 if {@code len > 0} and {@code offset} is before
     *     the end of the basis; -1 at or past the end
     */
    int read(long offset, byte[] buf, int off, int len) throws IOException;
}
