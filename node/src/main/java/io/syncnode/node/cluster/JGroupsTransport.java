package io.syncnode.node.cluster;

import io.syncnode.node.seal.SealEngine;
import io.syncnode.node.seal.SealStatus;
import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.Revocations;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
import org.jgroups.protocols.Discovery;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;
import org.jgroups.util.NameCache;
import org.jgroups.util.UUID;

/**
 * One JGroups channel: joins the cluster under the node's name, multicasts and unicasts opaque
 * payloads, and reports views. Members are known by their node names: with a {@link SealEngine}
 * (a cluster with credentials) the name each member's certificate holds, through
 * {@link SealProtocol} under the whole stack; without one (loopback or {@code insecure}) the
 * JGroups logical name the member chose.
 *
 * <p>Healing partitions (issue 10): besides MERGE3 and GMS, the stack gets three parts of ours, put in
 * at connect: {@link StaleMergeGuard} below GMS (a merge request never outlives its merge),
 * {@link UnsuspectRelay} between FD_ALL3 and VERIFY_SUSPECT2 (a member heard again is not excluded
 * by a stale verification, and the listener learns it is back: {@link Listener#onHeardAgain}), and on
 * the TCP transport {@link TcpLinkWatch} as its socket factory
 * (connections that went dead in a partition are closed, not kept until the kernel retransmits).
 * Each class says what it fixes and what was measured. {@link #view()} tells when the last merge
 * happened.
 */
