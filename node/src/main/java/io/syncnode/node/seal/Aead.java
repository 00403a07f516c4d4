package io.syncnode.node.seal;

import java.nio.ByteBuffer;
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
 *
 * <p>Implementation note: the bulk path works in place, through the JDK's {@code ByteBuffer}
 * methods on heap buffers that share the packet's array: a packet is encrypted where its content
 * was serialized, and a pair packet is decrypted where it was received. On JDK 17 here that is
 * also the fast way (a 60 KB fragment: about 10 µs to encrypt and 12-18 µs to decrypt in place,
 * against 30-45 µs for {@code doFinal(byte[], int, int)}, which returns a new array), and it
 * allocates no packet-sized array. JDK 17 checks the tag before it writes any plaintext (a
 * tampered packet is left as it was); a refused packet's bytes are dropped anyway.
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
     * Encrypts {@code buf[off, off+len)} in place and writes the tag after it (at {@code off+len},
     * {@value #TAG} bytes), authenticating {@code buf[aadOff, aadOff+aadLen)}, which must lie
     * before {@code off}.
     */
    static void sealInPlace(SecretKey key, int kind, long counter, byte[] buf, int aadOff, int aadLen, int off,
                            int len) {
        Cipher c = CIPHER.get();
        try {
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce(kind, counter)));
            c.updateAAD(buf, aadOff, aadLen);
            c.doFinal(ByteBuffer.wrap(buf, off, len), ByteBuffer.wrap(buf, off, len + TAG));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Checks and decrypts {@code buf[off, off+len)} (ciphertext and tag) in place: on success the
     * plaintext is {@code buf[off, off+len-TAG)}. False when the tag does not match (tampered, or
     * another key); the range's bytes are then undefined.
     */
    static boolean openInPlace(SecretKey key, int kind, long counter, byte[] buf, int aadOff, int aadLen, int off,
                               int len) {
        if (len < TAG) {
            return false;
        }
        Cipher c = CIPHER.get();
        try {
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce(kind, counter)));
            c.updateAAD(buf, aadOff, aadLen);
            c.doFinal(ByteBuffer.wrap(buf, off, len), ByteBuffer.wrap(buf, off, len - TAG));
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /**
     * Decrypts and checks {@code in[off, off+len)} (ciphertext and tag) into a new array, leaving
     * the packet as it is (a group packet's signature covers its ciphertext); null when the tag
     * does not match.
     */
    static byte[] open(SecretKey key, int kind, long counter, byte[] in, int aadOff, int aadLen, int off, int len) {
        if (len < TAG) {
            return null;
        }
        byte[] plain = new byte[len - TAG];
        Cipher c = CIPHER.get();
        try {
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce(kind, counter)));
            c.updateAAD(in, aadOff, aadLen);
            c.doFinal(ByteBuffer.wrap(in, off, len), ByteBuffer.wrap(plain));
            return plain;
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
