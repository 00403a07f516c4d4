package io.syncnode.node.trust;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code [cluster] revoked} list: node names and certificate fingerprints that are refused
 * even though a trusted CA signed them. A name revokes every certificate of that node (the node
 * is gone); a fingerprint revokes one certificate (a leaked key, the node itself gets a new one).
 * The two forms cannot be confused: a name has at most 32 characters, a fingerprint 64 hex digits.
 * Immutable.
 */
public final class Revocations {
    private static final Revocations NONE = new Revocations(List.of(), Set.of(), Set.of());

    private final List<String> entries;
    private final Set<String> names;
    private final Set<Fingerprint> fingerprints;

    private Revocations(List<String> entries, Set<String> names, Set<Fingerprint> fingerprints) {
        this.entries = entries;
        this.names = names;
        this.fingerprints = fingerprints;
    }

    public static Revocations none() {
        return NONE;
    }

    /**
     * @throws IllegalArgumentException naming the first entry that is neither a node name
     *                                  ({@code [a-z0-9][a-z0-9-]{0,31}}) nor a fingerprint
     */
    public static Revocations parse(List<String> entries) {
        Set<String> names = new HashSet<>();
        Set<Fingerprint> fingerprints = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            if (NodeName.isValid(entry)) {
                names.add(entry);
            } else if (Fingerprint.looksLikeFingerprint(entry)) {
                fingerprints.add(Fingerprint.parse(entry));
            } else {
                throw new IllegalArgumentException("revoked entry " + (i + 1) + " \"" + entry
                        + "\" is neither a node name (" + NodeName.RULE
                        + ") nor a certificate fingerprint (sha256: and 64 hex digits)");
            }
        }
        return entries.isEmpty() ? NONE : new Revocations(List.copyOf(entries), Set.copyOf(names),
                Set.copyOf(fingerprints));
    }

    /** Whether the node {@code name} or the certificate {@code fingerprint} is revoked. */
    public boolean isRevoked(String name, Fingerprint fingerprint) {
        return (name != null && names.contains(name)) || (fingerprint != null && fingerprints.contains(fingerprint));
    }

    /** The entries as given. */
    public List<String> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return "Revocations" + entries;
    }
}
