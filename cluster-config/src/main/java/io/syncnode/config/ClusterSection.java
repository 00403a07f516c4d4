package io.syncnode.config;

import java.nio.file.Path;
import java.time.Duration;
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
 * @param tombstoneRetention how long a delete's record (tombstone) is kept at least, and how long a
 *                    peer may stay unseen before it is forgotten ({@value #DEFAULT_TOMBSTONE_RETENTION_DAYS}
 *                    days when not given; at least {@link #MIN_TOMBSTONE_RETENTION})
 */
public record ClusterSection(String name, Transport transport, HostPort bind, HostPort multicast, List<HostPort> peers,
                             Path credentials, boolean insecure, List<String> revoked, Rate maxSend, Rate maxReceive,
                             Duration tombstoneRetention) {
    /** {@code tombstone-retention} when not given, in days. */
    public static final int DEFAULT_TOMBSTONE_RETENTION_DAYS = 30;
    public static final Duration DEFAULT_TOMBSTONE_RETENTION = Duration.ofDays(DEFAULT_TOMBSTONE_RETENTION_DAYS);
    /** The shortest {@code tombstone-retention}: tombstones are collected once an hour. */
    public static final Duration MIN_TOMBSTONE_RETENTION = Duration.ofHours(1);

    public ClusterSection {
        peers = List.copyOf(peers);
        revoked = List.copyOf(revoked);
        java.util.Objects.requireNonNull(tombstoneRetention, "tombstoneRetention");
    }

    /** With the default tombstone retention. */
    public ClusterSection(String name, Transport transport, HostPort bind, HostPort multicast, List<HostPort> peers,
                          Path credentials, boolean insecure, List<String> revoked, Rate maxSend, Rate maxReceive) {
        this(name, transport, bind, multicast, peers, credentials, insecure, revoked, maxSend, maxReceive,
                DEFAULT_TOMBSTONE_RETENTION);
    }

    /** Without bandwidth caps. */
    public ClusterSection(String name, Transport transport, HostPort bind, HostPort multicast, List<HostPort> peers,
                          Path credentials, boolean insecure, List<String> revoked) {
        this(name, transport, bind, multicast, peers, credentials, insecure, revoked, null, null);
    }

    /** The same section with another tombstone retention. */
    public ClusterSection withTombstoneRetention(Duration retention) {
        return new ClusterSection(name, transport, bind, multicast, peers, credentials, insecure, revoked, maxSend,
                maxReceive, retention);
    }

    /** Whether members are admitted by certificate and traffic is encrypted: credentials are set. */
    public boolean secured() {
        return credentials != null;
    }
}
