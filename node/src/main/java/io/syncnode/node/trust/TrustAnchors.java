package io.syncnode.node.trust;

import io.syncnode.node.trust.CertificateRejectedException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.operator.ContentVerifierProvider;

/**
 * The CA certificates a node trusts (its {@code ca.crt} bundle), and the one check of a peer's
 * node certificate against them. Immutable and thread-safe.
 *
 * <p>Implementation note: {@link #verify} checks cheap structure first (it is a node certificate
 * at all), then who signed it: the anchors whose subject is the certificate's issuer are
 * candidates, those whose SubjectKeyIdentifier matches its AuthorityKeyIdentifier first, and the
 * first whose key verifies the signature is the issuer. Only then are revocation and both
 * validity periods (the CA's and the certificate's) looked at, so that a forged certificate is
 * reported as forged rather than as expired. A start in the future is accepted up to
 * {@link #CLOCK_SLACK}, as node clocks are never exactly in step.
 */
public final class TrustAnchors {
    /** How far in the future a certificate's notBefore may be and still be accepted. */
    public static final Duration CLOCK_SLACK = Duration.ofMinutes(5);

    /** A trusted CA and a verifier for its key, built once. */
    private record Anchor(ParsedCertificate certificate, ContentVerifierProvider verifier) {
    }

    private final List<Anchor> anchors;

    private TrustAnchors(List<Anchor> anchors) {
        this.anchors = anchors;
    }

    /**
     * Reads a PEM bundle of CA certificates.
     *
     * @throws CredentialsException naming {@code caBundle} when it cannot be read, holds no
     *                              certificate, or holds one that is not a self-signed Ed25519 CA
     */
    public static TrustAnchors load(Path caBundle) throws CredentialsException {
        List<byte[]> ders = CredentialFiles.readPem(caBundle, Pem.CERTIFICATE, null);
        if (ders.isEmpty()) {
            throw new CredentialsException(caBundle + " holds no PEM CERTIFICATE; it must hold the certificates of "
                    + "the CAs this node trusts (the ca.crt that `syncnode keygen node` writes)");
        }
        return build(ders, caBundle + ": ");
    }

    /**
     * The anchors for CA certificates given as DER.
     *
     * @throws CredentialsException when the list is empty or one is not a self-signed Ed25519 CA
     */
    public static TrustAnchors of(List<byte[]> caCertDers) throws CredentialsException {
        if (caCertDers.isEmpty()) {
            throw new CredentialsException("no CA certificate to trust");
        }
        return build(caCertDers, "");
    }

    private static TrustAnchors build(List<byte[]> ders, String where) throws CredentialsException {
        Map<Fingerprint, Anchor> anchors = new LinkedHashMap<>();
        for (int i = 0; i < ders.size(); i++) {
            String which = where + "certificate " + (i + 1) + " of " + ders.size();
            ParsedCertificate ca;
            try {
                ca = ParsedCertificate.parse(ders.get(i));
            } catch (IllegalArgumentException e) {
                throw new CredentialsException(which + " is " + e.getMessage(), e);
            }
            String problem = anchorProblem(ca);
            if (problem != null) {
                throw new CredentialsException(which + " (" + ca.subject() + ") " + problem
                        + "; a trust bundle holds only CA certificates made by `syncnode keygen ca`");
            }
            anchors.putIfAbsent(ca.fingerprint(), new Anchor(ca, ca.verifier()));
        }
        return new TrustAnchors(List.copyOf(anchors.values()));
    }

    /** Why {@code ca} cannot be a trust anchor, or null if it can. */
    private static String anchorProblem(ParsedCertificate ca) {
        if (ca.ed25519Key() == null) {
            return "does not have an Ed25519 key";
        }
        if (!ca.hasCaConstraint()) {
            return "is not a CA certificate (no BasicConstraints CA:true)";
        }
        if (!ca.isSelfIssued() || !ca.isSignedBy(ca.verifier())) {
            return "is not self-signed";
        }
        return null;
    }

    /** The trusted CA certificates' fingerprints, in bundle order. */
    public List<Fingerprint> fingerprints() {
        return anchors.stream().map(a -> a.certificate().fingerprint()).toList();
    }

    /** The trusted CA certificates, in bundle order. */
    List<ParsedCertificate> certificates() {
        return anchors.stream().map(Anchor::certificate).toList();
    }

