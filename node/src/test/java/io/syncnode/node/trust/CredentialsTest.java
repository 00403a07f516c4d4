package io.syncnode.node.trust;

import static io.syncnode.node.trust.TestCredentials.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.trust.KeyGen.NodeCreated;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
    @TempDir
    Path dir;

    private Path ca;
    private Path beta;
    private NodeCreated betaCreated;

    @BeforeEach
    void makeCredentials() throws Exception {
        ca = dir.resolve("ca");
        beta = dir.resolve("beta");
        TestCredentials.ca(ca, Duration.ofDays(1000));
        betaCreated = TestCredentials.node(ca, "beta", beta, T0.minus(Duration.ofDays(1)), KeyGen.DEFAULT_NODE_VALIDITY);
    }

    @Test
    void loadsAndSigns() throws Exception {
        Credentials credentials = Credentials.load(beta, T0);
        assertEquals("beta", credentials.nodeName());
        assertEquals(beta, credentials.dir());
        assertEquals(betaCreated.fingerprint(), credentials.certificate().fingerprint());
        assertEquals(TrustAnchors.load(ca.resolve("ca.crt")).fingerprints(), credentials.anchors().fingerprints());
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = credentials.sign(data, 1, 3);
        assertEquals(64, signature.length);
        assertTrue(Ed25519.verify(credentials.certificate().publicKey(), signature, data, 1, 3));
        assertTrue(credentials.certificate().verifies(signature, data, 1, 3));
    }

    @Test
    void aKeyOthersCanReadIsRefusedWithTheChmodHint() throws Exception {
        Path key = beta.resolve("node.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        CredentialsException e = assertThrows(CredentialsException.class, () -> Credentials.load(beta, T0));
        assertEquals(key + " is readable by other users (mode 0644); run chmod 600 " + key, e.getMessage());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw--w----"));
        e = assertThrows(CredentialsException.class, () -> Credentials.load(beta, T0));
        assertEquals(key + " is writable by other users (mode 0620); run chmod 600 " + key, e.getMessage());
    }

    @Test
    void anotherNodesKeyIsRefused() throws Exception {
        Path gamma = dir.resolve("gamma");
        TestCredentials.node(ca, "gamma", gamma, T0, KeyGen.DEFAULT_NODE_VALIDITY);
        Files.copy(gamma.resolve("node.key"), beta.resolve("node.key"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.COPY_ATTRIBUTES);
        CredentialsException e = assertThrows(CredentialsException.class, () -> Credentials.load(beta, T0));
        assertTrue(e.getMessage().startsWith(beta.resolve("node.key") + " is not the key of " + beta.resolve("node.crt")),
                e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        for (String name : new String[] {"node.crt", "node.key", "ca.crt"}) {
            Path file = beta.resolve(name);
            Path aside = dir.resolve(name + ".aside");
            Files.move(file, aside);
            CredentialsException e = assertThrows(CredentialsException.class, () -> Credentials.load(beta, T0));
            assertEquals(file + " does not exist; make new ones with `syncnode keygen node --ca CA --name NAME --out DIR`",
                    e.getMessage());
            Files.move(aside, file);
        }
        CredentialsException e = assertThrows(CredentialsException.class,
                () -> Credentials.load(dir.resolve("nowhere"), T0));
        assertTrue(e.getMessage().startsWith(dir.resolve("nowhere") + " is not a directory of node credentials"),
                e.getMessage());
    }

    @Test
    void expiredCredentialsAreNamedWithTheKeygenHint() throws Exception {
        Path old = dir.resolve("old");
        NodeCreated created = TestCredentials.node(ca, "old", old, T0.minus(Duration.ofDays(100)), Duration.ofDays(30));
        CredentialsException e = assertThrows(CredentialsException.class, () -> Credentials.load(old, T0));
        assertEquals(old.resolve("node.crt") + ": certificate of \"old\" (" + created.fingerprint() + ") expired at "
                + created.notAfter() + "; make new ones with `syncnode keygen node --ca CA --name old --out DIR`",
                e.getMessage());
    }

    @Test
    void aBundleWithoutTheIssuingCaIsRefused() throws Exception {
        Path other = dir.resolve("other-ca");
        TestCredentials.ca(other, Duration.ofDays(10));
        Files.copy(other.resolve("ca.crt"), beta.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
        CredentialsException e = assertThrows(CredentialsException.class, () -> Credentials.load(beta, T0));
        assertTrue(e.getMessage().startsWith(beta.resolve("node.crt") + ": certificate of \"beta\""), e.getMessage());
        assertTrue(e.getMessage().contains("its CA is not in " + beta.resolve("ca.crt")), e.getMessage());
    }

    @Test
    void aKeyThatIsNotPemIsNamed() throws Exception {
        Path key = beta.resolve("node.key");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
        CredentialsException e = assertThrows(CredentialsException.class, () -> Credentials.load(beta, T0));
        assertTrue(e.getMessage().startsWith(key + ": the PRIVATE KEY block at line 1 is not valid base64"),
                e.getMessage());
    }
}
