package io.syncnode.node.fetch;

import io.syncnode.protocol.delta.BasisReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The receiver's basis for a delta: one or more local files read as if concatenated (the partial
 * result of an interrupted transfer first, then the old version at the path), opened once and
 * read by position. Lengths are fixed at open: a file that grows later is read only up to them.
 * Each file is opened by the caller's {@link Opener}: for a folder, confined beneath its root
 * ({@link io.syncnode.node.os.ConfinedReads}), so a directory swapped for a symlink cannot make
 * a file outside the folder the basis (whose blocks the patcher copies into the new file).
 */
final class ConcatBasis implements BasisReader, AutoCloseable {
    private final List<FileChannel> channels = new ArrayList<>();
    private final long[] starts;
    private final long total;

    /** Opens one basis file for reading. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    ConcatBasis(List<Path> files, Opener opener) throws IOException {
        starts = new long[files.size() + 1];
        long at = 0;
        try {
            for (int i = 0; i < files.size(); i++) {
                FileChannel ch = opener.open(files.get(i));
                channels.add(ch);
                starts[i] = at;
                at += ch.size();
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        starts[files.size()] = at;
        total = at;
    }

    long length() {
        return total;
    }

    /** The whole basis as one stream (for its signature). */
    InputStream stream() {
        List<InputStream> parts = new ArrayList<>();
        for (int i = 0; i < channels.size(); i++) {
            parts.add(new BoundedChannelStream(channels.get(i), starts[i + 1] - starts[i]));
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    @Override
    public int read(long offset, byte[] buf, int off, int len) throws IOException {
        if (offset >= total) {
            return -1;
        }
        int done = 0;
        while (done < len && offset + done < total) {
            long pos = offset + done;
            int i = 0;
            while (starts[i + 1] <= pos) {
                i++;
            }
            long inFile = pos - starts[i];
            int want = (int) Math.min(len - done, starts[i + 1] - pos);
            int n = channels.get(i).read(ByteBuffer.wrap(buf, off + done, want), inFile);
            if (n <= 0) {
                break;
            }
            done += n;
        }
        return done == 0 ? -1 : done;
    }

    @Override
    public void close() {
        for (FileChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only channel: nothing to lose
            }
        }
    }

    /** Reads a channel from 0 to a fixed length by position, leaving the channel's own position alone. */
    private static final class BoundedChannelStream extends InputStream {
        private final FileChannel ch;
        private final long end;
        private long pos;

        BoundedChannelStream(FileChannel ch, long end) {
            this.ch = ch;
            this.end = end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= end) {
                return -1;
            }
            int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
            if (n <= 0) {
                return -1;
            }
            pos += n;
            return n;
        }
    }

}
