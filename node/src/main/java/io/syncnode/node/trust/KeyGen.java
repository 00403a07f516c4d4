package io.syncnode.node.trust;

import io.syncnode.node.trust.CredentialWriter.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Creates credentials: the logic of {@code syncnode keygen ca} and {@code syncnode keygen node},
 * usable from tests with any {@link Clock}.
 *
 * <p>Both verbs refuse to overwrite: if any file they would write exists, nothing is written
 * ({@link CredentialWriter}). A node certificate never outlasts its CA: its notAfter is clamped
 * to the CA's. Validity starts one minute before the clock's instant, so that a certificate made
 * on one machine is at once accepted by another whose clock is a little behind.
 */
public final class KeyGen {
    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(7300);
    public static final Duration DEFAULT_NODE_VALIDITY = Duration.ofDays(1825);
    public static final String CA_CERTIFICATE = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String NODE_CERTIFICATE = "node.crt";
    public static final String NODE_KEY = "node.key";
    /** The CA bundle of a node directory has the same name as a CA directory's certificate. */
    public static final String CA_BUNDLE = CA_CERTIFICATE;

    static final Duration BACKDATE = Duration.ofMinutes(1);
    /** X.509 times have four-digit years. */
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final String CA_REMEDY = "--ca must name a directory made by `syncnode keygen ca`";

    /** What {@link #createCa} wrote. */
    public record CaCreated(Path certificate, Path key, Fingerprint fingerprint) {
    }

    /** What {@link #createNode} wrote; {@code notAfter} is the certificate's, after clamping to the CA's. */
    public record NodeCreated(Path certificate, Path key, Path caBundle, Fingerprint fingerprint, Instant notAfter) {
    }

    private KeyGen() {
    }

    /**
     * Creates a CA in {@code outDir} (made with mode 0700 if missing): {@code ca.key} (PKCS#8 PEM,
     * mode 0600) and {@code ca.crt} (self-signed, subject {@code CN=syncnode CA <8 hex>}).
     *
     * @throws IllegalArgumentException if {@code validity} is not positive or ends after year 9999
     * @throws IOException              if a file exists ({@link java.nio.file.FileAlreadyExistsException},
     *                                  nothing written) or cannot be written
     */
    public static CaCreated createCa(Path outDir, Duration validity, Clock clock) throws IOException, CredentialsException {
        Instant now = clock.instant();
        Instant notAfter = end(now, validity);
        CredentialWriter.refuseExisting(outDir, List.of(CA_KEY, CA_CERTIFICATE));
        SecureRandom random = new SecureRandom();
        byte[] key = CertificateIssuer.newPrivateKey(random);
        byte[] tag = new byte[4];
        random.nextBytes(tag);
        X500Name subject = CertificateIssuer.commonName("syncnode CA " + HexFormat.of().formatHex(tag));
        byte[] der = CertificateIssuer.caCertificate(subject, key, now.minus(BACKDATE), notAfter, random);
        TrustAnchors.of(List.of(der)); // what we write must load
        CredentialWriter.writeAll(outDir, List.of(
                new Target(CA_KEY, pem(Pem.PRIVATE_KEY, Pkcs8.encode(key)), CredentialWriter.SECRET),
                new Target(CA_CERTIFICATE, pem(Pem.CERTIFICATE, der), CredentialWriter.PUBLIC)));
        Arrays.fill(key, (byte) 0);
        return new CaCreated(outDir.resolve(CA_CERTIFICATE), outDir.resolve(CA_KEY), Fingerprint.of(der));
    }

