package io.syncnode.node.trust;

import io.syncnode.config.ClusterSection;
import java.time.Instant;

/**
 * The trust a node starts (or reloads) with: its credentials, checked to be its own, and the
 * cluster's revocation list.
 */
public record ClusterTrust(Credentials credentials, Revocations revoked) {

    /**
     * Loads {@code [cluster] credentials} and {@code revoked} for node {@code nodeName}.
     *
     * @throws CredentialsException when the credentials do not load, are another node's, or are
     *                              themselves revoked; the message says which file and what to do
     */
    public static ClusterTrust load(ClusterSection cluster, String nodeName, Instant now) throws CredentialsException {
        Credentials c = Credentials.load(cluster.credentials(), now);
        if (!c.nodeName().equals(nodeName)) {
            throw new CredentialsException(cluster.credentials().resolve(KeyGen.NODE_CERTIFICATE)
                    + " is the certificate of node \"" + c.nodeName() + "\", but this node is \"" + nodeName
                    + "\" ([node] name); make its own with `syncnode keygen node --ca CA --name " + nodeName
                    + " --out DIR`");
        }
        Revocations revoked;
        try {
            revoked = Revocations.parse(cluster.revoked());
        } catch (IllegalArgumentException e) {
            throw new CredentialsException("[cluster] revoked: " + e.getMessage(), e);
        }
        if (revoked.isRevoked(c.nodeName(), c.certificate().fingerprint())) {
            throw new CredentialsException("this node's own certificate (" + c.nodeName() + ", "
                    + c.certificate().fingerprint() + ") is listed in [cluster] revoked; a revoked node may not"
                    + " rejoin: make new credentials (another fingerprint) or take it off the list");
        }
        return new ClusterTrust(c, revoked);
    }
}
