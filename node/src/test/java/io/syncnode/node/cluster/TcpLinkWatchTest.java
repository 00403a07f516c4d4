package io.syncnode.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TcpLinkWatch} over real loopback sockets and a hand-driven clock: a connection this node
 * sent on that got nothing back for the stall time is closed with a reset; an answered or idle one
 * is kept; accepted connections are watched like the ones this node opened.
 */
class TcpLinkWatchTest {
    private static final Duration STALL = Duration.ofSeconds(8);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TcpLinkWatch watch = new TcpLinkWatch(now::get, STALL);
    private ServerSocket server;
    private Socket client;
    private Socket accepted;

    @BeforeEach
    void connect() throws IOException {
        server = watch.createServerSocket("test", 0, 10, InetAddress.getLoopbackAddress());
        client = watch.createSocket("test");
        client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
        accepted = server.accept();
        accepted.setSoTimeout(5000);
        client.setSoTimeout(5000);
    }

    @AfterEach
    void close() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {client, accepted, server}) {
            try {
                c.close();
            } catch (Exception e) {
                // already closed by the test
            }
        }
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aConnectionThatSentAndHeardNothingBackForTheStallTimeIsReset() throws IOException {
        client.getOutputStream().write(new byte[] {1, 2, 3});
        advance(STALL.minusMillis(1));
        assertEquals(0, watch.sweep(), "not yet: the stall time has not passed");
        advance(Duration.ofMillis(1));
        assertEquals(1, watch.sweep());
        assertTrue(client.isClosed());
        assertEquals(1, watch.closedConnections());
        byte[] buf = new byte[16];
        assertEquals(3, accepted.getInputStream().read(buf), "what was sent before arrived");
        assertThrows(SocketException.class, () -> accepted.getInputStream().read(buf),
                "the peer's end learns of the close at once: a reset, not an orderly end");
    }

    @Test
    void aConnectionWhereBothEndsHearEachOtherIsKept() throws IOException {
        client.getOutputStream().write(1);
        accepted.getOutputStream().write(2);
        advance(Duration.ofSeconds(5));
        assertEquals(1, accepted.getInputStream().read());
        assertEquals(2, client.getInputStream().read());
        advance(STALL.multipliedBy(3));
        assertEquals(0, watch.sweep(), "each end received after it last sent");
        assertEquals(2, watch.watched(), "both ends are watched");
    }

    @Test
    void anAnswerOnlyCountsForSendsBeforeIt() throws IOException {
        client.getOutputStream().write(1);
        assertEquals(1, accepted.getInputStream().read());
        accepted.getOutputStream().write(2);
        assertEquals(2, client.getInputStream().read());
        advance(Duration.ofSeconds(1));
        client.getOutputStream().write(3); // unanswered from now on
        assertEquals(3, accepted.getInputStream().read());
        advance(STALL.minusSeconds(1));
        assertEquals(0, watch.sweep());
        advance(Duration.ofSeconds(1));
        assertEquals(1, watch.sweep(), "the client's second send got no answer for the stall time");
        assertTrue(client.isClosed());
        assertTrue(!accepted.isClosed(), "the server's side heard the client after its own send");
    }

    @Test
    void anIdleConnectionIsKept() {
        advance(STALL.multipliedBy(10));
        assertEquals(0, watch.sweep(), "nothing was sent: a quiet connection is not a dead one");
    }

    @Test
    void anAcceptedConnectionIsWatchedToo() throws IOException {
        accepted.getOutputStream().write(new byte[] {9, 9});
        advance(STALL);
        assertEquals(1, watch.sweep());
        assertTrue(accepted.isClosed());
        assertTrue(!client.isClosed(), "the client read nothing yet but sent nothing either");
    }

    @Test
    void closedSocketsAreForgotten() throws IOException {
        client.close();
        accepted.close();
        assertEquals(0, watch.sweep());
        assertEquals(0, watch.watched());
    }
}
