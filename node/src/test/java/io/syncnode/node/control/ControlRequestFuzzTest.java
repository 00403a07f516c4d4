package io.syncnode.node.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Coverage-guided fuzz target (Jazzer) for the control socket's request parsing and dispatch,
 * {@link ControlServer#answer}, with a {@link FakeControlHandler} behind it: any request line gets
 * {@code {"ok": true, "result": ...}} or {@code {"ok": false, "error": ...}}, never an exception
 * that escaped the parser into the server's catch-all ("the node failed to answer", which is for
 * failures inside the node), and the answer serializes as {@code serve} writes it. The socket is
 * never bound: only the parsing and dispatch run.
 *
 * <p>Under {@code mvn test} this replays the corpus in
 * {@code src/test/resources/io/syncnode/node/control/ControlRequestFuzzTestInputs/answer/}: one
 * request line per file (every verb, and malformed ones). To fuzz:
 * {@code scripts/fuzz control [SECONDS]} (README, "Property tests and fuzzing").
 */
class ControlRequestFuzzTest {
    private static final FakeControlHandler HANDLER = new FakeControlHandler();
    private static final ControlServer SERVER = new ControlServer(Path.of("control-fuzz.sock"), HANDLER);
    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "10m")
    void answer(byte[] line) throws JsonProcessingException {
        // as LineChannel.readLine hands the line over
        String request = new String(line, StandardCharsets.UTF_8);
        ObjectNode answer;
        try {
            answer = SERVER.answer(request);
        } finally {
            // the fake remembers every call: keep one input from slowing down the next
            HANDLER.calls.clear();
            HANDLER.paused.clear();
        }
        JsonNode ok = answer.get("ok");
        assertTrue(ok != null && ok.isBoolean(), "no ok: " + answer);
        if (ok.booleanValue()) {
            assertNotNull(answer.get("result"), "ok without a result: " + answer);
        } else {
            JsonNode error = answer.get("error");
            assertTrue(error != null && error.isTextual() && !error.asText().isEmpty(), "no error: " + answer);
            assertFalse(error.asText().startsWith("the node failed to answer"),
                    "an exception escaped the request parsing: " + error.asText());
        }
        JSON.writeValueAsString(answer);
    }
}
