package io.syncnode.node.seal;

import java.util.List;
import java.util.Map;

/**
 * The seal layer as {@code status} shows it.
 *
 * @param fingerprint this node's certificate fingerprint
 * @param trusted     the trusted CA fingerprints
 * @param generation  this node's current key generation (rises at every rotation)
 * @param peers       the sessions this node holds, other than its own
 * @param refused     refused packets by reason
 */
public record SealStatus(String fingerprint, List<String> trusted, int generation, List<Peer> peers,
                         Map<String, Long> refused) {

    /**
     * @param ready whether both ends hold each other's current keys
     */
    public record Peer(String name, String session, int generation, boolean ready) {
    }
}
