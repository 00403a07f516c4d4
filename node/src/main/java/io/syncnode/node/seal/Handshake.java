package io.syncnode.node.seal;

import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.Revocations;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Admission and keys: introductions (hellos), sender-key hand-over, rotation, revocation.
 *
 * <p>Implementation notes. Each node runs one session per process start (random 64-bit id). A
 * session introduces itself with a signed {@link Hello}; a receiver admits it only when its
 * certificate is valid now, chains to a trusted CA, is not revoked, and the JGroups address it
 * claims derives from the certificate's name ({@link KeyDerivation#address}). Both ends then
 * derive pair keys; each sends the other its sender key (KEY) over the pair key and the other
 * acknowledges (KEY_ACK). A hello lists the introductions its sender holds, so a receiver answers
 * only a peer that lacks its own; unanswered hellos and keys are repeated by {@link #tick}.
 * The parts: {@link Introductions} (hellos and admission), {@link SenderKeys} (KEY and KEY_ACK),
 * {@link KeyRotation} (rotation, the tick, reload); this class holds the state they share and
 * the lock, and sends each peer what it lacks ({@link #answer}).
 * A rotation makes a new generation (ephemeral key and sender key): pair packets use it as soon
 * as the peer holds its introduction, group packets once every peer acknowledged the new sender
 * key (or after {@link #GROUP_SWITCH}), at once when the rotation follows a revocation so that the
 * revoked node reads nothing more. All state changes happen under {@code this}'s lock.
 *
 * <p>Thread-safe: called by the threads that seal and open packets (JGroups threads), the seal's
 * tick and a reload; the parts run only under this lock.
 */
public final class Handshake {
    static final long MS = 1_000_000L;
    static final long REPEAT_FAST = 1_000 * MS;
    static final long REPEAT_SLOW = 10_000 * MS;
    static final long REPLY_GAP = 200 * MS;
    static final long GROUP_SWITCH = 5_000 * MS;
    static final long PREVIOUS_GRACE = 60_000 * MS;
    static final long RETIRE_GRACE = 10_000 * MS;
    static final long SESSION_IDLE = 300_000 * MS;
    static final long INTRODUCE_EVERY = 30_000 * MS;
    static final long UNKNOWN_GAP = 2_000 * MS;
    static final long REKEY_GAP = 10_000 * MS;
    /** A session heard from within this time is a live member the key switch waits for. */
    static final long LIVE = 10_000 * MS;
    /** How long before this node's certificate expires it starts warning, and how often. */
    static final java.time.Duration EXPIRY_NOTICE = java.time.Duration.ofDays(30);
    static final long EXPIRY_WARN_EVERY = 86_400_000 * MS;

    /** What a tick or a reload wants done: packets to send, JGroups addresses to suspect. */
    public record Tick(List<Outgoing> send, List<long[]> suspects) {
    }

    private final Clock wall;
    private final LongSupplier nanos;
    private final SealCounters counters;
    private final long sessionId;
    private final long startedAt;
    private final long[] address;
    private final SessionTable sessions = new SessionTable();
    private final EarlyPackets early = new EarlyPackets();
    private final PeerSession self;
    private volatile Credentials credentials;
    private volatile Revocations revoked;
    private volatile byte[] physical = new byte[] {0};
    private final Generations generations;
    private final PacketSealer sealer;
    private final Introductions introductions;
    private final SenderKeys keys;
    private final KeyRotation rotation;
    private volatile boolean earlyOpen;

    Handshake(Credentials credentials, Revocations revoked, Clock wall, LongSupplier nanos, SecureRandom random,
              SealCounters counters, long rotateEvery) {
        this.credentials = credentials;
        this.revoked = revoked;
        this.wall = wall;
        this.nanos = nanos;
        this.counters = counters;
        this.sessionId = random.nextLong();
        this.startedAt = wall.millis();
        this.address = KeyDerivation.address(credentials.nodeName(), sessionId);
        long now = nanos.getAsLong();
        this.introductions = new Introductions(this, new Admission(now), nanos, now);
        this.generations = new Generations(random, now, credentials);
        this.sealer = new PacketSealer(sessionId, generations);
        this.self = new PeerSession(sessionId, credentials.nodeName(), startedAt, address[0], address[1],
                credentials.certificate(), physical, now);
        this.keys = new SenderKeys(generations, sealer, early, nanos);
        this.rotation = new KeyRotation(this, generations, nanos, rotateEvery);
        rotation.adoptOwn(generations.current());
        sessions.add(self);
    }

    long[] address() {
        return address.clone();
    }

    long sessionId() {
        return sessionId;
    }

    long startedAt() {
        return startedAt;
    }

    SessionTable sessions() {
        return sessions;
    }

    PacketSealer sealer() {
        return sealer;
    }

    PeerSession self() {
        return self;
    }

    Generations generations() {
        return generations;
    }

    SealCounters counters() {
        return counters;
    }

    Clock wall() {
        return wall;
    }

    Credentials credentials() {
        return credentials;
    }

    Revocations revoked() {
        return revoked;
    }

    byte[] physical() {
        return physical;
    }

    Introductions introductions() {
        return introductions;
    }

    SenderKeys keys() {
        return keys;
    }

    synchronized void setPhysical(byte[] p) {
        physical = p.clone();
        self.physical = physical;
    }

    /** A pair packet from {@code s} proved authentic and addressed to my generation {@code myGen}. */
    void heardFrom(PeerSession s, int myGen) {
        s.lastValidNanos = nanos.getAsLong();
        if (myGen > s.knowsMyGen) {
            synchronized (this) {
                s.knowsMyGen = Math.max(s.knowsMyGen, myGen);
            }
        }
    }

    synchronized Opened.Refused unknownSender() {
        return introductions.unknownSender();
    }

    // ---------------------------------------------------------------- introductions

    /** At connect: this node introduces itself; the group packets of the next seconds are kept (see {@link EarlyPackets}). */
    synchronized List<Outgoing> introduceAtConnect() {
        early.open(nanos.getAsLong());
        earlyOpen = true;
        return introduceToEveryone();
    }

    /**
     * A group packet just sealed, {@code buf[off, off+len)}: a copy is kept while the connect window
     * is open (no lock and no copy once it closed).
     */
    void sentGroup(byte[] buf, int off, int len) {
        if (earlyOpen) {
            synchronized (this) {
                early.sent(java.util.Arrays.copyOfRange(buf, off, off + len), nanos.getAsLong());
                earlyOpen = early.isOpen();
            }
        }
    }

    synchronized List<Outgoing> introduceToEveryone() {
        return introductions.toEveryone();
    }

    synchronized Opened onHello(byte[] b, int off, int len) {
        return introductions.onHello(b, off, len);
    }

    /** Sends {@code s} what it lacks: this node's introduction, this node's sender key(s). Under the lock. */
    void answer(PeerSession s, long now, long gap, List<Outgoing> out) {
        LocalGeneration current = generations.current();
        if (s.knowsMyGen < current.gen && now - s.lastHelloSentNanos >= gap) {
            s.lastHelloSentNanos = now;
            out.add(SenderKeys.to(s, introductions.helloPacket()));
        }
        if (s.latestGen > 0 && s.ackedMyKeyGen < current.gen && now - s.lastKeySentNanos >= gap) {
            s.lastKeySentNanos = now;
            keys.send(s, out);
        }
    }

    // ---------------------------------------------------------------- keys over pair packets

    synchronized Opened onControl(PeerSession s, byte[] plain) {
        List<Outgoing> out = new ArrayList<>(1);
        boolean wellFormed = switch (plain[0]) {
            case SealFormat.CONTENT_KEY -> keys.onKey(s, plain, out);
            case SealFormat.CONTENT_KEY_ACK -> keys.onKeyAck(s, plain, out);
            case SealFormat.CONTENT_REKEY -> {
                if (plain.length == 1) {
                    out.addAll(rotation.onRekey(s));
                }
                yield true;
            }
            default -> false;
        };
        return wellFormed ? new Opened.Control(out, null) : refuse(SealCounters.Reason.MALFORMED);
    }

    // ---------------------------------------------------------------- rotation, revocation, ticks

    synchronized List<Outgoing> rekey(boolean askPeers) {
        return rotation.rekey(askPeers);
    }

    synchronized Tick tick() {
        return rotation.tick();
    }

    synchronized Tick reload(Credentials fresh, Revocations nowRevoked) {
        boolean ownChanged = !fresh.certificate().fingerprint().equals(credentials.certificate().fingerprint());
        credentials = fresh;
        revoked = nowRevoked;
        self.certificate = fresh.certificate();
        return rotation.reloaded(fresh, nowRevoked, ownChanged);
    }

    // ---------------------------------------------------------------- views

    List<PeerSession> peers() {
        List<PeerSession> out = new ArrayList<>();
        for (PeerSession s : sessions.all()) {
            if (s != self) {
                out.add(s);
            }
        }
        return out;
    }

    int readyPeers() {
        return (int) status().peers().stream().filter(SealStatus.Peer::ready).count();
    }

    synchronized SealStatus status() {
        return SealStatus.of(credentials, generations.current().gen, peers(), counters);
    }

    Opened.Refused refuse(SealCounters.Reason r) {
        counters.refuse(r);
        return new Opened.Refused(r, List.of());
    }
}
