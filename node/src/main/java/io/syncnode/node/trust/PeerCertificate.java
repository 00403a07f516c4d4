package io.syncnode.node.trust;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A node certificate that {@link TrustAnchors#verify} accepted: whose it is and what it vouches
 * for. Immutable (the arrays are copied in and out); equal by content.
 *
 * @param name        the node name (the subject's CN)
 * @param fingerprint SHA-256 of {@code der}
 * @param publicKey   the node's raw 32-byte Ed25519 public key
 * @param issuer      the fingerprint of the trusted CA certificate that signed it
 * @param der         the certificate as received
 */
public record PeerCertificate(String name, Fingerprint fingerprint, byte[] publicKey, Instant notBefore,
                              Instant notAfter, Fingerprint issuer, byte[] der) {
    public PeerCertificate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(issuer, "issuer");
        if (publicKey == null || publicKey.length != Ed25519.KEY_SIZE) {
            throw new IllegalArgumentException("publicKey must be a raw 32-byte Ed25519 key");
        }
        publicKey = publicKey.clone();
        der = Objects.requireNonNull(der, "der").clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] der() {
        return der.clone();
    }

    /** Whether {@code signature} is this node's signature of {@code data[off, off+len)}. */
    public boolean verifies(byte[] signature, byte[] data, int off, int len) {
        return Ed25519.verify(publicKey, signature, data, off, len);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerCertificate p && name.equals(p.name) && fingerprint.equals(p.fingerprint)
                && Arrays.equals(publicKey, p.publicKey) && notBefore.equals(p.notBefore)
                && notAfter.equals(p.notAfter) && issuer.equals(p.issuer) && Arrays.equals(der, p.der);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return "PeerCertificate[" + name + " " + fingerprint + ", valid " + notBefore + " to " + notAfter
                + ", issuer " + issuer + "]";
    }
}
