package io.syncnode.node.seal;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM through the JDK (its intrinsics run at ~4 GB/s here; BouncyCastle's GCM at ~0.1
 * GB/s). The 12-byte nonce is a 4-byte kind tag and the sender's 8-byte packet counter: every key
 * belongs to one sender (a sender key, or one direction of a pair key), which never reuses a
 * counter, so a nonce never repeats under a key. The authenticated data is the packet header.
 * One {@link Cipher} per thread; thread-safe.
 */
final class Aead {
    static final int TAG = 16;
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no AES/GCM/NoPadding", e);
        }
    });

    private Aead() {
    }

    /**
     * Encrypts {@code plain[off, off+len)} into {@code out} at {@code outOff} (len + {@value #TAG}
     * bytes), authenticating {@code out[aadOff, aadOff+aadLen)}.
     */
    static void seal(SecretKey key, int kind, long counter, byte[] out, int aadOff, int aadLen,
                     byte[] plain, int off, int len, int outOff) {
        Cipher c = CIPHER.get();
        try {
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce(kind, counter)));
            c.updateAAD(out, aadOff, aadLen);
            c.doFinal(plain, off, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts and checks {@code in[off, off+len)} (ciphertext and tag); null when the tag does
     * not match (tampered, or another key).
     */
    static byte[] open(SecretKey key, int kind, long counter, byte[] in, int aadOff, int aadLen, int off, int len) {
        if (len < TAG) {
            return null;
        }
        Cipher c = CIPHER.get();
        try {
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce(kind, counter)));
            c.updateAAD(in, aadOff, aadLen);
            return c.doFinal(in, off, len);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private static byte[] nonce(int kind, long counter) {
        byte[] n = new byte[12];
        n[3] = (byte) kind;
        for (int i = 0; i < 8; i++) {
            n[4 + i] = (byte) (counter >>> (56 - 8 * i));
        }
        return n;
    }
}
