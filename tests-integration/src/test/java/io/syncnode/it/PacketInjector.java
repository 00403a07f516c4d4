package io.syncnode.it;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An attacker on the wire: sends captured (or altered) JGroups transport frames to a node, from
 * wherever it runs (the tests run it in a network namespace of its own, see
 * {@link SecureLan#java}). A main program, so that its packets leave from its own address.
 *
 * <pre>
 * PacketInjector udp HOST PORT FRAME-FILE...          each file's bytes as one datagram
 * PacketInjector tcp HOST PORT SELF-IP FRAME-FILE...  one connection: JGroups' preamble, then each
 *                                                     file's bytes as one length-prefixed frame
 * </pre>
 *
 * The TCP preamble is what {@code org.jgroups.blocks.cs.TcpConnection.sendLocalAddress} writes and
 * {@code readPeerAddress} reads (jgroups 5.4): the cookie {@code "bela"}, the JGroups version
 * (short), the length of the sender's address (short) and the address as {@code IpAddress.writeTo}
 * writes it (address length byte, 4 IPv4 bytes, port short). The version is taken from the first
 * frame: every transport frame starts with it. Each frame is then a 4-byte length and the frame,
 * as {@code TcpConnection.doSend} writes it. Prints one line per frame sent; exit 0 when all went out.
 */
public final class PacketInjector {
    private PacketInjector() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: PacketInjector udp HOST PORT FILE... | tcp HOST PORT SELF-IP FILE...");
            System.exit(2);
        }
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        boolean tcp = args[0].equals("tcp");
        List<byte[]> frames = new ArrayList<>();
        for (int i = tcp ? 4 : 3; i < args.length; i++) {
            frames.add(Files.readAllBytes(Path.of(args[i])));
        }
        if (tcp) {
            tcp(to, InetAddress.getByName(args[3]), frames);
        } else {
            try (DatagramSocket s = new DatagramSocket()) {
                for (byte[] f : frames) {
                    s.send(new DatagramPacket(f, f.length, to));
                    System.out.println("sent a " + f.length + "-byte datagram to " + to);
                }
            }
        }
    }

    private static void tcp(InetSocketAddress to, InetAddress self, List<byte[]> frames) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(self, 0));
            s.connect(to, 10_000);
            s.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.write(new byte[] {'b', 'e', 'l', 'a'});
            out.write(frames.get(0), 0, 2); // version, as the frames carry it
            out.writeShort(1 + 4 + 2);
            out.writeByte(4);
            out.write(self.getAddress());
            out.writeShort(s.getLocalPort());
            for (byte[] f : frames) {
                out.writeInt(f.length);
                out.write(f);
                System.out.println("sent a " + f.length + "-byte frame to " + to + " from " + s.getLocalSocketAddress());
            }
            out.flush();
            s.shutdownOutput();
            s.setSoTimeout(2_000);
            try {
                s.getInputStream().read(); // the server never answers; wait briefly so our frames are read before we go
            } catch (java.net.SocketTimeoutException e) {
                // expected
            }
        }
    }
}
