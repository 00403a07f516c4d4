package io.syncnode.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.Test;

/** Each stack must form a real two-member view. */
class JGroupsStackTest {
    private static final Duration VIEW_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void loopbackStackFormsATwoMemberView() throws Exception {
        String xml = JGroupsStack.loopback("loop-test");
        assertTwoMemberView("loop-test-" + System.nanoTime(), xml, xml);
    }

    @Test
    void loopbackStackNoticesASplitAndMergesAfterHealing() throws Exception {
        String xml = JGroupsStack.loopback("split-test");
        String cluster = "split-test-" + System.nanoTime();
        List<JChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                JChannel ch = new JChannel(new ByteArrayInputStream(xml.getBytes(UTF_8)));
                channels.add(ch);
                ch.connect(cluster);
            }
            await(VIEW_TIMEOUT, () -> viewSizes(channels, 2));
            for (int i = 0; i < 2; i++) {
                DISCARD discard = new DISCARD();
                discard.addIgnoreMember(channels.get(1 - i).getAddress());
                channels.get(i).getProtocolStack().insertProtocol(discard, ProtocolStack.Position.ABOVE, TP.class);
            }
            long split = System.nanoTime();
            await(Duration.ofSeconds(20), () -> viewSizes(channels, 1));
            Duration splitTook = Duration.ofNanos(System.nanoTime() - split);
            for (JChannel ch : channels) {
                ch.getProtocolStack().removeProtocol(DISCARD.class);
            }
            long heal = System.nanoTime();
            await(Duration.ofSeconds(20), () -> viewSizes(channels, 2));
            Duration mergeTook = Duration.ofNanos(System.nanoTime() - heal);
            assertTrue(splitTook.compareTo(Duration.ofSeconds(15)) < 0, "split noticed after " + splitTook);
            assertTrue(mergeTook.compareTo(Duration.ofSeconds(10)) < 0, "merged after " + mergeTook);
        } finally {
            for (JChannel ch : channels) {
                ch.close();
            }
        }
    }

    private static boolean viewSizes(List<JChannel> channels, int size) {
        return channels.stream().allMatch(ch -> ch.getView().size() == size);
    }

    @Test
    void tcpStackFormsATwoMemberView() throws Exception {
        int p1 = freeTcpPort();
        int p2 = freeTcpPort();
        List<HostPort> peers = List.of(new HostPort("127.0.0.1", p1), new HostPort("127.0.0.1", p2));
        String a = JGroupsStack.forCluster(tcp(peers.get(0), peers, null));
        String b = JGroupsStack.forCluster(tcp(peers.get(1), peers, null));
        assertTrue(a.contains("initial_hosts=\"127.0.0.1[" + p1 + "],127.0.0.1[" + p2 + "]\""), a);
        assertTrue(a.contains("tcp_nodelay=\"true\""), a);
        assertTrue(a.contains("bundler_type=\"sender-sends\""), "the sending thread writes, no bundler thread: " + a);
        assertTrue(a.contains("<FD_SOCK2 bind_addr=\"127.0.0.1\"/>"), a);
        assertTwoMemberView("tcp-test", a, b);
    }

    @Test
    void securedTcpStackHasNoFdSock2AndFormsATwoMemberView() throws Exception {
        int p1 = freeTcpPort();
        int p2 = freeTcpPort();
        List<HostPort> peers = List.of(new HostPort("127.0.0.1", p1), new HostPort("127.0.0.1", p2));
        Path credentials = Path.of("/etc/syncnode/credentials"); // not read: the stack only looks at secured()
        String insecure = JGroupsStack.forCluster(tcp(peers.get(0), peers, null));
        String a = JGroupsStack.forCluster(tcp(peers.get(0), peers, credentials));
        String b = JGroupsStack.forCluster(tcp(peers.get(1), peers, credentials));
        assertFalse(a.contains("<FD_SOCK2"), a);
        assertTrue(a.contains("<FD_ALL3 ") && a.contains("<VERIFY_SUSPECT2 "), a);
        assertEquals(insecure.replace("    <FD_SOCK2 bind_addr=\"127.0.0.1\"/>\n", ""), a,
                "the secured stack is the insecure one less the FD_SOCK2 line");
        assertTwoMemberView("tcp-secured-test", a, b);
        try (JChannel ch = new JChannel(new ByteArrayInputStream(a.getBytes(UTF_8)))) {
            assertNull(ch.getProtocolStack().findProtocol(FD_SOCK2.class));
            assertNotNull(ch.getProtocolStack().findProtocol(FD_ALL3.class));
        }
    }

    @Test
    void udpStackIsTheSameSecuredOrNot() {
        HostPort bind = new HostPort("127.0.0.1", 7800);
        HostPort group = new HostPort("239.77.0.1", 45588);
        String insecure = JGroupsStack.forCluster(new ClusterSection("x", Transport.UDP, bind, group, List.of(), null,
                false, List.of()));
        String secured = JGroupsStack.forCluster(new ClusterSection("x", Transport.UDP, bind, group, List.of(),
                Path.of("/c"), false, List.of()));
        assertEquals(insecure, secured);
        assertFalse(secured.contains("<FD_SOCK"), secured);
    }

    private static ClusterSection tcp(HostPort bind, List<HostPort> peers, Path credentials) {
        return new ClusterSection("tcp-test", Transport.TCP, bind, null, peers, credentials, false, List.of());
    }

    @Test
    void udpStackFormsATwoMemberView() throws Exception {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        HostPort group = new HostPort("239.77." + r.nextInt(1, 255) + "." + r.nextInt(1, 255), freeUdpPort());
        String a = JGroupsStack.forCluster(new ClusterSection("udp-test", Transport.UDP,
                new HostPort("127.0.0.1", freeUdpPort()), group, List.of(), null, false, List.of()));
        String b = JGroupsStack.forCluster(new ClusterSection("udp-test", Transport.UDP,
                new HostPort("127.0.0.1", freeUdpPort()), group, List.of(), null, false, List.of()));
        assertTrue(a.contains("mcast_addr=\"" + group.host() + "\""), a);
        assertTwoMemberView("udp-test-" + System.nanoTime(), a, b);
    }

    /**
     * JGroups 5.4 keeps, by default, one message batch per sender in NAKACK2 and UNICAST3 for reuse, and
     * clearing it leaves the delivered messages in its array: after a bulk copy a node held some 11 MiB of
     * received payload that way until new messages overwrote the slots (issue 13, memory at rest). With
     * reuse_message_batches="false" a delivered message is garbage once its receiver lets it go.
     */
    @Test
    void deliveredMessagesAreNotKeptByTheStack() throws Exception {
        assertDeliveredMessagesCollectable("loop-keep-" + System.nanoTime(), JGroupsStack.loopback("loop-keep"),
                JGroupsStack.loopback("loop-keep"));
        int p1 = freeTcpPort();
        int p2 = freeTcpPort();
        List<HostPort> peers = List.of(new HostPort("127.0.0.1", p1), new HostPort("127.0.0.1", p2));
        assertDeliveredMessagesCollectable("tcp-keep", JGroupsStack.forCluster(tcp(peers.get(0), peers, null)),
                JGroupsStack.forCluster(tcp(peers.get(1), peers, null)));
    }

    private static void assertDeliveredMessagesCollectable(String cluster, String xmlA, String xmlB) throws Exception {
        Map<String, WeakReference<byte[]>> received = new ConcurrentHashMap<>();
        withTwoMembers(cluster, xmlA, xmlB, (a, b) -> {
            b.setReceiver(new Receiver() {
                @Override
                public void receive(Message msg) {
                    byte[] payload = msg.getArray();
                    received.put(payload[msg.getOffset()] == 1 ? "multicast" : "unicast", new WeakReference<>(payload));
                }
            });
            byte[] multicast = new byte[16 * 1024];
            multicast[0] = 1;
            a.send(new BytesMessage(null, multicast)); // NAKACK2
            a.send(new BytesMessage(b.getAddress(), new byte[16 * 1024])); // UNICAST3
            await(VIEW_TIMEOUT, () -> received.size() == 2);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<String> kept;
            do {
                System.gc();
                kept = received.entrySet().stream().filter(e -> e.getValue().get() != null).map(Map.Entry::getKey)
                        .sorted().toList();
            } while (!kept.isEmpty() && System.nanoTime() < deadline);
            assertEquals(List.of(), kept, cluster + ": delivered payloads still reachable after 10 s of collections");
        });
    }

    @Test
    void stacksReadNoSystemProperties() {
        HostPort bind = new HostPort("127.0.0.1", 7800);
        for (String xml : List.of(JGroupsStack.loopback("x"),
                JGroupsStack.forCluster(new ClusterSection("x", Transport.UDP, bind, bind, List.of(), null, false,
                        List.of())),
                JGroupsStack.forCluster(tcp(bind, List.of(bind), null)),
                JGroupsStack.forCluster(tcp(bind, List.of(bind), Path.of("/c"))))) {
            assertFalse(xml.contains("${"), xml);
            assertTrue(xml.contains("diag.enabled=\"false\""), xml);
        }
    }

    @Test
    void substitutedValuesAreEscaped() {
        assertEquals("a&amp;b&lt;c&gt;&quot;&apos;", JGroupsStack.escape("a&b<c>\"'"));
        assertFalse(JGroupsStack.loopback("a -- b").contains("a -- b"));
    }

    private static void assertTwoMemberView(String cluster, String xmlA, String xmlB) throws Exception {
        withTwoMembers(cluster, xmlA, xmlB, (a, b) -> { });
    }

    /** What a test does with two connected members. */
    private interface PairWork {
        void run(JChannel a, JChannel b) throws Exception;
    }

    /** Connects a channel of each stack to {@code cluster}, waits for their two-member view, runs {@code work}, closes both. */
    private static void withTwoMembers(String cluster, String xmlA, String xmlB, PairWork work) throws Exception {
        List<JChannel> channels = new ArrayList<>();
        try {
            for (String xml : List.of(xmlA, xmlB)) {
                JChannel ch = new JChannel(new ByteArrayInputStream(xml.getBytes(UTF_8)));
                channels.add(ch);
                ch.connect(cluster);
            }
            await(VIEW_TIMEOUT, () -> viewSizes(channels, 2));
            work.run(channels.get(0), channels.get(1));
        } finally {
            for (JChannel ch : channels) {
                ch.close();
            }
        }
    }

    /** Polls {@code condition} until it holds; fails at the deadline. */
    private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // polling interval only; the condition decides
        }
    }

    private static final AtomicInteger NEXT_TCP_PORT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(20_000, 31_000));

    /**
     * A free loopback port below Linux's ephemeral range (32768-60999): a port the kernel handed out
     * (port 0) could go to the next outgoing connection, of this JVM's other stacks too, before JGroups binds it.
     */
    private static int freeTcpPort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = NEXT_TCP_PORT.getAndIncrement(); // distinct from the ports handed out before
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (BindException taken) {
                // try another
            }
        }
        throw new IOException("no free loopback port after 100 tries from " + (NEXT_TCP_PORT.get() - 100));
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
