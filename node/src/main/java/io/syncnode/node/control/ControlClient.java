package io.syncnode.node.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Sends one request to a node's control socket and returns the result (see {@link ControlServer}
 * for the protocol). Every failure is an {@link IOException} whose message is ready for the
 * operator.
 */
public final class ControlClient {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        return result(ControlLine.exchange(socket, JSON.writeValueAsString(request), request.path("verb").asText(),
                timeout), socket);
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
}
