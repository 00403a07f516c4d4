package io.syncnode.config;

import java.util.List;

/**
 * {@code [cluster]}: the JGroups cluster to join.
 *
 * @param bind      local address and port of the transport (port 7800 when not given)
 * @param multicast group address and port: for udp always set (239.77.0.1:45588 when not given);
 *                  null for tcp
 * @param peers     static member list: non-empty for tcp, empty for udp
 */
public record ClusterSection(String name, Transport transport, HostPort bind, HostPort multicast, List<HostPort> peers) {
    public ClusterSection {
        peers = List.copyOf(peers);
    }
}
