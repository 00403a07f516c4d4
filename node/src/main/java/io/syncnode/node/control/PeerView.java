package io.syncnode.node.control;

/** {@code peers --json} element: {"name", "address", "member", "dirty", "lastSeen"}. */
public record PeerView(String name, String address, boolean member, long dirty, String lastSeen) {
}
