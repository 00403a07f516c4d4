package io.syncnode.node.seal;

import io.syncnode.node.trust.CertificateRejectedException;
import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.PeerCertificate;
import io.syncnode.node.trust.Revocations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Key rotation and the handshake's timer: a new generation every {@code rotateEvery}, on request
 * (REKEY) and after a revocation (group packets switch at once then); the tick that repeats
 * unanswered hellos and keys, forgets retired and idle sessions, drops members whose certificate
 * expired or was revoked, and warns before this node's own certificate expires; and a reload of
 * credentials and revocations.
 *
 * <p>Runs on the seal's tick (a JGroups timer thread), the thread of a reload, or the thread that
 * opened a REKEY, always under the handshake's lock.
 */
final class KeyRotation {
    private static final Logger LOG = Logger.getLogger(Handshake.class.getName());

    private final Handshake handshake;
    private final Generations generations;
    private final LongSupplier nanos;
    private final long rotateEvery;
    private long lastRekey = Long.MIN_VALUE / 2;
    private long lastExpiryWarning = Long.MIN_VALUE / 2;

    KeyRotation(Handshake handshake, Generations generations, LongSupplier nanos, long rotateEvery) {
        this.handshake = handshake;
        this.generations = generations;
        this.nanos = nanos;
        this.rotateEvery = rotateEvery;
    }

    /** A peer asked every member to replace its keys: rotates, at most every {@link Handshake#REKEY_GAP}. */
    List<Outgoing> onRekey(PeerSession s) {
        long now = nanos.getAsLong();
        if (now - lastRekey < Handshake.REKEY_GAP) {
            return List.of();
        }
        LOG.info(() -> s.name + " asked every member to replace its keys");
        return rotate(false, now);
    }

    List<Outgoing> rekey(boolean askPeers) {
        long now = nanos.getAsLong();
        List<Outgoing> out = new ArrayList<>();
        if (askPeers) {
            byte[] ask = {SealFormat.CONTENT_REKEY};
            for (PeerSession s : handshake.peers()) {
                if (s.latestGen > 0) {
                    handshake.keys().pairTo(s, ask, out);
                }
            }
        }
        out.addAll(rotate(false, now));
        return out;
    }

    /** A new generation; {@code immediate}: group packets use it at once (after a revocation). */
    private List<Outgoing> rotate(boolean immediate, long now) {
        lastRekey = now;
        LocalGeneration next = generations.rotate(immediate, now, Handshake.GROUP_SWITCH, Handshake.PREVIOUS_GRACE,
                handshake.credentials());
        adoptOwn(next);
        LOG.fine(() -> "keys rotated to generation " + next.gen + (immediate ? " (group packets at once)" : ""));
        List<Outgoing> out = new ArrayList<>();
        for (PeerSession s : handshake.peers()) {
            s.lastHelloSentNanos = Long.MIN_VALUE / 2;
            s.lastKeySentNanos = Long.MIN_VALUE / 2;
            handshake.answer(s, now, 0, out);
        }
        return out;
    }

    /** This node's own session holds generation {@code g} as a peer's would, known and acknowledged. */
    void adoptOwn(LocalGeneration g) {
        PeerSession self = handshake.self();
        self.addEphemeral(g.gen, g.ephemeralPublic);
        self.certificates.put(g.gen, g.signer.certificate());
        self.addGroupKey(new PeerSession.GroupKey(g.gen, g.senderKeyBytes, 0));
        self.knowsMyGen = g.gen;
        self.ackedMyKeyGen = g.gen;
    }

    Handshake.Tick tick() {
        long now = nanos.getAsLong();
        Instant at = handshake.wall().instant();
        Revocations revoked = handshake.revoked();
        List<Outgoing> out = new ArrayList<>();
        List<long[]> suspects = new ArrayList<>();
        boolean removedRefused = false;
        for (PeerSession s : handshake.peers()) {
            PeerCertificate c = s.certificate;
            String refusal = !at.isBefore(c.notAfter()) ? "its certificate expired at " + c.notAfter()
                    : revoked.isRevoked(c.name(), c.fingerprint()) ? "its certificate is revoked" : null;
            if (s.retireAtNanos <= now || now - s.lastValidNanos > Handshake.SESSION_IDLE) {
                handshake.sessions().remove(s);
            } else if (refusal != null) {
                handshake.sessions().remove(s);
                suspects.add(new long[] {s.addressMsb, s.addressLsb});
                removedRefused = true;
                LOG.warning(() -> "dropped " + s.name + " (" + c.fingerprint() + ") from the cluster: " + refusal);
            } else {
                handshake.answer(s, now, now - s.lastValidNanos > 30_000 * Handshake.MS ? Handshake.REPEAT_SLOW
                        : Handshake.REPEAT_FAST, out);
            }
        }
        generations.settle(now, allAcked(), Handshake.PREVIOUS_GRACE);
        if (removedRefused) {
            out.addAll(rotate(true, now));
        } else if (now - generations.current().createdNanos >= rotateEvery) {
            out.addAll(rotate(false, now));
        }
        if (handshake.introductions().due(now)) {
            out.addAll(handshake.introductions().toEveryone());
        }
        warnIfExpiring(at, now);
        return new Handshake.Tick(out, suspects);
    }

    /** Once a day within {@link Handshake#EXPIRY_NOTICE} of the end of this node's certificate: renew it before members drop it. */
    private void warnIfExpiring(Instant at, long now) {
        Credentials credentials = handshake.credentials();
        Instant end = credentials.certificate().notAfter();
        if (at.plus(Handshake.EXPIRY_NOTICE).isAfter(end) && now - lastExpiryWarning >= Handshake.EXPIRY_WARN_EVERY) {
            lastExpiryWarning = now;
            LOG.warning(() -> "this node's certificate (" + credentials.dir() + "/node.crt) expires at " + end
                    + "; members drop a node whose certificate expired: make new credentials (`syncnode keygen node"
                    + " --ca CA --name " + credentials.nodeName() + " --out DIR`), put them in place, `syncnode reload`");
        }
    }

    /**
     * Whether every live peer acknowledged the current sender key: sessions retiring, or silent for
     * {@link Handshake#LIVE} (a member that left keeps its session for a while), are not waited for.
     */
    private boolean allAcked() {
        long now = nanos.getAsLong();
        for (PeerSession s : handshake.peers()) {
            if (s.retireAtNanos == Long.MAX_VALUE && now - s.lastValidNanos < Handshake.LIVE
                    && s.ackedMyKeyGen < generations.current().gen) {
                return false;
            }
        }
        return true;
    }

    /**
     * New credentials and revocations are in place (the handshake took them): members whose
     * certificate no longer verifies are dropped, and keys rotate when any was or this node's own
     * certificate {@code ownChanged}.
     */
    Handshake.Tick reloaded(Credentials fresh, Revocations nowRevoked, boolean ownChanged) {
        long now = nanos.getAsLong();
        List<long[]> suspects = new ArrayList<>();
        for (PeerSession s : handshake.peers()) {
            try {
                s.certificate = fresh.anchors().verify(s.certificate.der(), handshake.wall().instant(), nowRevoked);
            } catch (CertificateRejectedException e) {
                handshake.sessions().remove(s);
                suspects.add(new long[] {s.addressMsb, s.addressLsb});
                LOG.warning(() -> "dropped " + s.name + " from the cluster: " + e.getMessage());
            }
        }
        List<Outgoing> out = new ArrayList<>();
        if (!suspects.isEmpty() || ownChanged) {
            out.addAll(rotate(!suspects.isEmpty(), now));
        }
        return new Handshake.Tick(out, suspects);
    }
}
