package io.syncnode.node.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FingerprintTest {
    private static final String HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void isTheSha256OfTheDerAndPrintsAsSha256Hex() {
        Fingerprint fingerprint = Fingerprint.of("test".getBytes(StandardCharsets.US_ASCII));
        assertEquals("sha256:" + HEX, fingerprint.toString());
        assertEquals(fingerprint, Fingerprint.parse(fingerprint.toString()));
    }

    @ParameterizedTest(name = "accepts {0}")
    @ValueSource(strings = {
            "sha256:" + HEX,
            HEX,
            "SHA256:9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
            "9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:0B:82:2C:D1:5D:6C:15:B0:F0:0A:08",
            "sha256:9f86d081:884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "  sha256:" + HEX + "\n",
    })
    void acceptedForms(String text) {
        assertEquals(Fingerprint.parse("sha256:" + HEX), Fingerprint.parse(text));
        assertTrue(Fingerprint.looksLikeFingerprint(text));
    }

    @ParameterizedTest(name = "rejects \"{0}\": {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                                                         | empty fingerprint",
            "sha1:a94a8fe5ccb19ba61c4c0873d391e987982fbbd3                              | uses sha1; only sha256",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0     | has 63 hex digits",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a088   | has 65 hex digits",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0g    | 'g' is not a hex digit",
            "9f8:6d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08          | ':' may only separate pairs",
            "9f::86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08         | ':' may only separate pairs",
            "sha256::9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08   | ':' may only separate pairs",
            "beta                                                                       | 't' is not a hex digit",
    })
    void rejections(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fingerprint.parse(text));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(Fingerprint.looksLikeFingerprint(text));
    }

    @Test
    void equalByContentAndImmutable() {
        byte[] digest = new byte[32];
        Fingerprint fingerprint = new Fingerprint(digest);
        digest[0] = 1;
        fingerprint.sha256()[1] = 1;
        assertEquals(new Fingerprint(new byte[32]), fingerprint);
        assertEquals(new Fingerprint(new byte[32]).hashCode(), fingerprint.hashCode());
        assertNotEquals(new Fingerprint(digest), fingerprint);
        assertThrows(IllegalArgumentException.class, () -> new Fingerprint(new byte[31]));
    }
}
