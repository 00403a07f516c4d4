package io.syncnode.protocol.delta;

/** A basis held in memory; reads at most {@code maxRead} bytes per call to exercise short reads. */
final class ArrayBasis implements BasisReader {
    private final byte[] data;
    private final int maxRead;

    ArrayBasis(byte[] data) {
        this(data, Integer.MAX_VALUE);
    }

    ArrayBasis(byte[] data, int maxRead) {
        this.data = data;
        this.maxRead = maxRead;
    }

    @Override
    public int read(long offset, byte[] buf, int off, int len) {
        if (offset >= data.length) {
            return -1;
        }
        int n = (int) Math.min(Math.min(len, maxRead), data.length - offset);
        System.arraycopy(data, (int) offset, buf, off, n);
        return n;
    }
}
