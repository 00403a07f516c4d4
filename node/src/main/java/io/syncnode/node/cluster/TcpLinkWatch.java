package io.syncnode.node.cluster;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jgroups.util.DefaultSocketFactory;
import org.jgroups.util.SocketFactory;

/**
 * The socket factory of the TCP transport: hands JGroups sockets whose traffic it watches, and
 * closes a connection that went dead, one this node sent on while nothing came back for
 * {@link #STALL}.
 *
 * <p>Implementation notes. Why (issue 10): when packets are dropped silently (a pulled cable, a
 * firewall DROP rule, one-way loss), a TCP connection holding unacknowledged data backs off its
 * retransmission timer (RTO doubling up to 120 s). JGroups cannot see that nothing gets through and
 * keeps the connection; worse, its TCP server refuses a peer's fresh connection while it holds one
 * to that peer and its own address is the larger ({@code BaseServer.addConnection}: "bigger conn
 * wins"). After the network heals, what this node sends to the peer (heartbeats, merge traffic,
 * syncnode's messages) then waits in the kernel for the next retransmission. Measured in a network
 * namespace: one-way loss n3->n2 for 70 s, then healed; {@code ss} on n3 showed the connection to n2
 * ESTABLISHED with 18 KB unsent, rto 55 s, backoff 8, and the merge came 49 s after the heal.
 *
 * <p>The rule: every pair of nodes that can reach each other exchanges something every few seconds
 * on their one connection (heartbeats between members; discovery requests, answers and MERGE3 INFO
 * between the others), so a connection that received nothing for {@link #STALL} after this node sent
 * on it is dead, or its peer is unreachable. {@link #sweep} closes it with a reset (SO_LINGER 0: no
 * orphan keeps retransmitting, and a peer that still holds its end learns at once), and JGroups opens
 * a new connection at its next send: during a partition that attempt fails within the connect
 * timeout, after the heal it succeeds at once. What was lost with the old connection is
 * retransmitted by UNICAST3 and NAKACK2. A peer that is merely slow to answer (a long pause) costs a
 * reconnect, nothing more.
 *
 * <p>Threading: JGroups' threads create, read, write and close the sockets; {@link #sweep} runs on a
 * timer. Per socket, the only shared state is one atomic timestamp; closing a socket from the sweep
 * makes the JGroups thread blocked on it fail and drop the connection, as any broken connection does.
 */
public final class TcpLinkWatch implements SocketFactory {
    private static final Logger LOG = Logger.getLogger(TcpLinkWatch.class.getName());
    /** How long a connection may go without receiving anything after this node sent on it. */
    public static final Duration STALL = Duration.ofSeconds(8);
    private static final long NONE = Long.MIN_VALUE;

    private final SocketFactory plain = new DefaultSocketFactory();
    private final LongSupplier nanoTime;
    private final long stallNanos;
    private final Set<WatchedSocket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong closed = new AtomicLong();

    /** @param nanoTime a monotonic clock in ns ({@code System::nanoTime}; tests pass their own) */
    public TcpLinkWatch(LongSupplier nanoTime, Duration stall) {
        this.nanoTime = nanoTime;
        this.stallNanos = stall.toNanos();
    }

    /**
     * Closes every connection that received nothing for the stall time after this node sent on it;
     * forgets closed sockets. Returns how many it closed.
     */
    public int sweep() {
        long now = nanoTime.getAsLong();
        int n = 0;
        for (WatchedSocket s : sockets) {
            if (s.isClosed()) {
                sockets.remove(s);
                continue;
            }
            long since = s.unansweredSince.get();
            if (since != NONE && now - since >= stallNanos) {
                sockets.remove(s);
                n++;
                closed.incrementAndGet();
                LOG.info(() -> "closing the TCP connection " + s.getLocalSocketAddress() + " -> "
                        + s.getRemoteSocketAddress() + ": this node sent on it and got nothing back for "
                        + Duration.ofNanos(now - since).toSeconds() + " s (the peer is unreachable, or the"
                        + " connection died in a network partition); JGroups opens a new one at its next send");
                s.reset();
            }
        }
        return n;
    }

    /** Connections closed by {@link #sweep} since the start. */
    public long closedConnections() {
        return closed.get();
    }

    /** Open connections being watched. */
    public int watched() {
        return (int) sockets.stream().filter(s -> !s.isClosed()).count();
    }

    /** A socket that records when this node sent on it without having received anything since. */
    final class WatchedSocket extends Socket {
        /** nanoTime of the first write not followed by any read; NONE when every write was answered. */
        final AtomicLong unansweredSince = new AtomicLong(NONE);

