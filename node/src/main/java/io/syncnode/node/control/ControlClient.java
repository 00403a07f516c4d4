package io.syncnode.node.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Sends one request to a node's control socket and returns the result (see {@link ControlServer}
 * for the protocol). Every failure is an {@link IOException} whose message is ready for the
 * operator.
 */
public final class ControlClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER_BYTES = 64 << 20;

    private ControlClient() {
    }

    /**
     * Sends {@code request} and returns the {@code result} of an {@code ok:true} answer.
     *
     * @param timeout how long to wait for the whole answer
     * @throws ControlRefusedException the node answered {@code ok:false}; the message is its error
     * @throws SocketTimeoutException  no answer within {@code timeout}
     * @throws IOException             no node runs on {@code socket} ("no node is running for this
     *                                 config: ..."), or the connection failed
     */
    public static JsonNode call(Path socket, ObjectNode request, Duration timeout) throws IOException {
        try (SocketChannel channel = connect(socket);
             LineChannel line = new LineChannel(channel)) {
            line.writeLine(JSON.writeValueAsString(request), timeout);
            String answer;
            try {
                answer = line.readLine(timeout, MAX_ANSWER_BYTES);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("the node did not answer '" + request.path("verb").asText()
                        + "' within " + timeout.toMillis() + " ms (control socket " + socket + ")");
            }
            if (answer == null) {
                throw new IOException("the node closed the control connection without answering (" + socket
                        + "); is it shutting down?");
            }
            return result(answer, socket);
        }
    }

    private static JsonNode result(String answer, Path socket) throws IOException {
        JsonNode response;
        try {
            response = JSON.readTree(answer);
        } catch (JsonProcessingException e) {
            throw new IOException("the node on " + socket + " sent an answer that is not JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (response == null || !response.isObject() || !response.path("ok").isBoolean()) {
            throw new IOException("the node on " + socket + " sent an answer without \"ok\"");
        }
        if (!response.get("ok").asBoolean()) {
            throw new ControlRefusedException(response.path("error").asText("the node refused the request"));
        }
        return response.path("result");
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
