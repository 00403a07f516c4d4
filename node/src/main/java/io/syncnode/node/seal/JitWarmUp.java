package io.syncnode.node.seal;

import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.Ed25519;
import java.security.SecureRandom;
import java.util.logging.Logger;
import javax.crypto.spec.SecretKeySpec;

/**
 * Runs the seal layer's ciphers on throw-away data once at start, on a background thread, so that
 * the JIT has compiled them (with the CPU's AES and carry-less multiply instructions) before the
 * first bulk copy. Measured here: the JDK's AES-GCM runs at ~0.1 GB/s until C2 compiles it, which
 * takes ~180 MB of traffic, then at ~7 GB/s; 20,000 seal/open pairs of 1 KiB (~0.15 s of CPU)
 * get it compiled. The keys are random and discarded; nothing leaves the process.
 */
final class JitWarmUp {
    private static final Logger LOG = Logger.getLogger(JitWarmUp.class.getName());
    static final int ROUNDS = 20_000;
    static final int SIZE = 1024;

    private JitWarmUp() {
    }

    /** Starts the warm-up on a daemon thread of minimum priority. */
    static void startInBackground(Credentials credentials) {
        Thread t = new Thread(() -> run(credentials), "seal-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    static void run(Credentials credentials) {
        long start = System.nanoTime();
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[KeyDerivation.KEY];
        random.nextBytes(key);
        SecretKeySpec k = new SecretKeySpec(key, "AES");
        byte[] plain = new byte[SIZE];
        byte[] sealed = new byte[SealFormat.PAIR_HEADER + SIZE + Aead.TAG];
        for (int i = 0; i < ROUNDS; i++) {
            Aead.seal(k, SealFormat.KIND_PAIR, i, sealed, 0, SealFormat.PAIR_HEADER, plain, 0, SIZE, SealFormat.PAIR_HEADER);
            if (Aead.open(k, SealFormat.KIND_PAIR, i, sealed, 0, SealFormat.PAIR_HEADER, SealFormat.PAIR_HEADER,
                    SIZE + Aead.TAG) == null) {
                throw new IllegalStateException("AES-GCM does not open what it sealed");
            }
        }
        byte[] pub = credentials.certificate().publicKey();
        for (int i = 0; i < 300; i++) {
            byte[] sig = credentials.sign(plain, 0, 64);
            Ed25519.verify(pub, sig, plain, 0, 64);
        }
        byte[] priv = KeyDerivation.newPrivateKey(random);
        for (int i = 0; i < 100; i++) {
            KeyDerivation.pairKeys(priv, KeyDerivation.publicKey(priv), 1, 1, 2, 1);
        }
        LOG.fine(() -> "seal layer ciphers warmed up in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
