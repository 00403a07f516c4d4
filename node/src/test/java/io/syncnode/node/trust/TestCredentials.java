package io.syncnode.node.trust;

import io.syncnode.node.trust.KeyGen.CaCreated;
import io.syncnode.node.trust.KeyGen.NodeCreated;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Credentials made with {@link KeyGen} at fixed instants, for the trust tests. */
final class TestCredentials {
    /** "Now" in the tests. */
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private TestCredentials() {
    }

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    /** A CA made {@code age} before {@link #T0}, valid for the default 20 years. */
    static CaCreated ca(Path dir, Duration age) throws IOException, CredentialsException {
        return KeyGen.createCa(dir, KeyGen.DEFAULT_CA_VALIDITY, at(T0.minus(age)));
    }

    /** A node certificate made at {@code madeAt}, valid for {@code validity}. */
    static NodeCreated node(Path caDir, String name, Path dir, Instant madeAt, Duration validity)
            throws IOException, CredentialsException {
        return KeyGen.createNode(caDir, name, dir, validity, List.of(), at(madeAt));
    }

    /** The one certificate in a PEM file, as DER. */
    static byte[] der(Path pemFile) throws CredentialsException {
        return CredentialFiles.readCertificate(pemFile, null);
    }

    /** The raw private key in a PEM file. */
    static byte[] key(Path pemFile) throws CredentialsException {
        return CredentialFiles.readPrivateKey(pemFile, null);
    }

    static ParsedCertificate parsed(Path pemFile) throws CredentialsException {
        return ParsedCertificate.parse(der(pemFile));
    }

    /** As {@link #der}, for suppliers: an unreadable file fails the test. */
    static byte[] derOrFail(Path pemFile) {
        try {
            return der(pemFile);
        } catch (CredentialsException e) {
            throw new AssertionError(e);
        }
    }
}
