package io.syncnode.node.trust;

import static io.syncnode.node.trust.TestCredentials.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.trust.KeyGen.CaCreated;
import io.syncnode.node.trust.KeyGen.NodeCreated;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyGenTest {
    @TempDir
    Path dir;

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** Every file under {@code root} with its bytes, to prove that nothing changed. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Fingerprint.of(Files.readAllBytes(p)).toString());
            }
        }
        return files;
    }

    @Test
    void caFilesHaveTheRightModesAndContent() throws Exception {
        Path out = dir.resolve("new/deeper/ca");
        CaCreated created = KeyGen.createCa(out, KeyGen.DEFAULT_CA_VALIDITY, TestCredentials.at(T0));
        assertEquals("rw-------", mode(created.key()));
        assertEquals("rwx------", mode(out));
        assertEquals("rwx------", mode(dir.resolve("new")), "created parents are private too");
        assertEquals(out.resolve("ca.crt"), created.certificate());
        byte[] der = TestCredentials.der(created.certificate());
        assertEquals(Fingerprint.of(der), created.fingerprint());

        X509CertificateHolder ca = new X509CertificateHolder(der);
        assertEquals(3, ca.getVersionNumber());
        assertTrue(ca.getSubject().toString().matches("CN=syncnode CA [0-9a-f]{8}"), ca.getSubject().toString());
        assertEquals(ca.getSubject(), ca.getIssuer());
        assertEquals(EdECObjectIdentifiers.id_Ed25519, ca.getSignatureAlgorithm().getAlgorithm());
        assertEquals(128, ca.getSerialNumber().bitLength());
        assertEquals(T0.minus(KeyGen.BACKDATE), ca.getNotBefore().toInstant());
        assertEquals(T0.plus(Duration.ofDays(7300)), ca.getNotAfter().toInstant());
        Extension constraints = ca.getExtension(Extension.basicConstraints);
        assertTrue(constraints.isCritical());
        assertTrue(BasicConstraints.getInstance(constraints.getParsedValue()).isCA());
        assertEquals(0, BasicConstraints.getInstance(constraints.getParsedValue()).getPathLenConstraint().intValue());
        Extension usage = ca.getExtension(Extension.keyUsage);
        assertTrue(usage.isCritical());
        assertTrue(KeyUsage.getInstance(usage.getParsedValue()).hasUsages(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        assertTrue(SubjectKeyIdentifier.fromExtensions(ca.getExtensions()).getKeyIdentifier().length > 0);

        byte[] key = TestCredentials.key(created.key());
        assertArrayEquals(Ed25519.publicKeyOf(key), ca.getSubjectPublicKeyInfo().getPublicKeyData().getOctets());
        String pem = Files.readString(created.key());
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI"), "RFC 8410 PKCS#8: " + pem);
    }

    @Test
    void nodeFilesHaveTheRightModesAndContent() throws Exception {
        Path ca = dir.resolve("ca");
        CaCreated caCreated = TestCredentials.ca(ca, Duration.ofDays(1));
        Path out = dir.resolve("nodes/alpha");
        NodeCreated created = TestCredentials.node(ca, "alpha", out, T0, KeyGen.DEFAULT_NODE_VALIDITY);
        assertEquals("rw-------", mode(created.key()));
        assertEquals("rwx------", mode(out));
        assertEquals(List.of(caCreated.fingerprint()), TrustAnchors.load(created.caBundle()).fingerprints());
        assertEquals(Files.readString(ca.resolve("ca.crt")), Files.readString(created.caBundle()));
        byte[] der = TestCredentials.der(created.certificate());
        assertEquals(Fingerprint.of(der), created.fingerprint());

        X509CertificateHolder node = new X509CertificateHolder(der);
        X509CertificateHolder caCertificate = new X509CertificateHolder(TestCredentials.der(caCreated.certificate()));
        assertEquals("CN=alpha", node.getSubject().toString());
        assertEquals(caCertificate.getSubject(), node.getIssuer());
        assertEquals(T0.plus(Duration.ofDays(1825)), node.getNotAfter().toInstant());
        assertEquals(created.notAfter(), node.getNotAfter().toInstant());
        Extension constraints = node.getExtension(Extension.basicConstraints);
        assertTrue(constraints.isCritical());
        assertFalse(BasicConstraints.getInstance(constraints.getParsedValue()).isCA());
        Extension usage = node.getExtension(Extension.keyUsage);
        assertTrue(usage.isCritical());
        assertTrue(KeyUsage.getInstance(usage.getParsedValue()).hasUsages(KeyUsage.digitalSignature));
        assertFalse(KeyUsage.getInstance(usage.getParsedValue()).hasUsages(KeyUsage.keyCertSign));
        assertArrayEquals(SubjectKeyIdentifier.fromExtensions(caCertificate.getExtensions()).getKeyIdentifier(),
                AuthorityKeyIdentifier.fromExtensions(node.getExtensions()).getKeyIdentifierOctets());
        assertEquals("alpha", Credentials.load(out, T0).nodeName());
    }

    @Test
    void aNodeCertificateNeverOutlastsItsCa() throws Exception {
        Path ca = dir.resolve("ca");
        KeyGen.createCa(ca, Duration.ofDays(10), TestCredentials.at(T0));
        NodeCreated created = TestCredentials.node(ca, "alpha", dir.resolve("alpha"), T0.plus(Duration.ofDays(1)),
                KeyGen.DEFAULT_NODE_VALIDITY);
        assertEquals(T0.plus(Duration.ofDays(10)), created.notAfter());
    }

    @Test
    void trustFilesAreAppendedToTheBundleEachCertificateOnce() throws Exception {
        Path ca = dir.resolve("ca");
        Path next = dir.resolve("next-ca");
        CaCreated current = TestCredentials.ca(ca, Duration.ofDays(1));
        CaCreated rotated = TestCredentials.ca(next, Duration.ofDays(1));
        NodeCreated created = KeyGen.createNode(ca, "alpha", dir.resolve("alpha"), KeyGen.DEFAULT_NODE_VALIDITY,
                List.of(next.resolve("ca.crt"), ca.resolve("ca.crt"), next.resolve("ca.crt")), TestCredentials.at(T0));
        assertEquals(List.of(current.fingerprint(), rotated.fingerprint()),
                TrustAnchors.load(created.caBundle()).fingerprints());
    }

    @Test
    void aTrustFileMustHoldCaCertificates() throws Exception {
        Path ca = dir.resolve("ca");
        TestCredentials.ca(ca, Duration.ofDays(1));
        NodeCreated alpha = TestCredentials.node(ca, "alpha", dir.resolve("alpha"), T0, KeyGen.DEFAULT_NODE_VALIDITY);
        CredentialsException e = assertThrows(CredentialsException.class, () -> KeyGen.createNode(ca, "beta",
                dir.resolve("beta"), KeyGen.DEFAULT_NODE_VALIDITY, List.of(alpha.certificate()), TestCredentials.at(T0)));
        assertTrue(e.getMessage().startsWith(alpha.certificate() + ": certificate 1 of 1 (CN=alpha) is not a CA"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("beta")));
    }

    @ParameterizedTest(name = "refuses when only {0} exists, and writes nothing")
    @ValueSource(strings = {"node.key", "node.crt", "ca.crt"})
    void nodeRefusesToOverwrite(String existing) throws Exception {
        Path ca = dir.resolve("ca");
        TestCredentials.ca(ca, Duration.ofDays(1));
        Path out = dir.resolve("alpha");
        Files.createDirectories(out);
        Files.writeString(out.resolve(existing), "precious\n");
        Map<String, String> before = snapshot(dir);
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> TestCredentials.node(ca, "alpha", out, T0, KeyGen.DEFAULT_NODE_VALIDITY));
        assertEquals(out.resolve(existing) + " exists; keygen never overwrites credentials: choose another --out or "
                + "move the old ones away", e.getMessage());
        assertEquals(before, snapshot(dir));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(out.resolve(existing)), files.toList());
        }
    }

    @ParameterizedTest(name = "refuses when only {0} exists, and writes nothing")
    @ValueSource(strings = {"ca.key", "ca.crt"})
    void caRefusesToOverwrite(String existing) throws Exception {
        Path out = dir.resolve("ca");
        Files.createDirectories(out);
        Files.writeString(out.resolve(existing), "precious\n");
        Map<String, String> before = snapshot(dir);
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> TestCredentials.ca(out, Duration.ofDays(1)));
        assertTrue(e.getMessage().startsWith(out.resolve(existing) + " exists; keygen never overwrites"),
                e.getMessage());
        assertEquals(before, snapshot(dir));
    }

    @Test
    void argumentsAreChecked() throws Exception {
        Path ca = dir.resolve("ca");
        TestCredentials.ca(ca, Duration.ofDays(1));
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> TestCredentials.node(ca, "Alpha", dir.resolve("a"), T0, Duration.ofDays(1)));
        assertEquals("node name \"Alpha\" must match [a-z0-9][a-z0-9-]{0,31}", name.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TestCredentials.node(ca, "alpha", dir.resolve("a"), T0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> KeyGen.createCa(dir.resolve("b"), Duration.ofDays(3_000_000), TestCredentials.at(T0)));
        assertFalse(Files.exists(dir.resolve("a")));
        assertFalse(Files.exists(dir.resolve("b")));
    }

    @Test
    void aBrokenCaDirectoryIsNamed() throws Exception {
        Path ca = dir.resolve("ca");
        TestCredentials.ca(ca, Duration.ofDays(1));
        Files.delete(ca.resolve("ca.key"));
        CredentialsException e = assertThrows(CredentialsException.class,
                () -> TestCredentials.node(ca, "alpha", dir.resolve("alpha"), T0, Duration.ofDays(1)));
        assertEquals(ca.resolve("ca.key") + " does not exist; --ca must name a directory made by `syncnode keygen ca`",
                e.getMessage());
        Path otherCa = dir.resolve("other");
        TestCredentials.ca(otherCa, Duration.ofDays(1));
        Files.copy(otherCa.resolve("ca.key"), ca.resolve("ca.key"));
        e = assertThrows(CredentialsException.class,
                () -> TestCredentials.node(ca, "alpha", dir.resolve("alpha"), T0, Duration.ofDays(1)));
        assertTrue(e.getMessage().startsWith(ca.resolve("ca.key") + " is not the key of " + ca.resolve("ca.crt")),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("alpha")));
    }

    @Test
    void anExpiredCaIssuesNothing() throws Exception {
        Path ca = dir.resolve("ca");
        KeyGen.createCa(ca, Duration.ofDays(10), TestCredentials.at(T0.minus(Duration.ofDays(20))));
        CredentialsException e = assertThrows(CredentialsException.class,
                () -> TestCredentials.node(ca, "alpha", dir.resolve("alpha"), T0, Duration.ofDays(1)));
        assertTrue(e.getMessage().contains("the CA expired at " + T0.minus(Duration.ofDays(10))), e.getMessage());
    }
}
