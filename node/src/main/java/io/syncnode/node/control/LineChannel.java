package io.syncnode.node.control;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One connected control-socket channel that exchanges newline-terminated UTF-8 lines under a
 * deadline. The channel is switched to non-blocking mode and waited on with its own selector, so
 * neither side can hang on a peer that stops talking, and {@link #close()} from another thread
 * wakes a waiting reader or writer. The protocol sends one line each way per connection, so
 * bytes after the first newline are not kept.
 *
 * <p>Not thread-safe: one thread reads and writes; any thread may close.
 */
final class LineChannel implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);

    LineChannel(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        this.key = channel.register(selector, 0);
    }

    /**
     * Reads up to the first newline (excluded). Returns null when the peer closed the connection
     * before sending anything; fails when the line is longer than {@code maxBytes}, the peer closes
     * mid-line, or {@code timeout} passes.
     */
    String readLine(Duration timeout, int maxBytes) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        interest(SelectionKey.OP_READ);
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed in the middle of a line");
            }
            for (int i = 0; i < n; i++) {
                byte b = buffer.get(i);
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            if (line.size() > maxBytes) {
                throw new IOException("line longer than " + maxBytes + " bytes");
            }
            if (n == 0) {
                await(deadline, timeout);
            } else if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("no complete line within " + timeout.toMillis() + " ms");
            }
        }
    }

    /** Writes {@code text} and a newline; {@code text} must not contain a newline. */
    void writeLine(String text, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer out = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        interest(SelectionKey.OP_WRITE);
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(deadline, timeout);
            }
        }
    }

    private void interest(int ops) throws IOException {
        try {
            key.interestOps(ops);
        } catch (CancelledKeyException e) {
            throw new AsynchronousCloseException();
        }
    }

    private void await(long deadline, Duration timeout) throws IOException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
        try {
            selector.select(Math.max(1, remaining / 1_000_000));
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw new AsynchronousCloseException();
        }
        if (!channel.isOpen()) {
            throw new AsynchronousCloseException();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