public final class JGroupsTransport implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JGroupsTransport.class.getName());

    /** Called on JGroups threads: must not block. */
    public interface Listener {
        void onMessage(String fromName, byte[] payload);

        /**
         * The current members (names, including this node), whether this view heals a split, and
         * the members that restarted since the last view (same name, new address).
         */
        void onView(List<String> members, boolean merge, Set<String> restarted);

        /**
         * A member of the current view that this node had not heard from for the failure detector's
         * timeout is heard again, and the view never changed: the two were cut off from each other
         * while both stayed members (a partition JGroups rode out, e.g. one-way loss, or a link cut
         * between two members that both still reach a third). What either sent meanwhile may be lost
         * for good (UNICAST3 gives up after 60 s; a last multicast is only recovered by the next
         * one), so the node should exchange digests with it. A listener without per-member state
         * needs nothing.
         */
        default void onHeardAgain(String member) {
        }
    }

    private final String stackXml;
    private final String clusterName;
    private final String nodeName;
    private final Listener listener;
    private final SealEngine seal;
    private final Clock clock;
    private final HealingParts healing = new HealingParts(this::heardAgain);
    /** What the transport dropped below syncnode's messages (FragGuard below FRAG2, unnamed senders). */
    private final TransportCounters dropped = new TransportCounters();
    private volatile ClusterView view = new ClusterView(null, null, List.of(), null, 0);
    private volatile SealProtocol sealProtocol;
    private final Map<String, Address> members = new ConcurrentHashMap<>();
    private volatile List<String> memberNames = List.of();
    private volatile JChannel channel;
    /** Set once {@code connect} returned: before it, nothing may be sent (see {@link #connect}). */
    private volatile boolean joined;
    private volatile DISCARD discard;

    /** As {@link #JGroupsTransport(String, String, String, Listener, SealEngine, Clock)} on the system clock. */
    public JGroupsTransport(String stackXml, String clusterName, String nodeName, Listener listener, SealEngine seal) {
        this(stackXml, clusterName, nodeName, listener, seal, Clock.systemUTC());
    }

    /**
     * @param seal  the cluster's admission and encryption, or null to run without (loopback, insecure)
     * @param clock when views are installed (the time of the last merge in {@link #view()})
     */
    public JGroupsTransport(String stackXml, String clusterName, String nodeName, Listener listener, SealEngine seal,
                            Clock clock) {
        this.stackXml = stackXml;
        this.clusterName = clusterName;
        this.nodeName = nodeName;
        this.listener = listener;
        this.seal = seal;
        this.clock = clock;
    }

    /** Creates the channel and joins; returns once this node is in a view. */
    public void connect() throws Exception {
        JChannel ch = new JChannel(new ByteArrayInputStream(stackXml.getBytes(StandardCharsets.UTF_8)));
        ch.name(nodeName);
        ch.setDiscardOwnMessages(true);
        if (seal != null) {
            insertSeal(ch);
        }
        org.jgroups.protocols.FRAG2 frag2 = ch.getProtocolStack().findProtocol(org.jgroups.protocols.FRAG2.class);
        if (frag2 != null) {
            ch.getProtocolStack().insertProtocol(new FragGuard(dropped, frag2.getFragSize(), frag2::clearFragmentsFor),
                    ProtocolStack.Position.BELOW, org.jgroups.protocols.FRAG2.class);
        }
        healing.insertInto(ch);
        ch.setReceiver(new Receiver() {
            @Override
            public void receive(org.jgroups.Message msg) {
                Address src = msg.getSrc();
                String from = src == null ? null : nameOf(src);
                if (from == null) {
                    dropped.drop(TransportCounters.Kind.UNNAMED_SENDER);
                    LOG.fine(() -> "message from unnamed member " + src + " dropped");
                    return;
                }
                byte[] payload = new byte[msg.getLength()];
                System.arraycopy(msg.getArray(), msg.getOffset(), payload, 0, msg.getLength());
                try {
                    listener.onMessage(from, payload);
                } catch (RuntimeException | Error e) {
                    // a bug (a hostile message is a WireException, handled inside): JGroups would log
                    // it and go on half-alive; the process's policy decides (the daemon stops)
                    Thread.UncaughtExceptionHandler h = Thread.getDefaultUncaughtExceptionHandler();
                    if (h == null) {
                        throw e;
                    }
                    h.uncaughtException(Thread.currentThread(), e);
                }
            }

            @Override
            public void viewAccepted(View view) {
                applyView(view);
            }
        });
        this.channel = ch;
        ch.connect(clusterName);
        healing.connected(ch);
        View v = ch.getView();
        if (v != null && memberNames.isEmpty()) {
            applyView(v);
        }
        // only now: a multicast sent while the join runs is charged to flow control (MFC) and then
        // dropped by NAKACK2, which has no sending window before the first view; the credits it took
        // would never come back, and every later multicast of this node would wait for them forever
        joined = true;
    }

    /**
     * Puts the seal layer under the stack, directly below discovery, and makes the channel's
     * address the one the seal session derives from the node's certified name.
     */
    private void insertSeal(JChannel ch) throws Exception {
        SealProtocol p = new SealProtocol(seal, this::introduced);
        ProtocolStack stack = ch.getProtocolStack();
        Discovery discovery = stack.findProtocol(Discovery.class);
        if (discovery == null) {
            throw new IllegalStateException("the JGroups stack has no discovery protocol to put the seal layer under");
        }
        stack.insertProtocol(p, ProtocolStack.Position.BELOW, discovery.getClass());
        p.init();
        if (discovery instanceof TCPPING tcpping) {
            p.everyone(tcpping.getInitialHosts());
        }
        long[] addr = seal.address();
        ch.addAddressGenerator(() -> new UUID(addr[0], addr[1]));
        sealProtocol = p;
    }

    /** From {@link UnsuspectRelay}, on a JGroups thread: a member of the view heard again after a silence. */
    private void heardAgain(Address a) {
        String name = nameOf(a);
        if (name != null && a.equals(members.get(name))) {
            LOG.info(() -> "heard from " + name + " again after a silence of more than the failure detector's timeout,"
                    + " without a view change (a partition between the two healed); exchanging digests with it");
            listener.onHeardAgain(name);
        }
    }

    /** A member admitted by the seal layer: its name may now be shown for a member of the current view. */
    private void introduced(Address a) {
        JChannel ch = channel;
        View v = ch == null ? null : ch.getView();
        if (v != null && v.containsMember(a) && !members.containsValue(a)) {
            applyView(v);
        }
    }

    /** A member's node name: certified (sealed cluster) or self-chosen (JGroups logical name). */
    private String nameOf(Address a) {
        return seal != null ? sealProtocol.nameOf(a) : NameCache.get(a);
    }

    synchronized void applyView(View view) {
        Map<String, Address> before = Map.copyOf(members);
        Map<String, Address> now = new LinkedHashMap<>();
        for (Address a : view.getMembers()) {
            String name = nameOf(a);
            if (name == null) {
                LOG.fine(() -> "member " + a + " of the view is not admitted here yet; left out until it is");
                continue;
            }
            Address other = now.get(name);
            if (other == null || newerIncarnation(a)) {
                now.put(name, a);
            }
        }
        // a node that restarted (kill -9, a crash) comes back under a new address while the view
        // may still hold its old one until that is suspected: its name now means the new one, and
        // whatever was under way with the old one (transfers) is over
        Set<String> restarted = new HashSet<>();
        before.forEach((name, old) -> {
            Address a = now.get(name);
            if (a != null && !a.equals(old)) {
                restarted.add(name);
            }
        });
        members.clear();
        members.putAll(now);
        memberNames = List.copyOf(now.keySet());
        boolean merge = view instanceof MergeView;
        ClusterView last = this.view;
        Address coord = view.getCoord();
        this.view = new ClusterView(view.getViewId().toString(), coord == null ? null : nameOf(coord), memberNames,
                merge ? clock.instant() : last.lastMerge(), last.merges() + (merge ? 1 : 0));
        LOG.info(() -> (merge ? "partition healed, merged view " : "cluster view ") + view.getViewId() + ": "
                + memberNames + (restarted.isEmpty() ? "" : " (restarted: " + restarted + ")"));
        listener.onView(memberNames, merge, Set.copyOf(restarted));
    }

    /**
     * For two addresses of one name in a view: whether {@code later} (listed after the other) is
     * the node's newest incarnation. Sealed: the one whose session is current; otherwise the later
     * one (joiners are listed after the members they join).
     */
    private boolean newerIncarnation(Address later) {
        if (seal != null && later instanceof UUID u) {
            return seal.isCurrent(u.getMostSignificantBits(), u.getLeastSignificantBits());
        }
        return true;
    }

    public List<String> members() {
        return memberNames;
    }

    /** The view this node is in and when it last merged (status). */
    public ClusterView view() {
        return view;
    }

    /** The channel (tests of this package: its protocols' state), or null before connect and after close. */
    JChannel channel() {
        return channel;
    }

    /** The watch over the TCP transport's connections (tests of this package). */
    TcpLinkWatch linkWatch() {
        return healing.linkWatch();
    }

    /** Dead TCP connections closed since the start (see {@link TcpLinkWatch}); 0 on udp. */
    /** Packets the transport dropped below syncnode's messages since the start, by kind key (status). */
    public Map<String, Long> droppedByKind() {
        return dropped.droppedByKind();
    }

    public long deadConnectionsClosed() {
        return healing.linkWatch().closedConnections();
    }

    /** Replaces this node's session keys now; with {@code askPeers} every member is asked to as well. */
    public void rekey(boolean askPeers) {
        SealProtocol p = sealProtocol;
        if (p != null) {
            p.send(p.engine().rekey(askPeers));
        }
    }

    /** New credentials and revocation list (reload): sessions they refuse end and leave the view. */
    public void reloadTrust(Credentials credentials, Revocations revoked) {
        SealProtocol p = sealProtocol;
        if (p != null) {
            p.act(p.engine().reload(credentials, revoked));
        }
    }

    /** The seal layer's state for status, or null on a cluster without credentials. */
    public SealStatus sealStatus() {
        return seal == null ? null : seal.status();
    }


    /**
     * Sends to every member (not to this node); false before the node joined (its first scan
     * announces to nobody: the dirty entries and the digest exchange after the join carry it).
     */
    public boolean multicast(byte[] payload) throws Exception {
        JChannel ch = channel;
        if (ch == null || !joined) {
            return false;
        }
        ch.send(new BytesMessage(null, payload));
        return true;
    }

    /** Sends to one member; false when {@code member} is not in the current view. */
    public boolean send(String member, byte[] payload) throws Exception {
        JChannel ch = channel;
        Address to = members.get(member);
        if (ch == null || to == null || !joined) {
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
        healing.stop();
        JChannel ch = channel;
        channel = null;
        joined = false;
        if (ch != null) {
            try {
                ch.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing the JGroups channel failed; the process exits anyway", e);
            }
        }
    }
}
