package io.syncnode.node.seal;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One generation of this session's keys: an ephemeral X25519 pair (pair keys with every peer
 * derive from it) and a random sender key (this node's group packets are sealed with it, and it
 * is handed to each peer over its pair key), and the credentials it signs with (a reload with a
 * renewed certificate starts a new generation, so packets of the old one stay verifiable with the
 * old certificate). A rotation makes a new generation; the previous one is kept for a grace time
 * so that packets in flight still open.
 */
final class LocalGeneration {
    final int gen;
    final byte[] ephemeralPrivate;
    final byte[] ephemeralPublic;
    final byte[] senderKeyBytes;
    final SecretKey senderKey;
    /** The next counter of a group packet under {@link #senderKey}. */
    final AtomicLong groupCounter = new AtomicLong();
    final long createdNanos;
    /** The credentials that sign this generation's group packets (those of its HELLO). */
    final io.syncnode.node.trust.Credentials signer;

    LocalGeneration(int gen, SecureRandom random, long nowNanos, io.syncnode.node.trust.Credentials signer) {
        this.gen = gen;
        this.signer = signer;
        this.ephemeralPrivate = KeyDerivation.newPrivateKey(random);
        this.ephemeralPublic = KeyDerivation.publicKey(ephemeralPrivate);
        this.senderKeyBytes = new byte[KeyDerivation.KEY];
        random.nextBytes(senderKeyBytes);
        this.senderKey = new SecretKeySpec(senderKeyBytes, "AES");
        this.createdNanos = nowNanos;
    }
}
