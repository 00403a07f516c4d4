package io.syncnode.protocol.delta;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ranges of a {@link BasisReader} read one after the other as a stream: a run of a target
 * ({@link SegmentMatch#encode}), or the basis segments a source asked for (their signature).
 * A range that ends early (the file got shorter) is an {@link IOException} naming where.
 */
public final class RangeStream extends InputStream {
    private final BasisReader reader;
    private final long[] starts;
    private final long[] ends;
    private int range;
    private long pos;

    /** Ranges {@code [starts[i], ends[i])} in order; the arrays are not copied. */
    public RangeStream(BasisReader reader, long[] starts, long[] ends) {
        if (starts.length != ends.length) {
            throw new IllegalArgumentException(starts.length + " starts and " + ends.length + " ends");
        }
        this.reader = reader;
        this.starts = starts;
        this.ends = ends;
        this.pos = starts.length == 0 ? 0 : starts[0];
    }

    /** The one range {@code [from, to)}. */
    public RangeStream(BasisReader reader, long from, long to) {
        this(reader, new long[] {from}, new long[] {to});
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (range < starts.length && pos >= ends[range]) {
            range++;
            if (range < starts.length) {
                pos = starts[range];
            }
        }
        if (range == starts.length) {
            return -1;
        }
        int n = reader.read(pos, b, off, (int) Math.min(len, ends[range] - pos));
        if (n <= 0) {
            throw new IOException("ended at offset " + pos + ", before " + ends[range]
                    + ": the file is shorter than when it was measured");
        }
        pos += n;
        return n;
    }
}
