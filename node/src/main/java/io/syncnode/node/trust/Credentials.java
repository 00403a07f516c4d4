package io.syncnode.node.trust;

import io.syncnode.node.trust.CertificateRejectedException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * This node's own credentials, loaded from a node directory ({@code node.crt}, {@code node.key},
 * {@code ca.crt}) and checked once: the key is private to its owner, belongs to the certificate,
 * and the certificate verifies against the bundle. Immutable and thread-safe; the private key
 * never leaves this object (only {@link #sign} uses it).
 */
public final class Credentials {
    private static final String REMEDY = "make new ones with `syncnode keygen node --ca CA --name NAME --out DIR`";

    private final Path dir;
    private final PeerCertificate certificate;
    private final TrustAnchors anchors;
    private final byte[] privateKey;
    private final byte[] publicKey;

    private Credentials(Path dir, PeerCertificate certificate, TrustAnchors anchors, byte[] privateKey) {
        this.dir = dir;
        this.certificate = certificate;
        this.anchors = anchors;
        this.privateKey = privateKey;
        this.publicKey = certificate.publicKey();
    }

    /**
     * Loads and checks the credentials in {@code dir} at {@code now}.
     *
     * @throws CredentialsException naming the file at fault and saying how to fix it: a missing or
     *                              unreadable file, {@code node.key} readable or writable by group
     *                              or others, a key that is not the certificate's, a certificate
     *                              that the bundle does not accept at {@code now} (expired, not
     *                              yet valid, another CA, not a node certificate)
     */
    public static Credentials load(Path dir, Instant now) throws CredentialsException {
        if (!Files.isDirectory(dir)) {
            throw new CredentialsException(dir + " is not a directory of node credentials; " + REMEDY);
        }
        Path certificateFile = dir.resolve(KeyGen.NODE_CERTIFICATE);
        Path keyFile = dir.resolve(KeyGen.NODE_KEY);
        Path bundleFile = dir.resolve(KeyGen.CA_BUNDLE);
        for (Path file : new Path[] {certificateFile, keyFile, bundleFile}) {
            if (!Files.exists(file)) {
                throw new CredentialsException(file + " does not exist; " + REMEDY);
            }
        }
        CredentialFiles.requirePrivate(keyFile);
        byte[] key = CredentialFiles.readPrivateKey(keyFile, REMEDY);
        byte[] der = CredentialFiles.readCertificate(certificateFile, REMEDY);
        TrustAnchors anchors = TrustAnchors.load(bundleFile);
        PeerCertificate certificate;
        try {
            certificate = anchors.verify(der, now, Revocations.none());
        } catch (CertificateRejectedException e) {
            throw new CredentialsException(certificateFile + ": " + e.getMessage() + "; "
                    + remedy(e.reason(), bundleFile, commonName(der)), e);
        }
        if (!Arrays.equals(Ed25519.publicKeyOf(key), certificate.publicKey())) {
            Arrays.fill(key, (byte) 0);
            throw new CredentialsException(keyFile + " is not the key of " + certificateFile
                    + " (their public keys differ); use the node.key written together with this node.crt, or "
                    + REMEDY);
        }
        return new Credentials(dir, certificate, anchors, key);
    }

    /** The certificate's CN for the remedy, or null if it does not even parse. */
    private static String commonName(byte[] der) {
        try {
            return ParsedCertificate.parse(der).commonName();
        } catch (IllegalArgumentException e) {
            return null; // the remedy then keeps the NAME placeholder
        }
    }

    private static String remedy(Reason reason, Path bundle, String name) {
        String make = NodeName.isValid(name) ? REMEDY.replace("NAME", name) : REMEDY;
        return switch (reason) {
            case UNTRUSTED_ISSUER, BAD_SIGNATURE -> "its CA is not in " + bundle
                    + ": use the ca.crt written together with this node.crt, or " + make;
            case NOT_YET_VALID -> "check this machine's clock, or " + make;
            default -> make;
        };
    }

    public Path dir() {
        return dir;
    }

    /** The node name in the certificate (its CN). */
    public String nodeName() {
        return certificate.name();
    }

    public PeerCertificate certificate() {
        return certificate;
    }

    public TrustAnchors anchors() {
        return anchors;
    }

    /** The Ed25519 signature (64 bytes) of {@code data[off, off+len)} with this node's key. */
    public byte[] sign(byte[] data, int off, int len) {
        return Ed25519.sign(privateKey, publicKey, data, off, len);
    }

    @Override
    public String toString() {
        return "Credentials[" + certificate.name() + " " + certificate.fingerprint() + " in " + dir + "]";
    }
}
