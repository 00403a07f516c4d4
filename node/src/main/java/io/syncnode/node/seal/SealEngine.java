package io.syncnode.node.seal;

import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.Ed25519;
import io.syncnode.node.trust.Revocations;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Seals every outbound packet of a node and opens every inbound one: the cluster's admission,
 * authentication, encryption and replay protection, independent of JGroups (the adapter,
 * {@code io.syncnode.node.cluster.SealProtocol}, puts it under the JGroups stack).
 *
 * <p>Implementation notes (PROTOCOL.md "Security" is the specification):
 * <ul>
 * <li>A packet to one member whose introduction this node holds is a PAIR packet: AES-256-GCM
 * under the directional key both ends derive from their ephemeral X25519 keys (HKDF bound to both
 * session ids and generations). Only those two nodes can open it, so it also proves its sender.
 * <li>A packet to all (or to a member not yet introduced) is a GROUP packet: AES-256-GCM under the
 * sender's own sender key, which each admitted peer received over its pair key, plus an Ed25519
 * signature by the sender's certified key: every member can read it, only the sender can make it.
 * <li>Every key has its own counter; receivers keep a {@link ReplayWindow} per key, moved only
 * after the packet proved authentic. Keys change at every start (new session), every rotation
 * and every revocation, so a packet captured earlier never opens again.
 * <li>Who may join is decided by {@link Handshake}: a signed introduction whose certificate
 * chains to a trusted CA, is in its validity and not revoked, and whose JGroups address derives
 * from the certificate's name and the session id.
 * </ul>
 * Thread-safe: the data path ({@link #seal}, {@link #open}) runs on many threads without a lock;
 * structure changes happen inside {@link Handshake} under its lock.
 */
public final class SealEngine {
    /** Bytes a packet needs before its content (the longer header): see {@link #sealInPlace}. */
    public static final int HEADROOM = SealFormat.PAIR_HEADER;
    /** Bytes a packet needs after its content (tag, and a group packet's signature). */
    public static final int TAILROOM = Aead.TAG + SealFormat.SIGNATURE;

    /** A sealed packet: {@code bytes[offset, offset+length)}. */
    public record Packet(byte[] bytes, int offset, int length) {
    }

    private final Handshake handshake;
    private final SealCounters counters;
    private final LongSupplier nanos;

    /**
     * @param rotateEvery how often this node replaces its keys on its own (nanoseconds)
     */
    public SealEngine(Credentials credentials, Revocations revoked, Clock wall, LongSupplier nanos,
                      SecureRandom random, SealCounters counters, long rotateEvery) {
        this.counters = counters;
        this.nanos = nanos;
        this.handshake = new Handshake(credentials, revoked, wall, nanos, random, counters, rotateEvery);
    }

    /** Compiles the ciphers (JIT) on a background thread now, so the first bulk copy runs at full speed. */
    public void warmUp(Credentials credentials) {
        JitWarmUp.startInBackground(credentials);
    }

    /** This session's JGroups address: {most, least} significant bits of a UUID. */
    public long[] address() {
        return handshake.address();
    }

    /** Sets where this node listens (the adapter's encoding), before the first introduction. */
    public void setPhysical(byte[] physical) {
        handshake.setPhysical(physical);
    }

    /**
     * This node's introduction to everyone it may reach, at connect: the group packets of the next
     * seconds are sent again to each member once it holds this node's key.
     */
    public List<Outgoing> introduce() {
        return handshake.introduceAtConnect();
    }

    /**
     * Seals {@code content[0, length)} (a content-type byte, then the body) for one member
     * (address given) or for all ({@code toAll}), into a new array.
     */
    public byte[] seal(byte[] content, int length, boolean toAll, long destMsb, long destLsb) {
        byte[] buf = new byte[HEADROOM + length + TAILROOM];
        System.arraycopy(content, 0, buf, HEADROOM, length);
        Packet p = sealInPlace(buf, HEADROOM, length, toAll, destMsb, destLsb);
        return java.util.Arrays.copyOfRange(p.bytes(), p.offset(), p.offset() + p.length());
    }

    /**
     * Seals the content {@code buf[off, off+length)} (a content-type byte, then the body) where it
     * lies, for one member (address given) or for all ({@code toAll}): the header goes into the
     * {@link #HEADROOM} bytes before {@code off}, tag and signature into the {@link #TAILROOM}
     * bytes after the content, so that a packet costs no copy and no array of its own.
     *
     * @throws IllegalArgumentException if {@code buf} lacks the room before or after the content
     */
    public Packet sealInPlace(byte[] buf, int off, int length, boolean toAll, long destMsb, long destLsb) {
        if (off < HEADROOM || length < 0 || buf.length - off - length < TAILROOM) {
            throw new IllegalArgumentException("a packet needs " + HEADROOM + " bytes before its content and "
                    + TAILROOM + " after it: content at " + off + ", " + length + " bytes, array of " + buf.length);
        }
        counters.sealed.incrementAndGet();
        if (!toAll) {
            PeerSession s = handshake.sessions().byAddress(destMsb, destLsb);
            if (s != null && s.latestGen > 0) {
                int start = handshake.sealer().pairInPlace(s, buf, off, length);
                if (start >= 0) {
                    return new Packet(buf, start, PacketSealer.pairLength(length));
                }
            }
        }
        int start = handshake.sealer().groupInPlace(buf, off, length);
        counters.signed.incrementAndGet();
        int len = PacketSealer.groupLength(length);
        handshake.sentGroup(buf, start, len);
        return new Packet(buf, start, len);
    }

    /** Opens one inbound packet; its bytes are left as they are. */
    public Opened open(byte[] b, int off, int len) {
        return open(b, off, len, false);
    }

    /**
     * Opens one inbound packet whose array the caller owns and gives up: a pair packet is
     * decrypted where it lies, and the message's bytes are a range of {@code b}. Refuses exactly
     * what {@link #open(byte[], int, int)} refuses.
     */
    public Opened openInPlace(byte[] b, int off, int len) {
        return open(b, off, len, true);
    }

    private Opened open(byte[] b, int off, int len, boolean inPlace) {
        if (len > SealFormat.MAX_PACKET) {
            return refused(SealCounters.Reason.MALFORMED);
        }
        int kind = SealFormat.kind(b, off, len);
        Opened o = switch (kind) {
            case SealFormat.KIND_HELLO -> handshake.onHello(b, off, len);
            case SealFormat.KIND_PAIR -> openPair(b, off, len, inPlace);
            case SealFormat.KIND_GROUP -> openGroup(b, off, len);
            default -> refused(SealCounters.Reason.MALFORMED);
        };
        if (o instanceof Opened.Message) {
            counters.opened.incrementAndGet();
        }
        return o;
    }

    private Opened openPair(byte[] b, int off, int len, boolean inPlace) {
        if (len < SealFormat.PAIR_HEADER + Aead.TAG + 1) {
            return refused(SealCounters.Reason.MALFORMED);
        }
        long senderSession = SealFormat.getLong(b, off + 4);
        int senderGen = SealFormat.getInt(b, off + 12);
        long recipientSession = SealFormat.getLong(b, off + 16);
        int recipientGen = SealFormat.getInt(b, off + 24);
        long counter = SealFormat.getLong(b, off + 28);
        PeerSession s = handshake.sessions().byId(senderSession);
        PairKeys pk = recipientSession == handshake.sessionId() && s != null
                ? handshake.sealer().forReceive(s, recipientGen, senderGen) : null;
        if (pk == null) {
            return handshake.unknownSender();
        }
        if (!pk.receiveWindow.mayAccept(counter)) {
            return refused(SealCounters.Reason.REPLAYED);
        }
        if (!inPlace) {
            b = java.util.Arrays.copyOfRange(b, off, off + len);
            off = 0;
        }
        int plain = off + SealFormat.PAIR_HEADER;
        int plainLen = len - SealFormat.PAIR_HEADER - Aead.TAG;
        if (!Aead.openInPlace(pk.receive, SealFormat.KIND_PAIR, counter, b, off, SealFormat.PAIR_HEADER, plain,
                plainLen + Aead.TAG)) {
            return refused(SealCounters.Reason.TAMPERED);
        }
        if (!pk.receiveWindow.accept(counter)) {
            return refused(SealCounters.Reason.REPLAYED);
        }
        handshake.heardFrom(s, recipientGen);
        if (b[plain] == SealFormat.CONTENT_MESSAGE) {
            return new Opened.Message(s.name, s.addressMsb, s.addressLsb, b, plain + 1, plainLen - 1);
        }
        return handshake.onControl(s, java.util.Arrays.copyOfRange(b, plain, plain + plainLen));
    }

    private Opened openGroup(byte[] b, int off, int len) {
        int body = len - SealFormat.GROUP_HEADER - SealFormat.SIGNATURE;
        if (body < Aead.TAG + 1) {
            return refused(SealCounters.Reason.MALFORMED);
        }
        long senderSession = SealFormat.getLong(b, off + 4);
        int keyGen = SealFormat.getInt(b, off + 12);
        long counter = SealFormat.getLong(b, off + 16);
        PeerSession s = handshake.sessions().byId(senderSession);
        PeerSession.GroupKey gk = s == null ? null : s.groupKeys.get(keyGen);
        if (gk == null) {
            return handshake.unknownSender();
        }
        if (!gk.window().mayAccept(counter)) {
            return refused(SealCounters.Reason.REPLAYED);
        }
        byte[] plain = Aead.open(gk.key(), SealFormat.KIND_GROUP, counter, b, off, SealFormat.GROUP_HEADER,
                off + SealFormat.GROUP_HEADER, body);
        if (plain == null) {
            return refused(SealCounters.Reason.TAMPERED);
        }
        byte[] sig = java.util.Arrays.copyOfRange(b, off + len - SealFormat.SIGNATURE, off + len);
        if (!Ed25519.verify(s.certificateOf(keyGen).publicKey(), sig, b, off, len - SealFormat.SIGNATURE)) {
            return refused(SealCounters.Reason.BAD_SIGNATURE);
        }
        counters.verified.incrementAndGet();
        if (!gk.window().accept(counter)) {
            return refused(SealCounters.Reason.REPLAYED);
        }
        s.lastValidNanos = nanos.getAsLong();
        if (plain[0] != SealFormat.CONTENT_MESSAGE) {
            return refused(SealCounters.Reason.MALFORMED);
        }
        return new Opened.Message(s.name, s.addressMsb, s.addressLsb, plain, 1, plain.length - 1);
    }

    /** Counts a refusal the adapter found (a message that does not parse, or speaks for another member). */
    public void refuse(SealCounters.Reason r) {
        counters.refuse(r);
    }

    private Opened refused(SealCounters.Reason r) {
        counters.refuse(r);
        return new Opened.Refused(r, List.of());
    }

    /** Periodic work (every half second): repeats, key switches, expiry, revocation, rotation. */
    public Handshake.Tick tick() {
        return handshake.tick();
    }

    /** New credentials and revocations (reload): refused sessions end, keys rotate. */
    public Handshake.Tick reload(Credentials credentials, Revocations revoked) {
        return handshake.reload(credentials, revoked);
    }

    /** Replaces this node's keys now; with {@code askPeers} every member is asked to do the same. */
    public List<Outgoing> rekey(boolean askPeers) {
        return handshake.rekey(askPeers);
    }

    /** The certified name of the session at this JGroups address, or null. */
    public String nameOf(long msb, long lsb) {
        PeerSession s = handshake.sessions().byAddress(msb, lsb);
        return s == null ? null : s.name;
    }

    /**
     * Whether the session at this address is its node's newest: a restarted node has a new session
     * and address while the view may still list the old one until it is suspected.
     */
    public boolean isCurrent(long msb, long lsb) {
        PeerSession s = handshake.sessions().byAddress(msb, lsb);
        return s != null && handshake.sessions().byName(s.name) == s;
    }

    /** Sessions that have this node's current keys and whose keys this node holds (self excluded). */
    public int readyPeers() {
        return handshake.readyPeers();
    }

    public SealStatus status() {
        return handshake.status();
    }

    public SealCounters counters() {
        return counters;
    }
}
