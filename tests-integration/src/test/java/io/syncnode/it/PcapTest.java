package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Pcap} and {@link SealedFrames} on captures built byte by byte here. */
class PcapTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"little-endian-micros", "big-endian-micros", "little-endian-nanos"})
    void readsUdpAndTcpPacketsInEitherByteOrderAndTimeUnit(String variant) {
        ByteOrder order = variant.startsWith("little") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int magic = variant.endsWith("nanos") ? 0xa1b23c4d : 0xa1b2c3d4;
        byte[] udpPayload = "hello over udp".getBytes();
        byte[] tcpPayload = "hello over tcp".getBytes();
        PcapBuilder p = new PcapBuilder(order, magic);
        p.frame(ethernet(ipv4(17, "10.213.7.1", "239.77.1.2", 7, 0, false, udp(7800, 45588, udpPayload))));
        p.frame(ethernet(ipv4(6, "10.213.7.2", "10.213.7.1", 8, 0, false, tcp(41000, 7800, 123456789L, tcpPayload))));
        p.frame(new byte[] {1, 2, 3}); // not Ethernet/IPv4: counted, not decoded

        Pcap pcap = Pcap.parse(p.bytes());

        assertEquals(3, pcap.frames());
        assertEquals(2, pcap.packets().size(), pcap.packets().toString());
        Pcap.Packet u = pcap.packets().get(0);
        assertEquals(List.of(Pcap.UDP, "10.213.7.1", 7800, "239.77.1.2", 45588),
                List.of(u.protocol(), u.src(), u.srcPort(), u.dst(), u.dstPort()));
        assertArrayEquals(udpPayload, u.payload());
        Pcap.Packet t = pcap.packets().get(1);
        assertEquals(List.of(Pcap.TCP, "10.213.7.2", 41000, "10.213.7.1", 7800, 123456789L),
                List.of(t.protocol(), t.src(), t.srcPort(), t.dst(), t.dstPort(), t.seq()));
        assertArrayEquals(tcpPayload, t.payload());
        assertEquals(udpPayload.length, pcap.payloadBytesFrom("10.213.7.1"));
    }

    @Test
    void reassemblesAFragmentedUdpDatagramAndSkipsEthernetPadding() {
        byte[] big = new byte[3000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        byte[] datagram = udp(7800, 7800, big);
        PcapBuilder p = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4);
        // second fragment first: receivers must not depend on order
        p.frame(ethernet(ipv4(17, "10.213.7.1", "10.213.7.2", 99, 1480, false,
                Arrays.copyOfRange(datagram, 1480, datagram.length))));
        p.frame(ethernet(ipv4(17, "10.213.7.1", "10.213.7.2", 99, 0, true, Arrays.copyOfRange(datagram, 0, 1480))));
        byte[] small = ethernet(ipv4(17, "10.213.7.2", "10.213.7.1", 100, 0, false, udp(1, 2, new byte[] {42})));
        p.frame(Arrays.copyOf(small, 60)); // padded to Ethernet's minimum frame

        Pcap pcap = Pcap.parse(p.bytes());

        assertEquals(2, pcap.packets().size(), pcap.packets().toString());
        assertArrayEquals(big, pcap.packets().get(0).payload());
        assertArrayEquals(new byte[] {42}, pcap.packets().get(1).payload());
    }

    @Test
    void aRecordCutShortAtTheEndIsIgnoredAndSnappedFramesAreCounted() {
        PcapBuilder p = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4);
        byte[] frame = ethernet(ipv4(17, "10.0.0.1", "10.0.0.2", 1, 0, false, udp(1, 2, new byte[100])));
        p.frame(frame);
        p.snapped(Arrays.copyOf(frame, 40), frame.length);
        byte[] whole = p.bytes();
        Pcap pcap = Pcap.parse(Arrays.copyOf(whole, whole.length - 5));
        assertEquals(1, pcap.frames(), "the cut record is not a frame");
        pcap = Pcap.parse(whole);
        assertEquals(2, pcap.frames());
        assertEquals(1, pcap.truncated());
        assertEquals(1, pcap.packets().size());
    }

    @Test
    void refusesPcapngAndNonEthernetCaptures() {
        byte[] ng = new byte[32];
        ByteBuffer.wrap(ng).putInt(0x0a0d0d0a);
        assertThrows(IllegalArgumentException.class, () -> Pcap.parse(ng));
        byte[] cooked = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4).bytes();
        ByteBuffer.wrap(cooked).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 113);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pcap.parse(cooked));
        assertTrue(e.getMessage().contains("Ethernet"), e.getMessage());
    }

    @Test
    void findsSealedPacketsBehindTheirLengthAndReadsTheirHeaders() {
        byte[] pair = sealed(SealedFrames.PAIR, 0x1111L, 0x2222L, 77, 40);
        byte[] group = sealed(SealedFrames.GROUP, 0x3333L, 0, 5, 90);
        ByteBuffer frame = ByteBuffer.allocate(200);
        frame.put(new byte[] {0x29, 0x0d, 0x01, 'S', 'N', 1, 2}); // a decoy prefix without its length
        frame.putInt(pair.length).put(pair).putShort((short) 9).putInt(group.length).put(group);
        byte[] f = Arrays.copyOf(frame.array(), frame.position());

        List<SealedFrames.Sealed> found = SealedFrames.in(f);

        assertEquals(2, found.size(), found.toString());
        SealedFrames.Sealed p = found.get(0);
        assertEquals(List.of(SealedFrames.PAIR, 0x1111L, 1, 0x2222L, 77L, pair.length),
                List.of(p.kind(), p.senderSession(), p.generation(), p.recipientSession(), p.counter(), p.length()));
        SealedFrames.Sealed g = found.get(1);
        assertEquals(List.of(SealedFrames.GROUP, 0x3333L, 7, 5L),
                List.of(g.kind(), g.senderSession(), g.generation(), g.counter()));

        byte[] t = SealedFrames.tampered(f, p);
        SealedFrames.Sealed tp = SealedFrames.in(t).get(0);
        assertEquals(77L + (1L << 32), tp.counter(), "a counter never used");
        int differing = 0;
        for (int i = 0; i < f.length; i++) {
            differing += f[i] != t[i] ? 1 : 0;
        }
        assertEquals(2, differing, "the counter's one changed byte and one ciphertext byte");
        assertTrue(f[p.offset() + SealedFrames.PAIR_HEADER + 1] != t[p.offset() + SealedFrames.PAIR_HEADER + 1]);
    }

    @Test
    void splitsATcpSegmentIntoWholeFramesOnly() {
        ByteBuffer b = ByteBuffer.allocate(32).putInt(3).put(new byte[] {1, 2, 3}).putInt(2).put(new byte[] {4, 5});
        byte[] two = Arrays.copyOf(b.array(), b.position());
        List<byte[]> frames = SealedFrames.tcpFrames(two);
        assertEquals(2, frames.size());
        assertArrayEquals(new byte[] {4, 5}, frames.get(1));
        assertEquals(List.of(), SealedFrames.tcpFrames(Arrays.copyOf(two, two.length - 1)), "ends inside a frame");
        assertEquals(List.of(), SealedFrames.tcpFrames(new byte[] {0, 0, 0x7f, 1, 2}), "starts inside a frame");
    }

    // ------------------------------------------------------------ building captures

    static byte[] sealed(int kind, long sender, long recipient, long counter, int length) {
        ByteBuffer b = ByteBuffer.allocate(length).put((byte) 'S').put((byte) 'N').put((byte) 1).put((byte) kind)
                .putLong(sender).putInt(kind == SealedFrames.PAIR ? 1 : 7);
        if (kind == SealedFrames.PAIR) {
            b.putLong(recipient).putInt(1);
        }
        b.putLong(counter);
        return b.array();
    }

    static byte[] ethernet(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(14 + ip.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800).put(ip);
        return b.array();
    }

    static byte[] ipv4(int protocol, String src, String dst, int id, int fragmentOffset, boolean more, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(20 + body.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + body.length)).putShort((short) id)
                .putShort((short) ((more ? 0x2000 : 0) | fragmentOffset / 8)).put((byte) 64).put((byte) protocol)
                .putShort((short) 0).put(address(src)).put(address(dst)).put(body);
        return b.array();
    }

    static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putShort((short) srcPort).putShort((short) dstPort)
                .putShort((short) (8 + payload.length)).putShort((short) 0).put(payload).array();
    }

    static byte[] tcp(int srcPort, int dstPort, long seq, byte[] payload) {
        return ByteBuffer.allocate(20 + payload.length).putShort((short) srcPort).putShort((short) dstPort)
                .putInt((int) seq).putInt(0).put((byte) 0x50).put((byte) 0x18).putShort((short) 512).putInt(0)
                .put(payload).array();
    }

    static byte[] address(String dotted) {
        String[] parts = dotted.split("\\.");
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    /** A classic pcap file in the given byte order, as tcpdump writes it. */
    static final class PcapBuilder {
        private final ByteOrder order;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        PcapBuilder(ByteOrder order, int magic) {
            this.order = order;
            write(ByteBuffer.allocate(24).order(order).putInt(magic).putShort((short) 2).putShort((short) 4)
                    .putInt(0).putInt(0).putInt(262144).putInt(Pcap.LINKTYPE_ETHERNET).array());
        }

        void frame(byte[] f) {
            snapped(f, f.length);
        }

        void snapped(byte[] captured, int original) {
            write(ByteBuffer.allocate(16).order(order).putInt(1_700_000_000).putInt(0).putInt(captured.length)
                    .putInt(original).array());
            write(captured);
        }

        private void write(byte[] b) {
            out.write(b, 0, b.length);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