        WatchedSocket() {
            sockets.add(this);
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        received();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    if (n > 0) {
                        received();
                    }
                    return n;
                }
            };
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return new FilterOutputStream(super.getOutputStream()) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    sent();
                }

                @Override
                public void write(byte[] buf, int off, int len) throws IOException {
                    out.write(buf, off, len);
                    sent();
                }
            };
        }

        private void received() {
            unansweredSince.set(NONE);
        }

        private void sent() {
            if (unansweredSince.get() == NONE) {
                unansweredSince.compareAndSet(NONE, nanoTime.getAsLong());
            }
        }

        /** Closes with a reset: the kernel drops what is unsent and keeps no orphan retransmitting. */
        void reset() {
            try {
                setSoLinger(true, 0);
            } catch (SocketException e) {
                LOG.log(Level.FINE, "SO_LINGER 0 on a dying connection", e);
            }
            try {
                close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing a dead connection; JGroups drops it anyway", e);
            }
        }
    }

    /** A server socket whose accepted sockets are watched. */
    final class WatchedServerSocket extends ServerSocket {
        WatchedServerSocket() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            WatchedSocket s = new WatchedSocket();
            try {
                implAccept(s);
            } catch (IOException e) {
                sockets.remove(s);
                throw e;
            }
            return s;
        }
    }

    private Socket connected(Socket s, SocketAddress to, SocketAddress from) throws IOException {
        try {
            if (from != null) {
                s.bind(from);
            }
            s.connect(to);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public Socket createSocket(String service) {
        return new WatchedSocket();
    }

    @Override
    public Socket createSocket(String service, String host, int port) throws IOException {
        return connected(new WatchedSocket(), new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String service, InetAddress address, int port) throws IOException {
        return connected(new WatchedSocket(), new InetSocketAddress(address, port), null);
    }

    @Override
    public Socket createSocket(String service, String host, int port, InetAddress localAddr, int localPort)
            throws IOException {
        return connected(new WatchedSocket(), new InetSocketAddress(host, port), new InetSocketAddress(localAddr, localPort));
    }

    @Override
    public Socket createSocket(String service, InetAddress address, int port, InetAddress localAddr, int localPort)
            throws IOException {
        return connected(new WatchedSocket(), new InetSocketAddress(address, port),
                new InetSocketAddress(localAddr, localPort));
    }

    @Override
    public ServerSocket createServerSocket(String service) throws IOException {
        return new WatchedServerSocket();
    }

    @Override
    public ServerSocket createServerSocket(String service, int port) throws IOException {
        ServerSocket s = new WatchedServerSocket();
        s.bind(new InetSocketAddress(port));
        return s;
    }

    @Override
    public ServerSocket createServerSocket(String service, int port, int backlog) throws IOException {
        ServerSocket s = new WatchedServerSocket();
        s.bind(new InetSocketAddress(port), backlog);
        return s;
    }

    @Override
    public ServerSocket createServerSocket(String service, int port, int backlog, InetAddress bindAddr)
            throws IOException {
        ServerSocket s = new WatchedServerSocket();
        s.bind(new InetSocketAddress(bindAddr, port), backlog);
        return s;
    }

    @Override
    public DatagramSocket createDatagramSocket(String service) throws SocketException {
        return plain.createDatagramSocket(service);
    }

    @Override
    public DatagramSocket createDatagramSocket(String service, SocketAddress bindaddr) throws SocketException {
        return plain.createDatagramSocket(service, bindaddr);
    }

    @Override
    public DatagramSocket createDatagramSocket(String service, int port) throws SocketException {
        return plain.createDatagramSocket(service, port);
    }

    @Override
    public DatagramSocket createDatagramSocket(String service, int port, InetAddress laddr) throws SocketException {
        return plain.createDatagramSocket(service, port, laddr);
    }

    @Override
    public MulticastSocket createMulticastSocket(String service) throws IOException {
        return plain.createMulticastSocket(service);
    }

    @Override
    public MulticastSocket createMulticastSocket(String service, int port) throws IOException {
        return plain.createMulticastSocket(service, port);
    }

    @Override
    public MulticastSocket createMulticastSocket(String service, SocketAddress bindaddr) throws IOException {
        return plain.createMulticastSocket(service, bindaddr);
    }

    @Override
    public void close(Socket sock) throws IOException {
        if (sock != null) {
            sock.close();
        }
    }

    @Override
    public void close(ServerSocket sock) throws IOException {
        if (sock != null) {
            sock.close();
        }
    }

    @Override
    public void close(DatagramSocket sock) {
        plain.close(sock);
    }
}
