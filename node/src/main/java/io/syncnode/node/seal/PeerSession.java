package io.syncnode.node.seal;

import io.syncnode.node.trust.PeerCertificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * What this node holds about one session of one member (one process run; this node's own session
 * too): its verified certificate, the JGroups address it may use, its ephemeral keys and sender
 * keys by generation, the pair keys, and how far it has caught up with this node's keys.
 *
 * <p>Structure changes happen under the engine's lock; the maps are concurrent so that the data
 * path reads them without it. At most {@value #KEPT} generations of anything are kept.
 */
final class PeerSession {
    static final int KEPT = 3;

    /** A sender key of the peer, with the window of its group packets. */
    record GroupKey(int gen, SecretKey key, ReplayWindow window) {
        GroupKey(int gen, byte[] key, long floor) {
            this(gen, new SecretKeySpec(key, "AES"), new ReplayWindow(floor));
        }
    }

    final long session;
    final String name;
    final long startedAt;
    final long addressMsb;
    final long addressLsb;
    volatile PeerCertificate certificate;
    volatile byte[] physical;
    /** The peer's latest generation whose ephemeral key this node holds (0: none yet). */
    volatile int latestGen;
    final Map<Integer, byte[]> ephemerals = new ConcurrentHashMap<>();
    /** The certificate each generation was introduced with: it verifies that generation's group packets. */
    final Map<Integer, PeerCertificate> certificates = new ConcurrentHashMap<>();
    final Map<Integer, GroupKey> groupKeys = new ConcurrentHashMap<>();
    final Map<Long, PairKeys> pairs = new ConcurrentHashMap<>();
    /** The highest generation of this node whose introduction the peer holds. */
    volatile int knowsMyGen;
    /** The highest generation of this node whose sender key the peer acknowledged. */
    volatile int ackedMyKeyGen;
    volatile long lastValidNanos;
    volatile long lastHelloSentNanos = Long.MIN_VALUE / 2;
    volatile long lastKeySentNanos = Long.MIN_VALUE / 2;
    /** Set when a newer session of the same node replaced this one: packets still open until then. */
    volatile long retireAtNanos = Long.MAX_VALUE;
    /** The signature of the last introduction verified, to skip re-verifying an identical one. */
    volatile byte[] lastHelloSignature;

    PeerSession(long session, String name, long startedAt, long addressMsb, long addressLsb,
                PeerCertificate certificate, byte[] physical, long nowNanos) {
        this.session = session;
        this.name = name;
        this.startedAt = startedAt;
        this.addressMsb = addressMsb;
        this.addressLsb = addressLsb;
        this.certificate = certificate;
        this.physical = physical;
        this.lastValidNanos = nowNanos;
    }

    /** Records the peer's ephemeral key of {@code gen}; keeps the newest {@value #KEPT}. */
    void addEphemeral(int gen, byte[] key) {
        if (ephemerals.putIfAbsent(gen, key) == null && gen > latestGen) {
            latestGen = gen;
        }
        trim(ephemerals);
        trim(certificates);
    }

    /** The certificate that verifies group packets of generation {@code gen}. */
    PeerCertificate certificateOf(int gen) {
        PeerCertificate c = certificates.get(gen);
        return c != null ? c : certificate;
    }

    void addGroupKey(GroupKey k) {
        groupKeys.putIfAbsent(k.gen(), k);
        trim(groupKeys);
    }

    private static <V> void trim(Map<Integer, V> byGen) {
        while (byGen.size() > KEPT) {
            byGen.keySet().stream().min(Integer::compare).ifPresent(byGen::remove);
        }
    }

    @Override
    public String toString() {
        return name + "/" + Long.toHexString(session);
    }
}
