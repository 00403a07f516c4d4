package io.syncnode.config;

import java.util.List;

/**
 * {@code [cluster]}: the JGroups cluster to join.
 *
 * @param multicast group address and port (udp only; the default when not given)
 * @param peers     static member list (tcp only; may be empty for udp)
 */
public record ClusterSection(String name, Transport transport, HostPort bind, HostPort multicast, List<HostPort> peers) {
    public ClusterSection {
        peers = List.copyOf(peers);
    }
}
