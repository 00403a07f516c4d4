package io.syncnode.node.control;

/**
 * {@code peers --json} element: {"name", "address", "member", "dirty", "lastSeen", "clockOffsetMs"}.
 * {@code clockOffsetMs}: how far the peer's clock was from this node's at its last message (positive:
 * ahead), or null when not measured since this node started.
 */
public record PeerView(String name, String address, boolean member, long dirty, String lastSeen, Long clockOffsetMs) {
    public PeerView(String name, String address, boolean member, long dirty, String lastSeen) {
        this(name, address, member, dirty, lastSeen, null);
    }
}
