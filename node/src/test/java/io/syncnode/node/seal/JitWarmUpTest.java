package io.syncnode.node.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.trust.Credentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JitWarmUpTest {
    @TempDir
    Path dir;

    /** The warm-up checks that each of its 20,000 packets (every length it uses) opens again. */
    @Test
    void everyWarmUpPacketOpensAgain() throws Exception {
        Credentials c = new SealNet(dir).credentials("ca", "alpha", Duration.ofDays(1));
        assertDoesNotThrow(() -> JitWarmUp.run(c));
    }

    /** The lengths the warm-up varies (not a multiple of the block, a whole fragment) round-trip under both headers. */
    @Test
    void oddLengthsAndBothHeadersRoundTrip() {
        SecretKeySpec k = new SecretKeySpec(new byte[KeyDerivation.KEY], "AES");
        for (int header : new int[] {SealFormat.PAIR_HEADER, SealFormat.GROUP_HEADER}) {
            for (int len : new int[] {1, 15, 17, 1023, 7679, 7681, JitWarmUp.LARGE}) {
                byte[] plain = new byte[len];
                Arrays.fill(plain, (byte) len);
                byte[] sealed = new byte[header + len + Aead.TAG];
                System.arraycopy(plain, 0, sealed, header, len);
                Aead.sealInPlace(k, SealFormat.KIND_PAIR, len, sealed, 0, header, header, len);
                assertArrayEquals(plain, Aead.open(k, SealFormat.KIND_PAIR, len, sealed, 0, header, header,
                        len + Aead.TAG), "length " + len + ", header " + header);
                assertTrue(Aead.openInPlace(k, SealFormat.KIND_PAIR, len, sealed, 0, header, header, len + Aead.TAG));
                assertArrayEquals(plain, Arrays.copyOfRange(sealed, header, header + len), "in place, length " + len);
            }
        }
    }
}
