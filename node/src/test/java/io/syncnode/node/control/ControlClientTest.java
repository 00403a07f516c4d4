package io.syncnode.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlClientTest {
    @TempDir
    Path dir;

    @Test
    void missingSocketSaysNoNodeIsRunningAndHowToStartOne() {
        Path socket = dir.resolve("control.sock");
        IOException e = assertThrows(IOException.class, () -> ControlClient.call(socket,
                new ObjectMapper().createObjectNode().put("verb", "status"), Duration.ofSeconds(1)));
        assertEquals("no node is running for this config: cannot connect to " + socket
                + ": start it with `syncnode run -c FILE`", e.getMessage());
    }

    @Test
    void aNodeThatNeverAnswersTimesOut() throws IOException {
        Path socket = dir.resolve("control.sock");
        try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.bind(UnixDomainSocketAddress.of(socket)); // accepts in the backlog, never answers
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> ControlClient.call(socket,
                    new ObjectMapper().createObjectNode().put("verb", "sync"), Duration.ofMillis(200)));
            assertEquals("the node did not answer 'sync' within 200 ms (control socket " + socket + ")",
                    e.getMessage());
        }
    }
}
