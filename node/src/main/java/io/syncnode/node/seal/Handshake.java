package io.syncnode.node.seal;

import io.syncnode.node.trust.CertificateRejectedException;
import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.PeerCertificate;
import io.syncnode.node.trust.Revocations;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

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
 * A rotation makes a new generation (ephemeral key and sender key): pair packets use it as soon
 * as the peer holds its introduction, group packets once every peer acknowledged the new sender
 * key (or after {@link #GROUP_SWITCH}), at once when the rotation follows a revocation so that the
 * revoked node reads nothing more. All state changes happen under {@code this}'s lock.
 */
public final class Handshake {
    private static final Logger LOG = Logger.getLogger(Handshake.class.getName());
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
    private final SecureRandom random;
    private final SealCounters counters;
    private final long rotateEvery;
    private final long sessionId;
    private final long startedAt;
    private final long[] address;
    private final SessionTable sessions = new SessionTable();
    private final Admission admission;
    private final EarlyPackets early = new EarlyPackets();
    private final PeerSession self;
    private volatile Credentials credentials;
    private volatile Revocations revoked;
    private volatile byte[] physical = new byte[] {0};
    private final Generations generations;
    private final PacketSealer sealer;
    private long lastIntroduced;
    private long lastUnknownIntroduced = Long.MIN_VALUE / 2;
    private long lastRekey = Long.MIN_VALUE / 2;
    private long lastExpiryWarning = Long.MIN_VALUE / 2;

    Handshake(Credentials credentials, Revocations revoked, Clock wall, LongSupplier nanos, SecureRandom random,
              SealCounters counters, long rotateEvery) {
        this.credentials = credentials;
        this.revoked = revoked;
        this.wall = wall;
        this.nanos = nanos;
        this.random = random;
        this.counters = counters;
        this.rotateEvery = rotateEvery;
        this.sessionId = random.nextLong();
        this.startedAt = wall.millis();
        this.address = KeyDerivation.address(credentials.nodeName(), sessionId);
        long now = nanos.getAsLong();
        this.admission = new Admission(now);
        this.lastIntroduced = now;
        this.generations = new Generations(random, now, credentials);
        this.sealer = new PacketSealer(sessionId, generations);
        this.self = new PeerSession(sessionId, credentials.nodeName(), startedAt, address[0], address[1],
                credentials.certificate(), physical, now);
        adoptOwn(generations.current());
        sessions.add(self);
    }

    long[] address() {
        return address.clone();
    }

    long sessionId() {
        return sessionId;
    }

    SessionTable sessions() {
        return sessions;
    }

    PacketSealer sealer() {
        return sealer;
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
        counters.refuse(SealCounters.Reason.UNKNOWN_SENDER);
        long now = nanos.getAsLong();
        if (now - lastUnknownIntroduced < UNKNOWN_GAP) {
            return new Opened.Refused(SealCounters.Reason.UNKNOWN_SENDER, List.of());
        }
        lastUnknownIntroduced = now;
        return new Opened.Refused(SealCounters.Reason.UNKNOWN_SENDER, introduceToEveryone());
    }

    // ---------------------------------------------------------------- introductions

    /** At connect: this node introduces itself; the group packets of the next seconds are kept (see {@link EarlyPackets}). */
    synchronized List<Outgoing> introduceAtConnect() {
        early.open(nanos.getAsLong());
        earlyOpen = true;
        return introduceToEveryone();
    }

    /** A group packet just sealed (kept while the connect window is open; no lock once it closed). */
    void sentGroup(byte[] packet) {
        if (earlyOpen) {
            synchronized (this) {
                early.sent(packet, nanos.getAsLong());
                earlyOpen = early.isOpen();
            }
        }
    }

    private volatile boolean earlyOpen;

    synchronized List<Outgoing> introduceToEveryone() {
        lastIntroduced = nanos.getAsLong();
        return List.of(new Outgoing(new Outgoing.Everyone(), helloPacket()));
    }

    private byte[] helloPacket() {
        List<Hello.Known> knows = new ArrayList<>();
        for (PeerSession s : sessions.all()) {
            if (s != self && s.latestGen > 0) {
                knows.add(new Hello.Known(s.session, s.latestGen));
            }
        }
        Credentials c = credentials;
        LocalGeneration current = generations.current();
        return Hello.encode(sessionId, current.gen, startedAt, address, current.ephemeralPublic, physical,
                c.certificate().der(), knows, c::sign);
    }

    synchronized Opened onHello(byte[] b, int off, int len) {
        Hello h = Hello.decode(b, off, len);
        if (h == null) {
            return refuse(SealCounters.Reason.MALFORMED);
        }
        if (h.session() == sessionId) {
            return new Opened.Control(List.of(), null); // our own, looped back
        }
        long now = nanos.getAsLong();
        PeerSession s = sessions.byId(h.session());
        boolean repeat = s != null && Arrays.equals(s.lastHelloSignature, h.signature());
        Opened.Introduction introduced = null;
        if (!repeat) {
            Admission.Verdict v = admission.check(h, s, credentials, revoked, wall.instant(), now);
            if (v.refusal() != null) {
                return refuse(v.refusal());
            }
            PeerCertificate cert = v.certificate();
            if (s == null) {
                PeerSession known = sessions.byName(cert.name());
                if (known != null && newer(known.startedAt, known.session, h.startedAt(), h.session())) {
                    return refuse(SealCounters.Reason.STALE);
                }
                if (sessions.size() >= SessionTable.MAX_SESSIONS) {
                    return refuse(SealCounters.Reason.THROTTLED);
                }
                if (known != null) {
                    known.retireAtNanos = now + RETIRE_GRACE;
                }
                s = new PeerSession(h.session(), cert.name(), h.startedAt(), h.addressMsb(), h.addressLsb(), cert,
                        h.physical(), now);
                sessions.add(s);
                introduced = new Opened.Introduction(s.addressMsb, s.addressLsb, s.name, s.physical);
                LOG.info(() -> "admitted " + cert.name() + " (" + cert.fingerprint() + ")");
            }
            s.certificate = cert;
            s.physical = h.physical();
            s.addEphemeral(h.gen(), h.ephemeral());
            s.certificates.put(h.gen(), cert);
            s.lastHelloSignature = h.signature();
            s.lastValidNanos = now;
        }
        s.knowsMyGen = Math.max(s.knowsMyGen, h.genKnown(sessionId));
        List<Outgoing> out = new ArrayList<>(2);
        answer(s, now, REPLY_GAP, out);
        return new Opened.Control(out, introduced);
    }

    /** Whether (startedA, sessionA) is a newer session than (startedB, sessionB) of the same node. */
    private static boolean newer(long startedA, long sessionA, long startedB, long sessionB) {
        return startedA != startedB ? startedA > startedB : Long.compareUnsigned(sessionA, sessionB) > 0;
    }

    /** Sends {@code s} what it lacks: this node's introduction, this node's sender key(s). */
    private void answer(PeerSession s, long now, long gap, List<Outgoing> out) {
        LocalGeneration current = generations.current();
        if (s.knowsMyGen < current.gen && now - s.lastHelloSentNanos >= gap) {
            s.lastHelloSentNanos = now;
            out.add(to(s, helloPacket()));
        }
        if (s.latestGen > 0 && s.ackedMyKeyGen < current.gen && now - s.lastKeySentNanos >= gap) {
            s.lastKeySentNanos = now;
            if (generations.switching()) {
                addKey(s, generations.groupSend(), out);
            }
            addKey(s, current, out);
        }
    }

    private void addKey(PeerSession s, LocalGeneration g, List<Outgoing> out) {
        byte[] content = new byte[1 + 4 + KeyDerivation.KEY + 8];
        content[0] = SealFormat.CONTENT_KEY;
        SealFormat.putInt(content, 1, g.gen);
        System.arraycopy(g.senderKeyBytes, 0, content, 5, KeyDerivation.KEY);
        // the floor of the receiver's window: group packets sealed before it (replays) are refused,
        // but for the early packets of the connect window, which it gets once more (EarlyPackets)
        long floor = g.gen == 1 && early.keepsAny(nanos.getAsLong()) ? 0 : g.groupCounter.get();
        SealFormat.putLong(content, 5 + KeyDerivation.KEY, floor);
        byte[] p = sealer.pair(s, content, 0, content.length);
        if (p != null) {
            out.add(to(s, p));
        }
    }

    private static Outgoing to(PeerSession s, byte[] packet) {
        return new Outgoing(new Outgoing.ToSession(s.addressMsb, s.addressLsb, s.physical), packet);
    }

    // ---------------------------------------------------------------- keys over pair packets

    synchronized Opened onControl(PeerSession s, byte[] plain) {
        List<Outgoing> out = new ArrayList<>(1);
        switch (plain[0]) {
            case SealFormat.CONTENT_KEY -> {
                if (plain.length != 1 + 4 + KeyDerivation.KEY + 8) {
                    return refuse(SealCounters.Reason.MALFORMED);
                }
                int gen = SealFormat.getInt(plain, 1);
                long floor = SealFormat.getLong(plain, 5 + KeyDerivation.KEY);
                if (gen <= 0 || floor < 0) {
                    return refuse(SealCounters.Reason.MALFORMED);
                }
                if (!s.groupKeys.containsKey(gen)) {
                    s.addGroupKey(new PeerSession.GroupKey(gen, Arrays.copyOfRange(plain, 5, 5 + KeyDerivation.KEY), floor));
                }
                byte[] ack = new byte[5];
                ack[0] = SealFormat.CONTENT_KEY_ACK;
                SealFormat.putInt(ack, 1, gen);
                byte[] p = sealer.pair(s, ack, 0, ack.length);
                if (p != null) {
                    out.add(to(s, p));
                }
            }
            case SealFormat.CONTENT_KEY_ACK -> {
                if (plain.length != 5) {
                    return refuse(SealCounters.Reason.MALFORMED);
                }
                int gen = SealFormat.getInt(plain, 1);
                if (gen <= generations.current().gen && gen > s.ackedMyKeyGen) {
                    boolean first = s.ackedMyKeyGen == 0;
                    s.ackedMyKeyGen = gen;
                    if (first) {
                        for (byte[] p : early.forNewlyReady(nanos.getAsLong())) {
                            out.add(to(s, p)); // what it refused before it held our key
                        }
                    }
                }
            }
            case SealFormat.CONTENT_REKEY -> {
                long now = nanos.getAsLong();
                if (plain.length == 1 && now - lastRekey >= REKEY_GAP) {
                    LOG.info(() -> s.name + " asked every member to replace its keys");
                    out.addAll(rotate(false, now));
                }
            }
            default -> {
                return refuse(SealCounters.Reason.MALFORMED);
            }
        }
        return new Opened.Control(out, null);
    }

    // ---------------------------------------------------------------- rotation, revocation, ticks

    synchronized List<Outgoing> rekey(boolean askPeers) {
        long now = nanos.getAsLong();
        List<Outgoing> out = new ArrayList<>();
        if (askPeers) {
            byte[] ask = {SealFormat.CONTENT_REKEY};
            for (PeerSession s : peers()) {
                byte[] p = s.latestGen > 0 ? sealer.pair(s, ask, 0, 1) : null;
                if (p != null) {
                    out.add(to(s, p));
                }
            }
        }
        out.addAll(rotate(false, now));
        return out;
    }

    /** A new generation; {@code immediate}: group packets use it at once (after a revocation). */
    private List<Outgoing> rotate(boolean immediate, long now) {
        lastRekey = now;
        LocalGeneration next = generations.rotate(immediate, now, GROUP_SWITCH, PREVIOUS_GRACE, credentials);
        adoptOwn(next);
        LOG.fine(() -> "keys rotated to generation " + next.gen + (immediate ? " (group packets at once)" : ""));
        List<Outgoing> out = new ArrayList<>();
        for (PeerSession s : peers()) {
            s.lastHelloSentNanos = Long.MIN_VALUE / 2;
            s.lastKeySentNanos = Long.MIN_VALUE / 2;
            answer(s, now, 0, out);
        }
        return out;
    }

    private void adoptOwn(LocalGeneration g) {
        self.addEphemeral(g.gen, g.ephemeralPublic);
        self.certificates.put(g.gen, g.signer.certificate());
        self.addGroupKey(new PeerSession.GroupKey(g.gen, g.senderKeyBytes, 0));
        self.knowsMyGen = g.gen;
        self.ackedMyKeyGen = g.gen;
    }

    synchronized Tick tick() {
        long now = nanos.getAsLong();
        Instant at = wall.instant();
        List<Outgoing> out = new ArrayList<>();
        List<long[]> suspects = new ArrayList<>();
        boolean removedRefused = false;
        for (PeerSession s : peers()) {
            PeerCertificate c = s.certificate;
            String refusal = !at.isBefore(c.notAfter()) ? "its certificate expired at " + c.notAfter()
                    : revoked.isRevoked(c.name(), c.fingerprint()) ? "its certificate is revoked" : null;
            if (s.retireAtNanos <= now || now - s.lastValidNanos > SESSION_IDLE) {
                sessions.remove(s);
            } else if (refusal != null) {
                sessions.remove(s);
                suspects.add(new long[] {s.addressMsb, s.addressLsb});
                removedRefused = true;
                LOG.warning(() -> "dropped " + s.name + " (" + c.fingerprint() + ") from the cluster: " + refusal);
            } else {
                answer(s, now, now - s.lastValidNanos > 30_000 * MS ? REPEAT_SLOW : REPEAT_FAST, out);
            }
        }
        generations.settle(now, allAcked(), PREVIOUS_GRACE);
        if (removedRefused) {
            out.addAll(rotate(true, now));
        } else if (now - generations.current().createdNanos >= rotateEvery) {
            out.addAll(rotate(false, now));
        }
        if (now - lastIntroduced >= INTRODUCE_EVERY) {
            out.addAll(introduceToEveryone());
        }
        warnIfExpiring(at, now);
        return new Tick(out, suspects);
    }

    /** Once a day within {@link #EXPIRY_NOTICE} of the end of this node's certificate: renew it before members drop it. */
    private void warnIfExpiring(Instant at, long now) {
        Instant end = credentials.certificate().notAfter();
        if (at.plus(EXPIRY_NOTICE).isAfter(end) && now - lastExpiryWarning >= EXPIRY_WARN_EVERY) {
            lastExpiryWarning = now;
            LOG.warning(() -> "this node's certificate (" + credentials.dir() + "/node.crt) expires at " + end
                    + "; members drop a node whose certificate expired: make new credentials (`syncnode keygen node"
                    + " --ca CA --name " + credentials.nodeName() + " --out DIR`), put them in place, `syncnode reload`");
        }
    }

    /**
     * Whether every live peer acknowledged the current sender key: sessions retiring, or silent for
     * {@link #LIVE} (a member that left keeps its session for a while), are not waited for.
     */
    private boolean allAcked() {
        long now = nanos.getAsLong();
        for (PeerSession s : peers()) {
            if (s.retireAtNanos == Long.MAX_VALUE && now - s.lastValidNanos < LIVE
                    && s.ackedMyKeyGen < generations.current().gen) {
                return false;
            }
        }
        return true;
    }

    synchronized Tick reload(Credentials fresh, Revocations nowRevoked) {
        boolean ownChanged = !fresh.certificate().fingerprint().equals(credentials.certificate().fingerprint());
        credentials = fresh;
        revoked = nowRevoked;
        self.certificate = fresh.certificate();
        long now = nanos.getAsLong();
        List<long[]> suspects = new ArrayList<>();
        for (PeerSession s : peers()) {
            try {
                s.certificate = fresh.anchors().verify(s.certificate.der(), wall.instant(), nowRevoked);
            } catch (CertificateRejectedException e) {
                sessions.remove(s);
                suspects.add(new long[] {s.addressMsb, s.addressLsb});
                LOG.warning(() -> "dropped " + s.name + " from the cluster: " + e.getMessage());
            }
        }
        List<Outgoing> out = new ArrayList<>();
        if (!suspects.isEmpty() || ownChanged) {
            out.addAll(rotate(!suspects.isEmpty(), now));
        }
        return new Tick(out, suspects);
    }

    // ---------------------------------------------------------------- views

    private List<PeerSession> peers() {
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

    private Opened.Refused refuse(SealCounters.Reason r) {
        counters.refuse(r);
        return new Opened.Refused(r, List.of());
    }
}
