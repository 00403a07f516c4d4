package io.syncnode.config.csync2;

import io.syncnode.config.HostPort;
import io.syncnode.config.csync2.Csync2Config.Group;
import io.syncnode.config.csync2.Csync2Config.Host;
import io.syncnode.config.csync2.ImportNote.Kind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hosts of a csync2 file as syncnode nodes: each one's node name and the address its peers
 * reach it at.
 *
 * <p>Node names: the csync2 host name when it is a valid node name ({@code [a-z0-9][a-z0-9-]{0,31}},
 * as {@code ConfigLoader} requires); otherwise its first label (before the first dot) with other
 * characters turned into '-', cut to 32 characters. Addresses: the part after '@' of csync2's
 * {@code host NAME@ADDRESS}, else the host name itself (csync2 connects to that name too, through
 * DNS or /etc/hosts), with syncnode's port 7800. A host whose address is not a valid host name or
 * IP address, or whose node name is taken by another host, is left out with a note.
 */
final class HostDirectory {
    /** As {@code ConfigLoader.NODE_NAME}; the import's tests load every output with the loader. */
    static final String NODE_NAME = "[a-z0-9][a-z0-9-]{0,31}";

    /** One usable host: its node name and its {@code ADDRESS:PORT}. */
    record Node(String name, String address) {
    }

    private final Map<String, Node> byHost = new LinkedHashMap<>();

    private HostDirectory() {
    }

    /** Every host of every group, in order of first appearance; what cannot be used goes to {@code notes}. */
    static HostDirectory of(List<Group> groups, List<ImportNote> notes) {
        HostDirectory d = new HostDirectory();
        Map<String, String> nodeOwner = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Group g : groups) {
            for (Host h : g.hosts()) {
                if (seen.add(h.name())) {
                    d.add(h, notes, nodeOwner);
                    continue;
                }
                Node known = d.byHost.get(h.name());
                if (known != null && h.address() != null && !known.address().equals(address(h))) {
                    notes.add(new ImportNote(Kind.CHANGED, h.where(), "host " + h, "host " + h.name()
                            + " is already reached at " + known.address() + "; one address per node"));
                }
            }
        }
        return d;
    }

    /** Adds {@code h}, or says in {@code notes} why not. */
    private void add(Host h, List<ImportNote> notes, Map<String, String> nodeOwner) {
        String name = nodeName(h.name());
        if (name == null) {
            notes.add(new ImportNote(Kind.NOT_MAPPED, h.where(), "host " + h, "no node name can be made of \""
                    + h.name() + "\"; node names match " + NODE_NAME));
            return;
        }
        String owner = nodeOwner.get(name);
        if (owner != null) {
            notes.add(new ImportNote(Kind.NOT_MAPPED, h.where(), "host " + h, "its node name would be \"" + name
                    + "\", which host " + owner + " already has; rename one of them"));
            return;
        }
        String address = address(h);
        try {
            HostPort.parse(address, ImportedConfig.PORT);
        } catch (IllegalArgumentException e) {
            notes.add(new ImportNote(Kind.NOT_MAPPED, h.where(), "host " + h, "cannot be a peer address: "
                    + e.getMessage()));
            return;
        }
        if (!name.equals(h.name())) {
            notes.add(new ImportNote(Kind.CHANGED, h.where(), "host " + h, "becomes node name \"" + name
                    + "\" (node names match " + NODE_NAME + ")"));
        }
        nodeOwner.put(name, h.name());
        byHost.put(h.name(), new Node(name, address));
    }

    private static String address(Host h) {
        return (h.address() != null ? h.address() : h.name()) + ":" + ImportedConfig.PORT;
    }

    /** The node name for csync2 host {@code host}, or null when none can be made. */
    static String nodeName(String host) {
        if (host.matches(NODE_NAME)) {
            return host;
        }
        int dot = host.indexOf('.');
        String s = (dot > 0 ? host.substring(0, dot) : host).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+", "");
        s = s.length() > 32 ? s.substring(0, 32) : s;
        return s.matches(NODE_NAME) ? s : null;
    }

    /** The node of csync2 host {@code host}, or null when it was left out. */
    Node node(String host) {
        return byHost.get(host);
    }

    /** Every usable node's address, in order of first appearance. */
    List<String> addresses() {
        List<String> out = new ArrayList<>();
        byHost.values().forEach(n -> out.add(n.address()));
        return out;
    }
}
