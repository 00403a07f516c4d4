package io.syncnode.node.os;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes a file's content so that runs of zeros become holes, as {@code rsync -S} does: the
 * content is cut in {@value #BLOCK}-byte blocks at file offsets that are multiples of the block
 * size; an all-zero block is skipped (the channel's position moves past it), any other block is
 * written. {@link #flush} also writes the file's last byte if the content ends in a hole, so the
 * length is right. A sparse source therefore keeps its holes on the replica, and a file written
 * with zeros becomes sparse (the bytes read back are the same).
 *
 * <p>The channel must be empty and positioned at 0; not thread-safe.
 */
public final class SparseOutput extends OutputStream {
    /** The hole granularity: a file system block. */
    static final int BLOCK = 4096;
    private static final int BUFFER = 64 * 1024;
    private static final byte[] ZEROS = new byte[BLOCK];

    private final FileChannel channel;
    private final byte[] buf = new byte[BUFFER];
    private int filled;
    /** File offset of buf[0]. */
    private long offset;
    /** The last block handled was skipped as a hole (the file is shorter than the content so far). */
    private boolean endsInHole;

    public SparseOutput(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == buf.length) {
            drain(false);
        }
        buf[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (filled == buf.length) {
                drain(false);
            }
            int n = Math.min(len, buf.length - filled);
            System.arraycopy(b, off, buf, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Writes what is buffered (a partial last block too) and, if the content so far ends in a hole,
     * its last byte, so the file has its full length. Call it once at the end.
     */
    @Override
    public void flush() throws IOException {
        drain(true);
        if (endsInHole) {
            channel.write(ByteBuffer.wrap(new byte[1]), offset - 1); // a 1-byte positional write completes
            endsInHole = false;
        }
    }

    /**
     * Writes the whole blocks of the buffer (and, when {@code all}, the rest), skipping zero
     * blocks; consecutive data blocks go out in one write.
     */
    private void drain(boolean all) throws IOException {
        int pos = 0;
        int runStart = -1; // start of the pending run of data blocks
        while (pos < filled) {
            // blocks end at file offsets that are multiples of BLOCK
            int len = (int) Math.min(filled - pos, BLOCK - (offset + pos) % BLOCK);
            if (len < BLOCK - (offset + pos) % BLOCK && !all) {
                break; // an incomplete block: wait for more bytes
            }
            if (isZero(pos, len)) {
                if (runStart >= 0) {
                    writeFully(runStart, pos);
                    runStart = -1;
                }
                endsInHole = true;
            } else {
                if (runStart < 0) {
                    runStart = pos;
                }
                endsInHole = false;
            }
            pos += len;
        }
        if (runStart >= 0) {
            writeFully(runStart, pos);
        }
        System.arraycopy(buf, pos, buf, 0, filled - pos);
        offset += pos;
        filled -= pos;
    }

    private void writeFully(int from, int to) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf, from, to - from);
        long at = offset + from;
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
    }

    private boolean isZero(int from, int len) {
        return java.util.Arrays.mismatch(buf, from, from + len, ZEROS, 0, len) < 0; // vectorised
    }

    /** Flushes; the channel stays open (its owner closes it). */
    @Override
    public void close() throws IOException {
        flush();
    }
}
