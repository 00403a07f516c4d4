package io.syncnode.node.seal;

import io.syncnode.node.trust.CertificateRejectedException;
import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.Ed25519;
import io.syncnode.node.trust.PeerCertificate;
import io.syncnode.node.trust.Revocations;
import java.time.Instant;

/**
 * Who may join: the checks a new or changed introduction must pass, in order (PROTOCOL.md 9.6):
 * a signature check is allowed by the throttle; the certificate chains to a trusted CA, is valid
 * now and not revoked; the introduction is signed by it; its JGroups address derives from the
 * certificate's name and the session id; the name is not this node's own; a known session keeps
 * its name and start time. Called under the handshake's lock.
 */
final class Admission {
    /** The outcome: the verified certificate, or the reason of the refusal. */
    record Verdict(PeerCertificate certificate, SealCounters.Reason refusal) {
        static Verdict refuse(SealCounters.Reason r) {
            return new Verdict(null, r);
        }
    }

    private final HelloThrottle throttle;
    private final LogLimiter log = new LogLimiter();

    Admission(long nowNanos) {
        this.throttle = new HelloThrottle(nowNanos);
    }

    Verdict check(Hello h, PeerSession known, Credentials own, Revocations revoked, Instant at, long now) {
        if (!throttle.take(now)) {
            return Verdict.refuse(SealCounters.Reason.THROTTLED);
        }
        PeerCertificate cert;
        try {
            cert = own.anchors().verify(h.certificate(), at, revoked);
        } catch (CertificateRejectedException e) {
            log.warn("cert " + e.reason() + h.session(), now, () -> "refused a node's introduction: " + e.getMessage());
            return Verdict.refuse(SealCounters.Reason.CERTIFICATE);
        }
        if (!Ed25519.verify(cert.publicKey(), h.signature(), h.signed(), 0, h.signed().length)) {
            return Verdict.refuse(SealCounters.Reason.BAD_SIGNATURE);
        }
        long[] expected = KeyDerivation.address(cert.name(), h.session());
        boolean ownName = cert.name().equals(own.nodeName());
        if (expected[0] != h.addressMsb() || expected[1] != h.addressLsb() || ownName
                || known != null && (!known.name.equals(cert.name()) || known.startedAt != h.startedAt())) {
            log.warn("imp " + cert.fingerprint(), now, () -> "refused an introduction of \"" + cert.name() + "\" ("
                    + cert.fingerprint() + "): " + (ownName
                    ? "it uses this node's own name; is another process running with this node's credentials?"
                    : "it claims a JGroups address or session that is not its own"));
            return Verdict.refuse(SealCounters.Reason.IMPERSONATION);
        }
        return new Verdict(cert, null);
    }
}
