package io.syncnode.node.trust;

/**
 * A peer's certificate that {@link TrustAnchors#verify} refused. {@link #getMessage()} says which
 * certificate and why in one line, e.g. {@code certificate of "beta" (sha256:…) expired at
 * 2026-01-01T00:00:00Z}; {@link #reason()} is the machine-readable cause.
 */
public final class CertificateRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a certificate was refused. */
    public enum Reason {
        /** Not a DER X.509 certificate (garbage, truncated, trailing bytes). */
        MALFORMED,
        /** No trusted CA has the certificate's issuer name. */
        UNTRUSTED_ISSUER,
        /** Names a trusted CA as issuer, but that CA's key did not sign it. */
        BAD_SIGNATURE,
        /** The certificate, or the CA that issued it, is past its notAfter. */
        EXPIRED,
        /** The certificate, or its CA, starts later than now plus the clock slack. */
        NOT_YET_VALID,
        /** The {@code [cluster] revoked} list names the node or the certificate's fingerprint. */
        REVOKED,
        /** A CA certificate, a key other than Ed25519, or a subject that is not a node name. */
        NOT_A_NODE_CERTIFICATE
    }

    private final Reason reason;

    public CertificateRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
