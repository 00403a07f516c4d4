package io.syncnode.node.control;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One exchange on a node's control socket, as text: connect, send one request line, read the one
 * answer line (see {@link ControlServer} for the protocol). No JSON of its own, so that a client
 * that renders nothing ({@code status}'s quick path) starts without a JSON binding; every failure
 * is an {@link IOException} whose message is ready for the operator. Stateless; thread-safe.
 */
public final class ControlLine {
    private static final int MAX_ANSWER_BYTES = 64 << 20;

    private ControlLine() {
    }

    /**
     * Sends {@code request} (one line of JSON) and returns the answer line.
     *
     * @param verb    the request's verb, for messages
     * @param timeout how long to wait for the whole answer
     * @throws SocketTimeoutException no answer within {@code timeout}
     * @throws IOException            no node runs on {@code socket} ("no node is running for this
     *                                config: ..."), or the connection failed or closed unanswered
     */
    public static String exchange(Path socket, String request, String verb, Duration timeout) throws IOException {
        try (SocketChannel channel = connect(socket);
             LineChannel line = new LineChannel(channel)) {
            line.writeLine(request, timeout);
            String answer;
            try {
                answer = line.readLine(timeout, MAX_ANSWER_BYTES);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("the node did not answer '" + verb + "' within " + timeout.toMillis()
                        + " ms (control socket " + socket + ")");
            }
            if (answer == null) {
                throw new IOException("the node closed the control connection without answering (" + socket
                        + "); is it shutting down?");
            }
            return answer;
        }
    }

    private static SocketChannel connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw explain(socket, e);
        }
    }

    /** An operator-ready failure; the first two cases say all the cause says, so they drop it. */
    private static IOException explain(Path socket, IOException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("permission denied") || message.contains("access denied")) {
            return new IOException("cannot connect to " + socket + ": permission denied; the control socket is"
                    + " owner-only: run this as the user that runs the node");
        }
        if (!Files.exists(socket) || message.contains("refused") || message.contains("no such file")) {
            return new IOException("no node is running for this config: cannot connect to " + socket
                    + ": start it with `syncnode run -c FILE`");
        }
        return new IOException("cannot connect to " + socket + ": " + e.getMessage(), e);
    }
}
