package io.syncnode.node.control;

/**
 * {@code peers --json} element: {"name", "address", "member", "dirty", "lastSeen", "clockOffsetMs",
 * "version"}. {@code clockOffsetMs}: how far the peer's clock was from this node's at its last message
 * (positive: ahead), or null when not measured since this node started. {@code version}: the syncnode
 * version and commit the peer stated in its last digest ("0.1.0 (3f2a1bc)"), or null when it has not
 * stated one since this node started.
 */
public record PeerView(String name, String address, boolean member, long dirty, String lastSeen, Long clockOffsetMs,
                       String version) {
    public PeerView(String name, String address, boolean member, long dirty, String lastSeen) {
        this(name, address, member, dirty, lastSeen, null, null);
    }
}
