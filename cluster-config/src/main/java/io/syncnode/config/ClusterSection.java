package io.syncnode.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code [cluster]}: the JGroups cluster to join, and who may join it.
 *
 * @param bind        local address and port of the transport (port 7800 when not given)
 * @param multicast   group address and port: for udp always set (239.77.0.1:45588 when not given);
 *                    null for tcp
 * @param peers       static member list: non-empty for tcp, empty for udp
 * @param credentials this node's credentials directory (made by {@code syncnode keygen node}), or
 *                    null; not checked to exist here, the node checks it at start
 * @param insecure    true only when the operator chose to run without admission and encryption;
 *                    never true together with {@code credentials}
 * @param revoked     node names and certificate fingerprints no longer admitted, as written (a
 *                    fingerprint is {@code sha256:} and 64 hex digits, or the bare digits, any case,
 *                    with or without ':' between byte pairs); the node normalises them
 * @param maxSend     cap on the file content this node sends to its peers, or null (none)
 * @param maxReceive  cap on the file content this node fetches from its peers, or null (none)
 */
public record ClusterSection(String name, Transport transport, HostPort bind, HostPort multicast, List<HostPort> peers,
                             Path credentials, boolean insecure, List<String> revoked, Rate maxSend, Rate maxReceive) {
    public ClusterSection {
        peers = List.copyOf(peers);
        revoked = List.copyOf(revoked);
    }

    /** Without bandwidth caps. */
    public ClusterSection(String name, Transport transport, HostPort bind, HostPort multicast, List<HostPort> peers,
                          Path credentials, boolean insecure, List<String> revoked) {
        this(name, transport, bind, multicast, peers, credentials, insecure, revoked, null, null);
    }

    /** Whether members are admitted by certificate and traffic is encrypted: credentials are set. */
    public boolean secured() {
        return credentials != null;
    }
}
