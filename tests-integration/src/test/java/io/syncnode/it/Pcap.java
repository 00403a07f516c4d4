package io.syncnode.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reader of classic libpcap files ({@code tcpdump -w}) as captured on a veth or bridge:
 * Ethernet frames (an 802.1Q tag is skipped), IPv4, UDP and TCP. Fragmented IPv4 datagrams are
 * reassembled (JGroups sends UDP datagrams of up to 60 KB, cut into fragments on the wire). Other
 * frames are counted but not decoded.
 *
 * <p>Format (https://wiki.wireshark.org/Development/LibpcapFileFormat): a 24-byte file header
 * whose magic number gives the byte order and the time unit (0xa1b2c3d4: microseconds,
 * 0xa1b23c4d: nanoseconds), then per frame a 16-byte record header (seconds, fraction, captured
 * length, original length) and the captured bytes. Frames cut by the snap length are counted as
 * {@link #truncated}.
 */
public final class Pcap {
    static final int LINKTYPE_ETHERNET = 1;
    static final int UDP = 17;
    static final int TCP = 6;

    /**
     * One UDP datagram or TCP segment: addresses in dotted form, {@code seq} the TCP sequence number
     * (0 for UDP), {@code payload} the transport payload (a reassembled datagram when it was fragmented).
     */
    public record Packet(int frame, int protocol, String src, int srcPort, String dst, int dstPort, long seq,
                         byte[] payload) {
        @Override
        public String toString() {
            return (protocol == UDP ? "udp " : "tcp ") + src + ":" + srcPort + " > " + dst + ":" + dstPort + " "
                    + payload.length + " bytes (frame " + frame + ")";
        }
    }

    private final int frames;
    private final int truncated;
    private final List<Packet> packets;

    private Pcap(int frames, int truncated, List<Packet> packets) {
        this.frames = frames;
        this.truncated = truncated;
        this.packets = List.copyOf(packets);
    }

    public static Pcap read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    /** Parses a whole capture; fails on a file that is not classic pcap or not Ethernet. */
    public static Pcap parse(byte[] file) {
        if (file.length < 24) {
            throw new IllegalArgumentException("not a pcap file: " + file.length + " bytes, shorter than its header");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
        }
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            throw new IllegalArgumentException("not a classic pcap file (magic " + Integer.toHexString(magic)
                    + "; pcapng is not supported: capture with tcpdump -w)");
        }
        int linkType = b.getInt(20);
        if (linkType != LINKTYPE_ETHERNET) {
            throw new IllegalArgumentException("link type " + linkType + " is not Ethernet (1): capture on a veth or bridge");
        }
        int frames = 0;
        int truncated = 0;
        List<Packet> packets = new ArrayList<>();
        Map<String, Fragments> fragments = new HashMap<>();
        int pos = 24;
        while (pos + 16 <= file.length) {
            int captured = b.getInt(pos + 8);
            int original = b.getInt(pos + 12);
            pos += 16;
            if (captured < 0 || pos + captured > file.length) {
                break; // the last record was cut short (tcpdump killed while writing)
            }
            frames++;
            if (captured < original) {
                truncated++;
            } else {
                ethernet(frames, ByteBuffer.wrap(file, pos, captured).slice().order(ByteOrder.BIG_ENDIAN), packets,
                        fragments);
            }
            pos += captured;
        }
        return new Pcap(frames, truncated, packets);
    }

    private static void ethernet(int frame, ByteBuffer f, List<Packet> out, Map<String, Fragments> fragments) {
        if (f.limit() < 14) {
            return;
        }
        int type = f.getShort(12) & 0xffff;
        int ip = 14;
        if (type == 0x8100 && f.limit() >= 18) {
            type = f.getShort(16) & 0xffff;
            ip = 18;
        }
        if (type == 0x0800) {
            ipv4(frame, f.position(ip).slice(), out, fragments);
        }
    }

    private static void ipv4(int frame, ByteBuffer p, List<Packet> out, Map<String, Fragments> fragments) {
        if (p.limit() < 20 || (p.get(0) & 0xf0) != 0x40) {
            return;
        }
        int headerLength = (p.get(0) & 0x0f) * 4;
        int total = p.getShort(2) & 0xffff;
        if (total > p.limit() || total < headerLength) {
            return;
        }
        int id = p.getShort(4) & 0xffff;
        int flagsOffset = p.getShort(6) & 0xffff;
        boolean moreFragments = (flagsOffset & 0x2000) != 0;
        int offset = (flagsOffset & 0x1fff) * 8;
        int protocol = p.get(9) & 0xff;
        String src = dotted(p, 12);
        String dst = dotted(p, 16);
        byte[] body = new byte[total - headerLength];
        p.get(headerLength, body);
        if (moreFragments || offset > 0) {
            String key = src + ">" + dst + "/" + protocol + "/" + id;
            Fragments fs = fragments.computeIfAbsent(key, k -> new Fragments());
            fs.add(offset, body, !moreFragments);
            body = fs.whole();
            if (body == null) {
                return;
            }
            fragments.remove(key);
        }
        ByteBuffer t = ByteBuffer.wrap(body).order(ByteOrder.BIG_ENDIAN);
        if (protocol == UDP && body.length >= 8) {
            int length = Math.min(t.getShort(4) & 0xffff, body.length);
            out.add(new Packet(frame, UDP, src, t.getShort(0) & 0xffff, dst, t.getShort(2) & 0xffff, 0,
                    java.util.Arrays.copyOfRange(body, 8, Math.max(8, length))));
        } else if (protocol == TCP && body.length >= 20) {
            int dataOffset = ((t.get(12) & 0xf0) >> 4) * 4;
            if (dataOffset >= 20 && dataOffset <= body.length) {
                out.add(new Packet(frame, TCP, src, t.getShort(0) & 0xffff, dst, t.getShort(2) & 0xffff,
                        t.getInt(4) & 0xffffffffL, java.util.Arrays.copyOfRange(body, dataOffset, body.length)));
            }
        }
    }

    private static String dotted(ByteBuffer p, int at) {
        return (p.get(at) & 0xff) + "." + (p.get(at + 1) & 0xff) + "." + (p.get(at + 2) & 0xff) + "." + (p.get(at + 3) & 0xff);
    }

    /** The fragments of one IPv4 datagram so far; whole once the last one came and no gap is left. */
    private static final class Fragments {
        private final TreeMap<Integer, byte[]> parts = new TreeMap<>();
        private int end = -1;

        void add(int offset, byte[] data, boolean last) {
            parts.put(offset, data);
            if (last) {
                end = offset + data.length;
            }
        }

        byte[] whole() {
            if (end < 0) {
                return null;
            }
            byte[] out = new byte[end];
            int covered = 0;
            for (Map.Entry<Integer, byte[]> e : parts.entrySet()) {
                if (e.getKey() > covered) {
                    return null;
                }
                int len = Math.min(e.getValue().length, end - e.getKey());
                System.arraycopy(e.getValue(), 0, out, e.getKey(), len);
                covered = Math.max(covered, e.getKey() + len);
            }
            return covered == end ? out : null;
        }
    }

    /** Frames (records) in the file, decoded or not. */
    public int frames() {
        return frames;
    }

    /** Frames cut by the snap length (not decoded). */
    public int truncated() {
        return truncated;
    }

    /** The UDP datagrams and TCP segments, in capture order. */
    public List<Packet> packets() {
        return packets;
    }

    /** Total transport payload bytes sent from {@code src}. */
    public long payloadBytesFrom(String src) {
        return packets.stream().filter(p -> p.src().equals(src)).mapToLong(p -> p.payload().length).sum();
    }
}
