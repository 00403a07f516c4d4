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
 * @param traffic     packets sealed and messages opened since the start ("sealed", "opened"; of them
 *                    the signed GROUP packets: "signed", "verified")
 */
public record SealStatus(String fingerprint, List<String> trusted, int generation, List<Peer> peers,
                         Map<String, Long> refused, Map<String, Long> traffic) {

    /**
     * @param ready whether both ends hold each other's current keys
     */
    public record Peer(String name, String session, int generation, boolean ready) {
    }

    static SealStatus of(io.syncnode.node.trust.Credentials own, int generation, List<PeerSession> sessions,
                         SealCounters counters) {
        List<Peer> ps = new java.util.ArrayList<>();
        for (PeerSession s : sessions) {
            ps.add(new Peer(s.name, Long.toHexString(s.session), s.latestGen,
                    s.ackedMyKeyGen >= generation && s.knowsMyGen >= generation && !s.groupKeys.isEmpty()));
        }
        ps.sort((a, b) -> a.name().compareTo(b.name()));
        return new SealStatus(own.certificate().fingerprint().toString(),
                own.anchors().fingerprints().stream().map(Object::toString).toList(), generation, ps,
                counters.refusedByReason(), counters.traffic());
    }
}