    /**
     * Creates one node's credentials in {@code outDir} (made with mode 0700 if missing):
     * {@code node.key} (mode 0600), {@code node.crt} signed by the CA in {@code caDir}, and
     * {@code ca.crt}, the CA's certificate followed by those in {@code alsoTrust}, each once.
     *
     * @param alsoTrust PEM files of further CA certificates the node trusts (CA rotation)
     * @throws IllegalArgumentException if {@code name} is not a node name or {@code validity} is
     *                                  not positive or ends after year 9999
     * @throws CredentialsException     if the CA directory or a trust file is unusable, or the CA
     *                                  is not valid at the clock's instant
     * @throws IOException              if a file exists ({@link java.nio.file.FileAlreadyExistsException},
     *                                  nothing written) or cannot be written
     */
    public static NodeCreated createNode(Path caDir, String name, Path outDir, Duration validity, List<Path> alsoTrust,
                                         Clock clock) throws IOException, CredentialsException {
        NodeName.require(name);
        Objects.requireNonNull(alsoTrust, "alsoTrust");
        Instant now = clock.instant();
        Instant requested = end(now, validity);
        CredentialWriter.refuseExisting(outDir, List.of(NODE_KEY, NODE_CERTIFICATE, CA_BUNDLE));
        ParsedCertificate ca = caCertificate(caDir);
        if (!now.isBefore(ca.notAfter())) {
            throw new CredentialsException(caDir.resolve(CA_CERTIFICATE) + ": the CA expired at " + ca.notAfter()
                    + "; make a new CA with `syncnode keygen ca` and rotate to it");
        }
        if (ca.notBefore().isAfter(now)) {
            throw new CredentialsException(caDir.resolve(CA_CERTIFICATE) + ": the CA is not valid before "
                    + ca.notBefore() + " (now is " + now + "); check this machine's clock");
        }
        Instant notAfter = requested.isAfter(ca.notAfter()) ? ca.notAfter() : requested;
        List<byte[]> bundle = bundle(ca, alsoTrust);
        TrustAnchors anchors = TrustAnchors.of(bundle);

        byte[] caKey = caKey(caDir, ca);
        SecureRandom random = new SecureRandom();
        byte[] key = CertificateIssuer.newPrivateKey(random);
        byte[] der;
        try {
            der = CertificateIssuer.nodeCertificate(name, Ed25519.publicKeyOf(key), ca.subject(), ca.subjectKeyId(),
                    caKey, now.minus(BACKDATE), notAfter, random);
        } finally {
            Arrays.fill(caKey, (byte) 0);
        }
        PeerCertificate made;
        try {
            made = anchors.verify(der, now, Revocations.none());
        } catch (CertificateRejectedException e) {
            throw new CredentialsException("the new certificate does not verify against its own CA: "
                    + e.getMessage(), e);
        }
        StringBuilder bundleText = new StringBuilder();
        bundle.forEach(certificate -> bundleText.append(Pem.encode(Pem.CERTIFICATE, certificate)));
        CredentialWriter.writeAll(outDir, List.of(
                new Target(NODE_KEY, pem(Pem.PRIVATE_KEY, Pkcs8.encode(key)), CredentialWriter.SECRET),
                new Target(NODE_CERTIFICATE, pem(Pem.CERTIFICATE, der), CredentialWriter.PUBLIC),
                new Target(CA_BUNDLE, bundleText.toString().getBytes(StandardCharsets.US_ASCII),
                        CredentialWriter.PUBLIC)));
        Arrays.fill(key, (byte) 0);
        return new NodeCreated(outDir.resolve(NODE_CERTIFICATE), outDir.resolve(NODE_KEY), outDir.resolve(CA_BUNDLE),
                made.fingerprint(), made.notAfter());
    }

    /** The end of a validity starting at {@code now}. */
    private static Instant end(Instant now, Duration validity) {
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, not " + validity);
        }
        try {
            Instant end = now.plus(validity);
            if (end.isAfter(LATEST)) {
                throw new IllegalArgumentException("validity of " + validity.toDays() + " days ends after the year 9999");
            }
            return end;
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("validity of " + validity.toDays() + " days ends after the year 9999", e);
        }
    }

    /** The CA directory's certificate: exactly one self-signed Ed25519 CA. */
    private static ParsedCertificate caCertificate(Path caDir) throws CredentialsException {
        if (!Files.isDirectory(caDir)) {
            throw new CredentialsException(caDir + " is not a directory; " + CA_REMEDY);
        }
        Path file = caDir.resolve(CA_CERTIFICATE);
        if (!Files.exists(file)) {
            throw new CredentialsException(file + " does not exist; " + CA_REMEDY);
        }
        List<ParsedCertificate> certificates = TrustAnchors.load(file).certificates();
        if (certificates.size() != 1) {
            throw new CredentialsException(file + " holds " + certificates.size() + " CA certificates, not one; "
                    + CA_REMEDY);
        }
        return certificates.get(0);
    }

    /** The CA directory's key, which must be the CA certificate's. */
    private static byte[] caKey(Path caDir, ParsedCertificate ca) throws CredentialsException {
        Path file = caDir.resolve(CA_KEY);
        byte[] key = CredentialFiles.readPrivateKey(file, CA_REMEDY);
        if (!Arrays.equals(Ed25519.publicKeyOf(key), ca.ed25519Key())) {
            throw new CredentialsException(file + " is not the key of " + caDir.resolve(CA_CERTIFICATE)
                    + " (their public keys differ); " + CA_REMEDY + ", with both files as it wrote them");
        }
        return key;
    }

    /** The CA's certificate, then every CA certificate in the {@code alsoTrust} files, each once. */
    private static List<byte[]> bundle(ParsedCertificate ca, List<Path> alsoTrust) throws CredentialsException {
        Map<Fingerprint, byte[]> bundle = new LinkedHashMap<>();
        bundle.put(ca.fingerprint(), ca.der());
        for (Path file : alsoTrust) {
            for (ParsedCertificate extra : TrustAnchors.load(file).certificates()) {
                bundle.putIfAbsent(extra.fingerprint(), extra.der());
            }
        }
        return new ArrayList<>(bundle.values());
    }

    private static byte[] pem(String type, byte[] der) {
        return Pem.encode(type, der).getBytes(StandardCharsets.US_ASCII);
    }
}
