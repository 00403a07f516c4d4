package io.syncnode.node.seal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the seal layer refused, by reason, for {@code status}. Every packet that is not accepted
 * is counted under exactly one reason. Thread-safe.
 */
public final class SealCounters {
    /** Why a packet was refused. */
    public enum Reason {
        /** Not a sealed packet of this protocol version, or its fields are out of bounds. */
        MALFORMED("malformed"),
        /** Authentication tag wrong: altered in transit, or sealed with a key this node does not hold. */
        TAMPERED("tampered"),
        /** A counter already accepted, or too old to tell: a replay. */
        REPLAYED("replayed"),
        /** From a session (or key generation) this node has no introduction or key for. */
        UNKNOWN_SENDER("unknownSender"),
        /** A group packet whose Ed25519 signature is not its session's. */
        BAD_SIGNATURE("badSignature"),
        /** An introduction whose certificate is not from a trusted CA, expired, or revoked. */
        CERTIFICATE("certificate"),
        /** A member that claims another member's JGroups address, or a message under someone else's. */
        IMPERSONATION("impersonation"),
        /** An older introduction of a node whose newer session is known (a replay, or a stale packet). */
        STALE("stale"),
        /** Introductions beyond the rate this node verifies (signature checks cost CPU). */
        THROTTLED("throttled");

        private final String key;

        Reason(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    private final Map<Reason, AtomicLong> refused = new java.util.EnumMap<>(Reason.class);
    final AtomicLong sealed = new AtomicLong();
    final AtomicLong opened = new AtomicLong();
    /** GROUP packets sealed (each one Ed25519 signature) and GROUP signatures checked. */
    final AtomicLong signed = new AtomicLong();
    final AtomicLong verified = new AtomicLong();

    public SealCounters() {
        for (Reason r : Reason.values()) {
            refused.put(r, new AtomicLong());
        }
    }

    void refuse(Reason r) {
        refused.get(r).incrementAndGet();
    }

    public long refused(Reason r) {
        return refused.get(r).get();
    }

    public long sealed() {
        return sealed.get();
    }

    public long opened() {
        return opened.get();
    }

    /**
     * Packets sealed and opened (data and control), for status: "sealed", "opened", and of those the
     * GROUP packets, which cost a signature each: "signed" (sealed) and "verified" (opened).
     */
    public Map<String, Long> traffic() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("sealed", sealed.get());
        out.put("opened", opened.get());
        out.put("signed", signed.get());
        out.put("verified", verified.get());
        return out;
    }

    /** Refusals by reason key, in declaration order, for status. */
    public Map<String, Long> refusedByReason() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Reason r : Reason.values()) {
            out.put(r.key(), refused.get(r).get());
        }
        return out;
    }
}
