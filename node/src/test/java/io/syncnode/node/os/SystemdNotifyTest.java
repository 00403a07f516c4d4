package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** sd_notify datagrams reach a real AF_UNIX datagram socket, by path and by abstract name. */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    @Test
    void aDatagramReachesASocketBoundToAPath() throws IOException {
        String path = dir.resolve("notify").toString();
        try (NotifySocket socket = NotifySocket.bind(path)) {
            SystemdNotify.to(path).send("READY=1\nSTATUS=joined");
            assertEquals("READY=1\nSTATUS=joined", socket.receive(Duration.ofSeconds(5)));
        }
    }

    @Test
    void aDatagramReachesAnAbstractSocket() throws IOException {
        String name = "@syncnode-test-" + UUID.randomUUID();
        try (NotifySocket socket = NotifySocket.bind(name)) {
            SystemdNotify notify = SystemdNotify.to(name);
            notify.send("STATUS=scanning ct101: é");
            notify.send("WATCHDOG=1");
            assertEquals("STATUS=scanning ct101: é", socket.receive(Duration.ofSeconds(5)));
            assertEquals("WATCHDOG=1", socket.receive(Duration.ofSeconds(5)));
        }
    }

    @Test
    void anAbstractAddressHasNoTerminatorAndAPathHasOne() {
        byte[] abstractAddr = SystemdNotify.sockaddrUn("@ab");
        assertEquals(2 + 1 + 2, abstractAddr.length);
        assertEquals(0, abstractAddr[2]);
        byte[] pathAddr = SystemdNotify.sockaddrUn("/ab");
        assertEquals(2 + 3 + 1, pathAddr.length);
        assertEquals(0, pathAddr[pathAddr.length - 1]);
    }

    @Test
    void sendingToNoListenerFailsWithTheSocketAndErrno() {
        String path = dir.resolve("nobody").toString();
        IOException e = assertThrows(IOException.class, () -> SystemdNotify.to(path).send("READY=1"));
        assertTrue(e.getMessage().startsWith("cannot notify " + path + ": sendto failed, errno 2"), e.getMessage());
    }

    @ParameterizedTest(name = "NOTIFY_SOCKET={0} is refused")
    @ValueSource(strings = {"run/notify", "vsock:2:1234", ""})
    void unusableNamesAreRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> SystemdNotify.to(name));
    }

    @Test
    void aNameLongerThanSunPathIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SystemdNotify.to("/" + "x".repeat(107)));
        SystemdNotify.to("/" + "x".repeat(106)); // 107 bytes + NUL fit
    }
}
