package io.syncnode.node.trust;

import static io.syncnode.node.trust.TestCredentials.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.trust.CertificateRejectedException.Reason;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link TrustAnchors#verify}: one case per rule, against CA "a" (and "b", another cluster's CA). */
class TrustAnchorsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration FIVE_YEARS = KeyGen.DEFAULT_NODE_VALIDITY;

    @TempDir
    static Path dir;

    private static Path caA;
    private static Path caB;
    private static TrustAnchors anchorsA;
    private static byte[] alpha;
    private static byte[] foreign;
    private static byte[] old;
    private static byte[] future;

    @BeforeAll
    static void makeCredentials() throws Exception {
        caA = dir.resolve("ca-a");
        caB = dir.resolve("ca-b");
        TestCredentials.ca(caA, Duration.ofDays(1000));
        TestCredentials.ca(caB, Duration.ofDays(1000));
        anchorsA = TrustAnchors.load(caA.resolve("ca.crt"));
        alpha = node(caA, "alpha", T0.minus(Duration.ofDays(1)), FIVE_YEARS);
        foreign = node(caB, "beta", T0.minus(Duration.ofDays(1)), FIVE_YEARS);
        old = node(caA, "old", T0.minus(Duration.ofDays(100)), Duration.ofDays(30));
        future = node(caA, "future", T0.plus(Duration.ofHours(1)), FIVE_YEARS);
    }

    private static byte[] node(Path caDir, String name, Instant madeAt, Duration validity) throws Exception {
        Path out = dir.resolve(name);
        TestCredentials.node(caDir, name, out, madeAt, validity);
        return TestCredentials.der(out.resolve("node.crt"));
    }

    /** A certificate in CA a's name, signed with {@code signingKey}. */
    private static byte[] issued(String name, byte[] signingKey, boolean withKeyId) {
        try {
            ParsedCertificate ca = TestCredentials.parsed(caA.resolve("ca.crt"));
            byte[] nodeKey = Ed25519.publicKeyOf(CertificateIssuer.newPrivateKey(RANDOM));
            return CertificateIssuer.nodeCertificate(name, nodeKey, ca.subject(), withKeyId ? ca.subjectKeyId() : null,
                    signingKey, T0.minus(Duration.ofDays(1)), T0.plus(FIVE_YEARS), RANDOM);
        } catch (CredentialsException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] caAKey() {
        try {
            return TestCredentials.key(caA.resolve("ca.key"));
        } catch (CredentialsException e) {
            throw new AssertionError(e);
        }
    }

    private static Arguments accepted(String name, Supplier<byte[]> der, Instant now, List<String> revoked) {
        return Arguments.of(name, der, now, revoked, null);
    }

    private static Arguments rejected(String name, Supplier<byte[]> der, Instant now, List<String> revoked,
                                      Reason reason) {
        return Arguments.of(name, der, now, revoked, reason);
    }

    static Stream<Arguments> cases() {
        Instant now = T0;
        List<String> none = List.of();
        return Stream.of(
                accepted("a node certificate of the trusted CA", () -> alpha, now, none),
                accepted("revocations of other nodes leave it alone", () -> alpha, now, List.of("gamma",
                        Fingerprint.of(old).toString())),
                accepted("a start 4 minutes ahead is within the clock slack", () -> future,
                        T0.plus(Duration.ofMinutes(55)), none),
                rejected("another cluster's node certificate", () -> foreign, now, none, Reason.UNTRUSTED_ISSUER),
                rejected("the CA's name, another key's signature", () -> issued("mallory",
                        CertificateIssuer.newPrivateKey(RANDOM), true), now, none, Reason.BAD_SIGNATURE),
                rejected("the CA's name, another key's signature, no key id", () -> issued("mallory",
                        CertificateIssuer.newPrivateKey(RANDOM), false), now, none, Reason.BAD_SIGNATURE),
                rejected("expired", () -> old, now, none, Reason.EXPIRED),
                rejected("a start 59 minutes ahead is beyond the clock slack", () -> future, now, none,
                        Reason.NOT_YET_VALID),
                rejected("revoked by name", () -> alpha, now, List.of("alpha"), Reason.REVOKED),
                rejected("revoked by fingerprint", () -> alpha, now, List.of(Fingerprint.of(alpha).toString()),
                        Reason.REVOKED),
                rejected("the CA certificate itself", () -> TestCredentials.derOrFail(caA.resolve("ca.crt")), now,
                        none, Reason.NOT_A_NODE_CERTIFICATE),
                rejected("a subject that is not a node name", () -> issued("Not A Node", caAKey(), true), now, none,
                        Reason.NOT_A_NODE_CERTIFICATE),
                rejected("garbage", () -> "hello, I am a certificate".getBytes(), now, none, Reason.MALFORMED),
                rejected("no bytes", () -> new byte[0], now, none, Reason.MALFORMED),
                rejected("truncated DER", () -> Arrays.copyOf(alpha, alpha.length - 10), now, none, Reason.MALFORMED),
                rejected("a byte after the DER", () -> Arrays.copyOf(alpha, alpha.length + 1), now, none,
                        Reason.MALFORMED),
                rejected("a flipped bit in the signed public key", () -> flippedKey(alpha), now, none,
                        Reason.BAD_SIGNATURE));
    }

    /** {@code der} with one bit of the subject's public key flipped: still DER, no longer what the CA signed. */
    private static byte[] flippedKey(byte[] der) {
        byte[] key = ParsedCertificate.parse(der).ed25519Key();
        for (int at = 0; at + key.length <= der.length; at++) {
            if (Arrays.equals(der, at, at + key.length, key, 0, key.length)) {
                byte[] copy = der.clone();
                copy[at + 3] ^= 1;
                return copy;
            }
        }
        throw new AssertionError("the public key is not in the DER");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verify(String name, Supplier<byte[]> der, Instant now, List<String> revoked, Reason expected) throws Exception {
        byte[] certificate = der.get();
        if (expected == null) {
            PeerCertificate accepted = anchorsA.verify(certificate, now, Revocations.parse(revoked));
            assertEquals(Fingerprint.of(certificate), accepted.fingerprint());
            assertEquals(anchorsA.fingerprints().get(0), accepted.issuer());
            assertArrayEquals(certificate, accepted.der());
        } else {
            CertificateRejectedException e = assertThrows(CertificateRejectedException.class,
                    () -> anchorsA.verify(certificate, now, Revocations.parse(revoked)));
            assertEquals(expected, e.reason(), e.getMessage());
        }
    }

    @Test
    void acceptedCertificateSaysWhoAndUntilWhen() throws Exception {
        PeerCertificate peer = anchorsA.verify(alpha, T0, Revocations.none());
        assertEquals("alpha", peer.name());
        assertEquals(T0.minus(Duration.ofDays(1)).minus(KeyGen.BACKDATE), peer.notBefore());
        assertEquals(T0.minus(Duration.ofDays(1)).plus(FIVE_YEARS), peer.notAfter());
        assertArrayEquals(TestCredentials.parsed(dir.resolve("alpha/node.crt")).ed25519Key(), peer.publicKey());
    }

    @Test
    void messagesNameTheCertificateAndTheReason() {
        CertificateRejectedException expired = assertThrows(CertificateRejectedException.class,
                () -> anchorsA.verify(old, T0, Revocations.none()));
        Instant end = T0.minus(Duration.ofDays(70));
        assertEquals("certificate of \"old\" (" + Fingerprint.of(old) + ") expired at " + end, expired.getMessage());
        CertificateRejectedException revoked = assertThrows(CertificateRejectedException.class,
                () -> anchorsA.verify(alpha, T0, Revocations.parse(List.of("alpha"))));
        assertTrue(revoked.getMessage().contains("[cluster] revoked lists \"alpha\""), revoked.getMessage());
        CertificateRejectedException foreignCa = assertThrows(CertificateRejectedException.class,
                () -> anchorsA.verify(foreign, T0, Revocations.none()));
        assertTrue(foreignCa.getMessage().startsWith("certificate of \"beta\" (sha256:"), foreignCa.getMessage());
        assertTrue(foreignCa.getMessage().contains("not among the 1 trusted CA"), foreignCa.getMessage());
    }

    @Test
    void aBundleOfTwoCasAcceptsTheNodesOfBoth() throws Exception {
        TrustAnchors both = TrustAnchors.of(List.of(TestCredentials.der(caA.resolve("ca.crt")),
                TestCredentials.der(caB.resolve("ca.crt"))));
        assertEquals(2, both.fingerprints().size());
        assertEquals(both.fingerprints().get(0), both.verify(alpha, T0, Revocations.none()).issuer());
        assertEquals(both.fingerprints().get(1), both.verify(foreign, T0, Revocations.none()).issuer());
    }

    @Test
    void aNodeCertificateOfAnExpiredCaIsExpired() throws Exception {
        // KeyGen never issues past its CA's end, so this one is built by hand
        Path shortCa = dir.resolve("short-ca");
        KeyGen.createCa(shortCa, Duration.ofDays(10), TestCredentials.at(T0.minus(Duration.ofDays(20))));
        ParsedCertificate ca = TestCredentials.parsed(shortCa.resolve("ca.crt"));
        byte[] nodeKey = Ed25519.publicKeyOf(CertificateIssuer.newPrivateKey(RANDOM));
        byte[] der = CertificateIssuer.nodeCertificate("late", nodeKey, ca.subject(), ca.subjectKeyId(),
                TestCredentials.key(shortCa.resolve("ca.key")), T0.minus(Duration.ofDays(19)), T0.plus(FIVE_YEARS),
                RANDOM);
        TrustAnchors anchors = TrustAnchors.load(shortCa.resolve("ca.crt"));
        assertEquals("late", anchors.verify(der, T0.minus(Duration.ofDays(15)), Revocations.none()).name());
        CertificateRejectedException e = assertThrows(CertificateRejectedException.class,
                () -> anchors.verify(der, T0, Revocations.none()));
        assertEquals(Reason.EXPIRED, e.reason());
        assertTrue(e.getMessage().contains("was issued by CA"), e.getMessage());
    }

    @Test
    void loadRefusesABundleWithoutCaCertificates() throws Exception {
        CredentialsException empty = assertThrows(CredentialsException.class,
                () -> TrustAnchors.of(List.of()));
        assertEquals("no CA certificate to trust", empty.getMessage());
        Path nodeCrt = dir.resolve("alpha/node.crt");
        CredentialsException notCa = assertThrows(CredentialsException.class, () -> TrustAnchors.load(nodeCrt));
        assertTrue(notCa.getMessage().startsWith(nodeCrt + ": certificate 1 of 1 (CN=alpha) is not a CA certificate"),
                notCa.getMessage());
        Path key = caA.resolve("ca.key");
        CredentialsException noCertificate = assertThrows(CredentialsException.class, () -> TrustAnchors.load(key));
        assertTrue(noCertificate.getMessage().startsWith(key + " holds no PEM CERTIFICATE"),
                noCertificate.getMessage());
        Path missing = dir.resolve("nowhere/ca.crt");
        CredentialsException absent = assertThrows(CredentialsException.class, () -> TrustAnchors.load(missing));
        assertEquals(missing + " does not exist", absent.getMessage());
    }
}
