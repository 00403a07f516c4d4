package io.syncnode.node.seal;

import java.util.ArrayList;
import java.util.List;

/**
 * The group packets a node sends in its first {@link #WINDOW_NANOS} after it introduced itself at
 * connect (discovery, join): a member that did not hold this node's sender key yet refused them.
 * Each member gets them again, once, as soon as it acknowledges the key; the packets are the same
 * bytes, so they pass its replay window once (they were never accepted before). JGroups takes late
 * discovery answers and join requests as it takes slow ones. At most {@value #MAX} packets.
 * Guarded by the handshake's lock.
 */
final class EarlyPackets {
    static final long WINDOW_NANOS = 3_000_000_000L;
    static final int MAX = 64;

    private final List<byte[]> packets = new ArrayList<>();
    private long since = Long.MIN_VALUE / 2;
    private boolean open;

    /** The node introduces itself at connect: the window opens. */
    void open(long now) {
        packets.clear();
        since = now;
        open = true;
    }

    /** A group packet sent now. */
    void sent(byte[] packet, long now) {
        if (!open) {
            return;
        }
        if (now - since > WINDOW_NANOS) {
            open = false;
            return;
        }
        if (packets.size() < MAX) {
            packets.add(packet);
        }
    }

    boolean isOpen() {
        return open;
    }

    /** Whether packets of the connect window are still kept (they are sent to members that become ready). */
    boolean keepsAny(long now) {
        return !packets.isEmpty() && now - since <= 2 * WINDOW_NANOS;
    }

    /** The packets to send a member that just acknowledged this node's key (while they are kept). */
    List<byte[]> forNewlyReady(long now) {
        if (now - since > 2 * WINDOW_NANOS) {
            packets.clear();
            return List.of();
        }
        return List.copyOf(packets);
    }
}
