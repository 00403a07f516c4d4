package io.syncnode.node.cluster;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.PhysicalAddress;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;
import org.jgroups.util.NameCache;

/**
 * One JGroups channel: joins the cluster under the node's name, multicasts and unicasts opaque
 * payloads, and reports views. Members are known by their node names (JGroups logical names).
 */
public final class JGroupsTransport implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JGroupsTransport.class.getName());

    /** Called on JGroups threads: must not block. */
    public interface Listener {
        void onMessage(String fromName, byte[] payload);

        /** The current members (names, including this node) and whether this view heals a split. */
        void onView(List<String> members, boolean merge);
    }

    private final String stackXml;
    private final String clusterName;
    private final String nodeName;
    private final Listener listener;
    private final Map<String, Address> members = new ConcurrentHashMap<>();
    private volatile List<String> memberNames = List.of();
    private volatile JChannel channel;
    private volatile DISCARD discard;

    public JGroupsTransport(String stackXml, String clusterName, String nodeName, Listener listener) {
        this.stackXml = stackXml;
        this.clusterName = clusterName;
        this.nodeName = nodeName;
        this.listener = listener;
    }

    /** Creates the channel and joins; returns once this node is in a view. */
    public void connect() throws Exception {
        JChannel ch = new JChannel(new ByteArrayInputStream(stackXml.getBytes(StandardCharsets.UTF_8)));
        ch.name(nodeName);
        ch.setDiscardOwnMessages(true);
        ch.setReceiver(new Receiver() {
            @Override
            public void receive(org.jgroups.Message msg) {
                Address src = msg.getSrc();
                String from = src == null ? null : NameCache.get(src);
                if (from == null) {
                    LOG.fine(() -> "message from unnamed member " + src + " dropped");
                    return;
                }
                byte[] payload = new byte[msg.getLength()];
                System.arraycopy(msg.getArray(), msg.getOffset(), payload, 0, msg.getLength());
                listener.onMessage(from, payload);
            }

            @Override
            public void viewAccepted(View view) {
                applyView(view);
            }
        });
        this.channel = ch;
        ch.connect(clusterName);
        View v = ch.getView();
        if (v != null && memberNames.isEmpty()) {
            applyView(v);
        }
    }

    private synchronized void applyView(View view) {
        members.clear();
        List<String> names = new ArrayList<>();
        for (Address a : view.getMembers()) {
            String name = NameCache.get(a);
            if (name == null) {
                name = a.toString();
            }
            members.put(name, a);
            names.add(name);
        }
        memberNames = List.copyOf(names);
        boolean merge = view instanceof MergeView;
        LOG.info(() -> (merge ? "partition healed, merged view " : "cluster view ") + view.getViewId() + ": "
                + memberNames);
        listener.onView(memberNames, merge);
    }

    public List<String> members() {
        return memberNames;
    }


    /**
     * Sends to every member (not to this node); false before the node joined (its first scan
     * announces to nobody: the dirty entries and the digest exchange after the join carry it).
     */
    public boolean multicast(byte[] payload) throws Exception {
        JChannel ch = channel;
        if (ch == null) {
            return false;
        }
        ch.send(new BytesMessage(null, payload));
        return true;
    }

    /** Sends to one member; false when {@code member} is not in the current view. */
    public boolean send(String member, byte[] payload) throws Exception {
        JChannel ch = channel;
        Address to = members.get(member);
        if (ch == null || to == null) {
            return false;
        }
        ch.send(new BytesMessage(to, payload));
        return true;
    }

    /** The physical address (host:port) of a member, or null when unknown. */
    public String physicalAddress(String member) {
        JChannel ch = channel;
        Address a = members.get(member);
        if (ch == null || a == null) {
            return null;
        }
        Object pa = ch.down(new Event(Event.GET_PHYSICAL_ADDRESS, a));
        return pa instanceof PhysicalAddress p ? p.printIpAddress() : null;
    }

    /**
     * Drops all traffic from and to the named members (tests: simulated partitions). An empty set
     * heals.
     */
    public synchronized void isolateFrom(Set<String> names) {
        JChannel ch = channel;
        if (ch == null) {
            return;
        }
        if (discard == null) {
            discard = new DISCARD();
            try {
                ch.getProtocolStack().insertProtocol(discard, ProtocolStack.Position.ABOVE, TP.class);
            } catch (Exception e) {
                throw new IllegalStateException("cannot insert DISCARD into the stack", e);
            }
        }
        discard.resetIgnoredMembers();
        for (String n : names) {
            Address a = members.get(n);
            if (a != null) {
                discard.addIgnoreMember(a);
            }
        }
    }

    @Override
    public void close() {
        JChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing the JGroups channel failed; the process exits anyway", e);
            }
        }
    }
}
