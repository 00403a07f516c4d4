package io.syncnode.it;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Sealed packets (PROTOCOL.md 9.4) inside captured JGroups transport frames, and altered copies of
 * those frames for replay and tamper tests.
 *
 * <p>A JGroups transport frame (a UDP datagram, or one length-prefixed frame of a TCP
 * connection) holds one message or a batch; below the seal layer each message is a
 * {@code BytesMessage} whose payload, written as a 4-byte length and the bytes, is one sealed
 * packet starting with {@code 'S' 'N' 0x01 kind}. A sealed packet is found where that prefix
 * follows a length that reaches exactly to its end inside the frame. The header fields are
 * decoded here from the specification, independently of the node's own code.
 */
public final class SealedFrames {
    public static final int HELLO = 1;
    public static final int PAIR = 2;
    public static final int GROUP = 3;
    static final int PAIR_HEADER = 36;
    static final int GROUP_HEADER = 24;

    private SealedFrames() {
    }

    /**
     * One sealed packet at {@code [offset, offset + length)} of its frame. {@code generation} is
     * the sender's key generation (HELLO: its generation; PAIR: the sender's; GROUP: the sender
     * key's); {@code recipientSession} is 0 unless PAIR; {@code counter} is -1 for a HELLO.
     */
    public record Sealed(int offset, int length, int kind, long senderSession, int generation, long recipientSession,
                         long counter) {
        /** Offset of the counter field inside the packet (PAIR 28, GROUP 16). */
        int counterField() {
            return kind == PAIR ? 28 : 16;
        }

        int header() {
            return kind == PAIR ? PAIR_HEADER : GROUP_HEADER;
        }
    }

    /** A captured transport frame and a sealed packet in it. */
    public record Found(Pcap.Packet packet, byte[] frame, Sealed sealed) {
    }

    /**
     * The last frame {@code src} sent to one of {@code dsts} that holds a PAIR packet session
     * {@code sender} sealed for session {@code recipient}, else the last one that holds a GROUP
     * packet of {@code sender}; null when there is none. A TCP segment counts only when it is made of
     * whole frames ({@link #tcpFrames}).
     */
    public static Found lastFrom(Pcap pcap, String src, Set<String> dsts, long sender, long recipient) {
        Found pair = null;
        Found group = null;
        for (Pcap.Packet p : pcap.packets()) {
            if (!p.src().equals(src) || !dsts.contains(p.dst()) || p.payload().length == 0) {
                continue;
            }
            for (byte[] frame : p.protocol() == Pcap.UDP ? List.of(p.payload()) : tcpFrames(p.payload())) {
                for (Sealed s : in(frame)) {
                    if (s.senderSession() == sender && s.kind() == PAIR && s.recipientSession() == recipient) {
                        pair = new Found(p, frame, s);
                    } else if (s.senderSession() == sender && s.kind() == GROUP) {
                        group = new Found(p, frame, s);
                    }
                }
            }
        }
        return pair != null ? pair : group;
    }

    /** Every sealed packet inside one transport frame. */
    public static List<Sealed> in(byte[] frame) {
        List<Sealed> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(frame);
        for (int i = 4; i + 4 <= frame.length; i++) {
            int kind = frame[i + 3];
            if (frame[i] != 'S' || frame[i + 1] != 'N' || frame[i + 2] != 1 || kind < HELLO || kind > GROUP) {
                continue;
            }
            int length = b.getInt(i - 4);
            if (length < 4 || (long) i + length > frame.length) {
                continue;
            }
            if (length < 16) {
                continue;
            }
            long sender = b.getLong(i + 4);
            int generation = b.getInt(i + 12);
            if (kind == PAIR && length >= PAIR_HEADER) {
                out.add(new Sealed(i, length, kind, sender, generation, b.getLong(i + 16), b.getLong(i + 28)));
            } else if (kind == GROUP && length >= GROUP_HEADER) {
                out.add(new Sealed(i, length, kind, sender, generation, 0, b.getLong(i + 16)));
            } else if (kind == HELLO) {
                out.add(new Sealed(i, length, kind, sender, generation, 0, -1));
            }
        }
        return out;
    }

    /**
     * The frames of one TCP segment's payload when it is exactly a sequence of whole
     * length-prefixed frames (JGroups' TCP framing: a 4-byte length, then the frame); else empty
     * (the segment starts or ends inside a frame).
     */
    public static List<byte[]> tcpFrames(byte[] segment) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(segment);
        int pos = 0;
        while (pos + 4 <= segment.length) {
            int length = b.getInt(pos);
            if (length <= 0 || (long) pos + 4 + length > segment.length) {
                return List.of();
            }
            out.add(Arrays.copyOfRange(segment, pos + 4, pos + 4 + length));
            pos += 4 + length;
        }
        return pos == segment.length ? out : List.of();
    }

    /**
     * A copy of {@code frame} whose sealed packet {@code s} (PAIR or GROUP) is altered in transit:
     * one ciphertext byte flipped and the counter moved to a value never used (so that the replay
     * window lets it through to the authentication check, which must then refuse it as tampered:
     * PROTOCOL.md 9.5 checks the counter before the tag, so a flipped byte under an already
     * accepted counter would count as a replay instead).
     */
    public static byte[] tampered(byte[] frame, Sealed s) {
        if (s.kind() != PAIR && s.kind() != GROUP) {
            throw new IllegalArgumentException("only PAIR and GROUP packets are encrypted: " + s);
        }
        byte[] copy = frame.clone();
        ByteBuffer.wrap(copy).putLong(s.offset() + s.counterField(), s.counter() + (1L << 32));
        copy[s.offset() + s.header() + 1] ^= 0x01;
        return copy;
    }
}
