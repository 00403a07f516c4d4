package io.syncnode.node.seal;

import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.PeerCertificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Introductions (hellos): this session's signed {@link Hello}, and the hellos of others. A new
 * session is admitted when {@link Admission} accepts its certificate and it is not older than the
 * session of the same node this node already holds (which then retires after
 * {@link Handshake#RETIRE_GRACE}); each hello is answered with what its sender lacks
 * ({@link Handshake#answer}). A hello repeated unchanged (the same signature) is not verified again.
 *
 * <p>Runs on the thread that opened the packet (a JGroups thread) or the seal's tick, always under
 * the handshake's lock.
 */
final class Introductions {
    private static final Logger LOG = Logger.getLogger(Handshake.class.getName());

    private final Handshake handshake;
    private final Admission admission;
    private final LongSupplier nanos;
    private long lastIntroduced;
    private long lastUnknownIntroduced = Long.MIN_VALUE / 2;

    Introductions(Handshake handshake, Admission admission, LongSupplier nanos, long now) {
        this.handshake = handshake;
        this.admission = admission;
        this.nanos = nanos;
        this.lastIntroduced = now;
    }

    /** This node's introduction, to every member. */
    List<Outgoing> toEveryone() {
        lastIntroduced = nanos.getAsLong();
        return List.of(new Outgoing(new Outgoing.Everyone(), helloPacket()));
    }

    /** Whether {@link Handshake#INTRODUCE_EVERY} passed since this node last introduced itself to everyone. */
    boolean due(long now) {
        return now - lastIntroduced >= Handshake.INTRODUCE_EVERY;
    }

    /** A packet from a session this node does not know: introduces itself again (at most every {@link Handshake#UNKNOWN_GAP}). */
    Opened.Refused unknownSender() {
        handshake.counters().refuse(SealCounters.Reason.UNKNOWN_SENDER);
        long now = nanos.getAsLong();
        if (now - lastUnknownIntroduced < Handshake.UNKNOWN_GAP) {
            return new Opened.Refused(SealCounters.Reason.UNKNOWN_SENDER, List.of());
        }
        lastUnknownIntroduced = now;
        return new Opened.Refused(SealCounters.Reason.UNKNOWN_SENDER, toEveryone());
    }

    byte[] helloPacket() {
        PeerSession self = handshake.self();
        List<Hello.Known> knows = new ArrayList<>();
        for (PeerSession s : handshake.sessions().all()) {
            if (s != self && s.latestGen > 0) {
                knows.add(new Hello.Known(s.session, s.latestGen));
            }
        }
        Credentials c = handshake.credentials();
        LocalGeneration current = handshake.generations().current();
        return Hello.encode(handshake.sessionId(), current.gen, handshake.startedAt(), handshake.address(),
                current.ephemeralPublic, handshake.physical(), c.certificate().der(), knows, c::sign);
    }

    Opened onHello(byte[] b, int off, int len) {
        Hello h = Hello.decode(b, off, len);
        if (h == null) {
            return handshake.refuse(SealCounters.Reason.MALFORMED);
        }
        if (h.session() == handshake.sessionId()) {
            return new Opened.Control(List.of(), null); // our own, looped back
        }
        long now = nanos.getAsLong();
        SessionTable sessions = handshake.sessions();
        PeerSession s = sessions.byId(h.session());
        boolean repeat = s != null && Arrays.equals(s.lastHelloSignature, h.signature());
        Opened.Introduction introduced = null;
        if (!repeat) {
            Admission.Verdict v = admission.check(h, s, handshake.credentials(), handshake.revoked(),
                    handshake.wall().instant(), now);
            if (v.refusal() != null) {
                return handshake.refuse(v.refusal());
            }
            PeerCertificate cert = v.certificate();
            if (s == null) {
                PeerSession known = sessions.byName(cert.name());
                if (known != null && newer(known.startedAt, known.session, h.startedAt(), h.session())) {
                    return handshake.refuse(SealCounters.Reason.STALE);
                }
                if (sessions.size() >= SessionTable.MAX_SESSIONS) {
                    return handshake.refuse(SealCounters.Reason.THROTTLED);
                }
                if (known != null) {
                    known.retireAtNanos = now + Handshake.RETIRE_GRACE;
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
        s.knowsMyGen = Math.max(s.knowsMyGen, h.genKnown(handshake.sessionId()));
        List<Outgoing> out = new ArrayList<>(2);
        handshake.answer(s, now, Handshake.REPLY_GAP, out);
        return new Opened.Control(out, introduced);
    }

    /** Whether (startedA, sessionA) is a newer session than (startedB, sessionB) of the same node. */
    private static boolean newer(long startedA, long sessionA, long startedB, long sessionB) {
        return startedA != startedB ? startedA > startedB : Long.compareUnsigned(sessionA, sessionB) > 0;
    }
}
