package io.syncnode.node.seal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The key schedule: X25519 key agreement, HKDF-SHA256 (both BouncyCastle: the JDK has no HKDF,
 * and BouncyCastle's X25519 is twice as fast as the JDK's here), and the JGroups address a session
 * must use. Pure functions; thread-safe.
 */
final class KeyDerivation {
    static final int KEY = 32;
    private static final byte[] PAIR_SALT = "syncnode/pair/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ADDRESS_TAG = "syncnode/address/v1".getBytes(StandardCharsets.US_ASCII);

    private KeyDerivation() {
    }

    /** A fresh X25519 private key (32 bytes). */
    static byte[] newPrivateKey(SecureRandom random) {
        byte[] k = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(random, k);
        return k;
    }

    static byte[] publicKey(byte[] privateKey) {
        byte[] p = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(privateKey, 0, p, 0);
        return p;
    }

    /**
     * The two directional keys of a pair: X25519(mine, theirs) expanded with HKDF, bound to both
     * (session, generation) ends. Element 0 is the key for packets from the lower end to the
     * higher, element 1 for the other way (ends ordered by session id, then generation; one end
     * talking to itself uses element 0 both ways). Null when the agreement is all zero (their
     * public key is a low-order point: a hostile or broken peer).
     */
    static byte[][] pairKeys(byte[] myPrivate, byte[] theirPublic, long mySession, int myGen, long theirSession,
                             int theirGen) {
        byte[] shared = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(myPrivate, 0, theirPublic, 0, shared, 0)) {
            return null;
        }
        boolean meLow = compare(mySession, myGen, theirSession, theirGen) <= 0;
        byte[] info = new byte[24];
        put(info, 0, meLow ? mySession : theirSession, meLow ? myGen : theirGen);
        put(info, 12, meLow ? theirSession : mySession, meLow ? theirGen : myGen);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(shared, PAIR_SALT, info));
        byte[] out = new byte[2 * KEY];
        hkdf.generateBytes(out, 0, out.length);
        java.util.Arrays.fill(shared, (byte) 0);
        return new byte[][] {java.util.Arrays.copyOfRange(out, 0, KEY), java.util.Arrays.copyOfRange(out, KEY, 2 * KEY)};
    }

    /** Orders pair ends: by session id (unsigned), then generation. */
    static int compare(long sessionA, int genA, long sessionB, int genB) {
        int c = Long.compareUnsigned(sessionA, sessionB);
        return c != 0 ? c : Integer.compareUnsigned(genA, genB);
    }

    /**
     * The JGroups address (UUID: most, least significant bits) of a session: SHA-256 of the node's
     * certified name and the session id. A member can only appear under an address derived from
     * the name in its own certificate.
     */
    static long[] address(String nodeName, long sessionId) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        sha.update(ADDRESS_TAG);
        byte[] name = nodeName.getBytes(StandardCharsets.UTF_8);
        sha.update((byte) name.length);
        sha.update(name);
        byte[] id = new byte[8];
        SealFormat.putLong(id, 0, sessionId);
        sha.update(id);
        byte[] h = sha.digest();
        return new long[] {SealFormat.getLong(h, 0), SealFormat.getLong(h, 8)};
    }

    private static void put(byte[] b, int off, long session, int gen) {
        SealFormat.putLong(b, off, session);
        SealFormat.putInt(b, off + 8, gen);
    }
}
