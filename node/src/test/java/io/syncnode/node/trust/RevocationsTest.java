package io.syncnode.node.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RevocationsTest {
    private static final Fingerprint LEAKED = Fingerprint.of(new byte[] {1, 2, 3});
    private static final Fingerprint OTHER = Fingerprint.of(new byte[] {4});

    @Test
    void revokesByNameOrByFingerprint() {
        Revocations revoked = Revocations.parse(List.of("gamma", LEAKED.toString().toUpperCase()));
        assertTrue(revoked.isRevoked("gamma", OTHER), "every certificate of a revoked node");
        assertTrue(revoked.isRevoked("beta", LEAKED), "one certificate by fingerprint");
        assertFalse(revoked.isRevoked("beta", OTHER));
        assertEquals(List.of("gamma", LEAKED.toString().toUpperCase()), revoked.entries());
    }

    @Test
    void noneRevokesNothing() {
        assertFalse(Revocations.none().isRevoked("alpha", LEAKED));
        assertEquals(List.of(), Revocations.none().entries());
        assertFalse(Revocations.parse(List.of()).isRevoked("alpha", LEAKED));
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = {"Gamma", "-gamma", "gamma_1", "", "a23456789012345678901234567890123", "sha1:abcd",
            "sha256:0000"})
    void rejectsWhatIsNeitherANameNorAFingerprint(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Revocations.parse(List.of("alpha", entry)));
        assertTrue(e.getMessage().contains("revoked entry 2 \"" + entry + "\" is neither a node name"), e.getMessage());
    }
}
