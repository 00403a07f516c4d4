package io.syncnode.node.seal;

import java.util.List;

/** The result of opening one inbound packet. */
public sealed interface Opened {

    /** Packets the seal layer wants sent in answer (possibly none). */
    List<Outgoing> replies();

    /**
     * An authentic JGroups message: {@code bytes[offset, offset+length)} is the serialized message
     * that the session {@code name} at address (msb, lsb) sent.
     */
    record Message(String name, long addressMsb, long addressLsb, byte[] bytes, int offset, int length)
            implements Opened {
        @Override
        public List<Outgoing> replies() {
            return List.of();
        }
    }

    /**
     * A packet of the seal layer itself (introduction, key, acknowledgement), consumed.
     * {@code introduced} is set when it introduced a session not known before.
     */
    record Control(List<Outgoing> replies, Introduction introduced) implements Opened {
    }

    /** Refused and counted under {@code reason}. */
    record Refused(SealCounters.Reason reason, List<Outgoing> replies) implements Opened {
    }

    /** A session this node now holds keys for: its address, certified name and where it listens. */
    record Introduction(long addressMsb, long addressLsb, String name, byte[] physical) {
    }
}