    /**
     * Checks a peer's node certificate at {@code now}: DER X.509; an Ed25519 key, not a CA, the
     * subject CN a node name; issued by one of the anchors (same subject, the anchor's key
     * verifies the signature); neither its node name nor its fingerprint {@code revoked}; the
     * issuing CA and the certificate itself valid: {@code notBefore <= now + CLOCK_SLACK} and
     * {@code now < notAfter}.
     *
     * @throws CertificateRejectedException with the first failed check as reason
     */
    public PeerCertificate verify(byte[] der, Instant now, Revocations revoked) throws CertificateRejectedException {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(revoked, "revoked");
        ParsedCertificate cert;
        try {
            cert = ParsedCertificate.parse(der);
        } catch (IllegalArgumentException e) {
            throw new CertificateRejectedException(Reason.MALFORMED, "certificate of "
                    + (der == null ? 0 : der.length) + " bytes is malformed: " + e.getMessage());
        }
        String name = cert.commonName();
        if (cert.isCa()) {
            throw rejected(Reason.NOT_A_NODE_CERTIFICATE, cert, "is a CA certificate, not a node certificate");
        }
        if (cert.ed25519Key() == null) {
            throw rejected(Reason.NOT_A_NODE_CERTIFICATE, cert, "does not have an Ed25519 key");
        }
        if (!NodeName.isValid(name)) {
            throw rejected(Reason.NOT_A_NODE_CERTIFICATE, cert,
                    "names no node: its subject must be CN=<node name> (" + NodeName.RULE + ")");
        }
        ParsedCertificate ca = issuerOf(cert);
        if (revoked.isRevoked(name, null)) {
            throw rejected(Reason.REVOKED, cert, "is revoked: [cluster] revoked lists \"" + name + "\"");
        }
        if (revoked.isRevoked(null, cert.fingerprint())) {
            throw rejected(Reason.REVOKED, cert, "is revoked: [cluster] revoked lists its fingerprint");
        }
        if (!now.isBefore(ca.notAfter())) {
            throw rejected(Reason.EXPIRED, cert, "was issued by CA \"" + ca.subject() + "\" (" + ca.fingerprint()
                    + "), which expired at " + ca.notAfter());
        }
        if (ca.notBefore().isAfter(now.plus(CLOCK_SLACK))) {
            throw rejected(Reason.NOT_YET_VALID, cert, "was issued by CA \"" + ca.subject() + "\" ("
                    + ca.fingerprint() + "), which is not valid before " + ca.notBefore() + " (now is " + now + ")");
        }
        if (!now.isBefore(cert.notAfter())) {
            throw rejected(Reason.EXPIRED, cert, "expired at " + cert.notAfter());
        }
        if (cert.notBefore().isAfter(now.plus(CLOCK_SLACK))) {
            throw rejected(Reason.NOT_YET_VALID, cert, "is not valid before " + cert.notBefore() + " (now is " + now
                    + "; clocks may differ by up to " + CLOCK_SLACK.toMinutes() + " minutes)");
        }
        return new PeerCertificate(name, cert.fingerprint(), cert.ed25519Key(), cert.notBefore(), cert.notAfter(),
                ca.fingerprint(), cert.der());
    }

    /** The anchor that signed {@code cert}. */
    private ParsedCertificate issuerOf(ParsedCertificate cert) throws CertificateRejectedException {
        List<Anchor> candidates = new ArrayList<>();
        byte[] keyId = cert.authorityKeyId();
        for (Anchor anchor : anchors) {
            if (anchor.certificate().subject().equals(cert.issuer())) {
                boolean sameKeyId = keyId != null && Arrays.equals(keyId, anchor.certificate().subjectKeyId());
                candidates.add(sameKeyId ? 0 : candidates.size(), anchor);
            }
        }
        if (candidates.isEmpty()) {
            throw rejected(Reason.UNTRUSTED_ISSUER, cert, "was issued by \"" + cert.issuer()
                    + "\", which is not among the " + anchors.size() + " trusted CA" + (anchors.size() == 1 ? "" : "s"));
        }
        for (Anchor candidate : candidates) {
            if (cert.isSignedBy(candidate.verifier())) {
                return candidate.certificate();
            }
        }
        throw rejected(Reason.BAD_SIGNATURE, cert, "names the trusted CA \"" + cert.issuer()
                + "\" as issuer, but that CA's key did not sign it");
    }

    private static CertificateRejectedException rejected(Reason reason, ParsedCertificate cert, String why) {
        return new CertificateRejectedException(reason, cert.describe() + " " + why);
    }

    @Override
    public String toString() {
        return "TrustAnchors" + fingerprints();
    }
}
