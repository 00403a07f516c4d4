package io.syncnode.protocol.delta;

import java.io.InputStream;
import java.util.SplittableRandom;

/** An in-memory stream whose reads return random short counts, as sockets and pipes do. */
final class ChoppyInputStream extends InputStream {
    private final byte[] data;
    private final SplittableRandom random;
    private final int maxChunk;
    private int pos;

    ChoppyInputStream(byte[] data, long seed, int maxChunk) {
        this.data = data;
        this.random = new SplittableRandom(seed);
        this.maxChunk = maxChunk;
    }

    @Override
    public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (pos >= data.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, 1 + random.nextInt(maxChunk)), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }
}
