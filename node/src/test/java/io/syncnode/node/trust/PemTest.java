package io.syncnode.node.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PemTest {
    /** RFC 8410 section 10.3: an Ed25519 private key in PKCS#8 and its 32-byte seed. */
    private static final String RFC_8410_KEY = "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC";
    private static final String RFC_8410_SEED = "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842";

    @Test
    void pkcs8IsTheRfc8410Layout() {
        byte[] der = Base64.getDecoder().decode(RFC_8410_KEY);
        assertArrayEquals(HexFormat.of().parseHex(RFC_8410_SEED), Pkcs8.decode(der));
        assertArrayEquals(der, Pkcs8.encode(HexFormat.of().parseHex(RFC_8410_SEED)));
    }

    @Test
    void roundTripsBlocksAndSkipsTextAround() {
        byte[] first = new byte[100];
        byte[] second = {1, 2, 3};
        String text = "# cluster CAs\n" + Pem.encode("CERTIFICATE", first) + "\r\nrotated:\n"
                + Pem.encode("CERTIFICATE", second) + Pem.encode("PRIVATE KEY", second);
        List<byte[]> certificates = Pem.decode(text, "CERTIFICATE");
        assertEquals(2, certificates.size());
        assertArrayEquals(first, certificates.get(0));
        assertArrayEquals(second, certificates.get(1));
        assertEquals(3, Pem.decode(text).size());
        assertTrue(Pem.encode("CERTIFICATE", new byte[100]).lines().allMatch(line -> line.length() <= 64));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "-----BEGIN CERTIFICATE-----\\nAAAA\\n                              | has no END line",
            "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END PRIVATE KEY-----\\n  | ends with \"-----END PRIVATE KEY-----\"",
            "x\\n-----BEGIN CERTIFICATE-----\\nAA*A\\n-----END CERTIFICATE-----\\n | block at line 2 is not valid base64",
    })
    void brokenBlocksAreRefused(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pem.decode(text.replace("\\n", "\n")));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void pkcs8RefusesOtherKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pkcs8.decode(new byte[] {1, 2}));
        assertTrue(e.getMessage().startsWith("not a PKCS#8 private key"), e.getMessage());
    }
}
