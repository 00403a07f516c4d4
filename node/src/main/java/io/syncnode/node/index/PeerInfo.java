package io.syncnode.node.index;

import java.time.Instant;
import java.util.Objects;

/**
 * A node this node has heard of.
 *
 * @param id       its node id
 * @param name     its configured name
 * @param address  its last known address ({@code host:port}), or null
 * @param lastSeen when it was last a member of the view (millisecond precision), or null
 */
public record PeerInfo(long id, String name, String address, Instant lastSeen) {
    public PeerInfo {
        Objects.requireNonNull(name, "name");
    }
}
