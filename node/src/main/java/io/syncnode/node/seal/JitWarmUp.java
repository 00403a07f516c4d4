package io.syncnode.node.seal;

import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.Ed25519;
import java.security.SecureRandom;
import java.util.logging.Logger;
import javax.crypto.spec.SecretKeySpec;

/**
 * Runs the seal layer's ciphers on throw-away data once at start, on a background thread, so that
 * the JIT has compiled them (with the CPU's AES and carry-less multiply instructions) before the
 * first bulk copy. Measured here: the JDK's AES-GCM runs at ~0.04 GB/s until C2 compiles it,
 * then at ~2 GB/s. Warmed with 1 KiB packets only, the first bulk copy still ran ~3 s of GHASH in
 * Java on both nodes (a JFR profile of {@code scripts/bench seal}): C2 had compiled the JDK's GCM
 * for what it saw, and the bulk's packets took branches it never saw (lengths that are not a
 * multiple of the 16-byte block, inputs of 7,680 bytes and more, the other header length), so
 * the compiled code was thrown away ("unstable_if" deoptimisation in -XX:+LogCompilation) and ran
 * interpreted until C2 compiled it again. So the 20,000 seal/open pairs vary like real traffic:
 * lengths of 1 byte to 2 KiB, every tenth one a fragment of up to {@value #LARGE} bytes, both header
 * lengths. About 0.4 s of CPU. The keys are random and discarded; nothing leaves the process.
 */
final class JitWarmUp {
    private static final Logger LOG = Logger.getLogger(JitWarmUp.class.getName());
    static final int ROUNDS = 20_000;
    static final int SIZE = 1024;
    /** A fragment's worth: FRAG2's frag_size in the shipped stacks, plus the message headers. */
    static final int LARGE = 60_200;

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
        byte[] packet = new byte[SealFormat.PAIR_HEADER + LARGE + Aead.TAG];
        java.util.Random lengths = new java.util.Random(1);
        for (int i = 0; i < ROUNDS; i++) {
            int size = i % 10 == 9 ? LARGE - lengths.nextInt(LARGE / 2) : 1 + lengths.nextInt(2 * SIZE);
            int header = i % 2 == 0 ? SealFormat.PAIR_HEADER : SealFormat.GROUP_HEADER;
            Aead.sealInPlace(k, SealFormat.KIND_PAIR, i, packet, 0, header, header, size);
            // pair packets open in place, group packets into an array of their own: warm both
            boolean opened = i % 4 == 3
                    ? Aead.open(k, SealFormat.KIND_PAIR, i, packet, 0, header, header, size + Aead.TAG) != null
                    : Aead.openInPlace(k, SealFormat.KIND_PAIR, i, packet, 0, header, header, size + Aead.TAG);
            if (!opened) {
                throw new IllegalStateException("AES-GCM does not open what it sealed");
            }
        }
        byte[] pub = credentials.certificate().publicKey();
        for (int i = 0; i < 300; i++) {
            byte[] sig = credentials.sign(packet, 0, 64);
            Ed25519.verify(pub, sig, packet, 0, 64);
        }
        byte[] priv = KeyDerivation.newPrivateKey(random);
        for (int i = 0; i < 100; i++) {
            KeyDerivation.pairKeys(priv, KeyDerivation.publicKey(priv), 1, 1, 2, 1);
        }
        LOG.fine(() -> "seal layer ciphers warmed up in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
