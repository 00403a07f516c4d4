package io.syncnode.node.cluster;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the transport dropped below syncnode's messages, by kind, for {@code status} and the
 * metrics (the seal layer counts its own refusals in {@code SealCounters}; a message that arrives
 * whole but fails validation counts as a rejected message). Every dropped packet is counted under
 * exactly one kind ({@code fragmentsOpen} counts the incomplete messages dropped). Thread-safe.
 */
public final class TransportCounters {
    /** Why a packet was dropped. */
    public enum Kind {
        /** A FRAG2 fragment with an impossible header: more fragments than the largest envelope needs, a fragment number outside them, more bytes than a fragment holds, or not matching its message's other fragments. */
        FRAGMENT_HEADER("fragmentHeader"),
        /** An incomplete message dropped (counted per message) because its member started another beyond its bound of incomplete messages or their bytes. */
        FRAGMENTS_OPEN("fragmentsOpen"),
        /** A later fragment of a message dropped before. */
        FRAGMENT_OF_DROPPED("fragmentOfDropped"),
        /** A message from a member whose node name this node does not know (not admitted, or gone). */
        UNNAMED_SENDER("unnamedSender");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    private final Map<Kind, AtomicLong> dropped = new EnumMap<>(Kind.class);

    public TransportCounters() {
        for (Kind k : Kind.values()) {
            dropped.put(k, new AtomicLong());
        }
    }

    /** Counts one drop of {@code kind}; returns the count of that kind so far. */
    long drop(Kind kind) {
        return dropped.get(kind).incrementAndGet();
    }

    public long dropped(Kind kind) {
        return dropped.get(kind).get();
    }

    /** Drops by kind key, in declaration order, for status. */
    public Map<String, Long> droppedByKind() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            out.put(k.key(), dropped.get(k).get());
        }
        return out;
    }
}
