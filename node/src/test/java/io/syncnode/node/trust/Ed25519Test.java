package io.syncnode.node.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ed25519Test {
    private static final HexFormat HEX = HexFormat.of();
    // RFC 8032 section 7.1, TEST 2
    private static final byte[] RFC_SECRET = HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    private static final byte[] RFC_PUBLIC = HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    private static final byte[] RFC_MESSAGE = HEX.parseHex("72");
    private static final byte[] RFC_SIGNATURE = HEX.parseHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

    private final byte[] key = CertificateIssuer.newPrivateKey(new SecureRandom());
    private final byte[] publicKey = Ed25519.publicKeyOf(key);
    private final byte[] message = "announce ct101 generation 7".getBytes(StandardCharsets.UTF_8);

    @Test
    void matchesTheRfc8032TestVector() {
        assertArrayEquals(RFC_PUBLIC, Ed25519.publicKeyOf(RFC_SECRET));
        assertArrayEquals(RFC_SIGNATURE, Ed25519.sign(RFC_SECRET, RFC_MESSAGE, 0, 1));
        assertArrayEquals(RFC_SIGNATURE, Ed25519.sign(RFC_SECRET, RFC_PUBLIC, RFC_MESSAGE, 0, 1));
        assertTrue(Ed25519.verify(RFC_PUBLIC, RFC_SIGNATURE, RFC_MESSAGE, 0, 1));
    }

    @Test
    void signsAndVerifiesARange() {
        byte[] framed = new byte[message.length + 8];
        System.arraycopy(message, 0, framed, 5, message.length);
        byte[] signature = Ed25519.sign(key, framed, 5, message.length);
        assertArrayEquals(Ed25519.sign(key, message, 0, message.length), signature);
        assertTrue(Ed25519.verify(publicKey, signature, message, 0, message.length));
        assertTrue(Ed25519.verify(publicKey, signature, framed, 5, message.length));
        assertFalse(Ed25519.verify(publicKey, signature, framed, 4, message.length));
    }

    @ParameterizedTest(name = "a flipped bit {0} in the message is refused")
    @ValueSource(ints = {0, 7, 100, 215})
    void flippedMessageBit(int bit) {
        byte[] signature = Ed25519.sign(key, message, 0, message.length);
        byte[] changed = message.clone();
        changed[bit / 8] ^= (byte) (1 << (bit % 8));
        assertFalse(Ed25519.verify(publicKey, signature, changed, 0, changed.length));
    }

    @ParameterizedTest(name = "a flipped bit {0} in the signature is refused")
    @ValueSource(ints = {0, 255, 256, 511})
    void flippedSignatureBit(int bit) {
        byte[] signature = Ed25519.sign(key, message, 0, message.length);
        signature[bit / 8] ^= (byte) (1 << (bit % 8));
        assertFalse(Ed25519.verify(publicKey, signature, message, 0, message.length));
    }

    @ParameterizedTest(name = "a flipped bit {0} in the public key is refused")
    @ValueSource(ints = {0, 128, 254, 255})
    void flippedKeyBit(int bit) {
        byte[] signature = Ed25519.sign(key, message, 0, message.length);
        byte[] changed = publicKey.clone();
        changed[bit / 8] ^= (byte) (1 << (bit % 8));
        assertFalse(Ed25519.verify(changed, signature, message, 0, message.length));
    }

    @Test
    void malformedInputsAreFalseNotExceptions() {
        byte[] signature = Ed25519.sign(key, message, 0, message.length);
        assertFalse(Ed25519.verify(new byte[31], signature, message, 0, message.length));
        assertFalse(Ed25519.verify(new byte[33], signature, message, 0, message.length));
        assertFalse(Ed25519.verify(publicKey, new byte[63], message, 0, message.length));
        assertFalse(Ed25519.verify(publicKey, new byte[65], message, 0, message.length));
        assertFalse(Ed25519.verify(publicKey, new byte[64], message, 0, message.length));
        assertFalse(Ed25519.verify(null, signature, message, 0, message.length));
        assertFalse(Ed25519.verify(publicKey, null, message, 0, message.length));
        assertFalse(Ed25519.verify(publicKey, signature, null, 0, 0));
        assertFalse(Ed25519.verify(publicKey, signature, message, -1, message.length));
        assertFalse(Ed25519.verify(publicKey, signature, message, 1, message.length));
        byte[] notAPoint = new byte[32];
        notAPoint[0] = 2; // y = 2 has no x on the curve
        assertFalse(Ed25519.verify(notAPoint, signature, message, 0, message.length));
    }

    @Test
    void signingRefusesAKeyOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> Ed25519.sign(new byte[64], message, 0, message.length));
        assertThrows(IndexOutOfBoundsException.class, () -> Ed25519.sign(key, message, 1, message.length));
    }
}
