package io.syncnode.node.cluster;

import io.syncnode.node.seal.Handshake;
import io.syncnode.node.seal.Opened;
import io.syncnode.node.seal.Outgoing;
import io.syncnode.node.seal.SealCounters;
import io.syncnode.node.seal.SealEngine;
import java.io.DataInput;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.MessageFactory;
import org.jgroups.PhysicalAddress;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.jgroups.util.FastArray;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.Tuple;
import org.jgroups.util.UUID;
import org.jgroups.util.Util;

/**
 * The JGroups protocol that puts {@link SealEngine} under the stack, directly below discovery:
 * every message of every protocol above it (discovery, join, heartbeats, merge, syncnode's own) is
 * serialized whole (headers, flags, addresses, payload) and sealed; every inbound packet is opened
 * and only authentic messages go up. The transport below sees sealed bytes only.
 *
 * <p>At connect, once the transport is registered under the cluster name, the node introduces
 * itself and waits briefly for the members' answers (tcp: until every configured peer holds its
 * keys; udp: until the answers stop; at most {@value #JOIN_WAIT_MAX_MS} ms) so that its discovery
 * and join already travel under keys the members hold; a member that answers later gets the group
 * packets of the first seconds again (see {@code EarlyPackets}). A tick on the transport's
 * timer repeats unanswered introductions and keys, rotates keys and drops sessions whose
 * certificate expired or was revoked (their members are suspected at once, so they leave the view).
 * An introduction teaches the transport where the new member listens (its authenticated physical
 * address), so answers reach it before any discovery. Never blocks in {@code up}.
 */
public final class SealProtocol extends Protocol {
    static final long TICK_MS = 500;
    static final long JOIN_WAIT_MIN_MS = 300;
    static final long JOIN_WAIT_QUIET_MS = 150;
    static final long JOIN_WAIT_MAX_MS = 1500;

    private final SealEngine engine;
    private final Consumer<Address> introduced;
    private volatile List<PhysicalAddress> everyone = List.of();
    private volatile long lastProgress;
    private Future<?> ticker;

    /**
     * @param introduced called (on a JGroups thread, must not block) with the address of each
     *                   session admitted
     */
    SealProtocol(SealEngine engine, Consumer<Address> introduced) {
        this.engine = engine;
        this.introduced = introduced;
    }

    /** Where to send introductions before the members are known; empty: multicast. */
    void everyone(Collection<PhysicalAddress> hosts) {
        everyone = List.copyOf(hosts);
    }

    SealEngine engine() {
        return engine;
    }

    /** The certified node name of a member address, or null when it was not admitted. */
    String nameOf(Address a) {
        return a instanceof UUID u ? engine.nameOf(u.getMostSignificantBits(), u.getLeastSignificantBits()) : null;
    }

    @Override
    public Object down(Event evt) {
        int type = evt.getType();
        if (type == Event.CONNECT || type == Event.CONNECT_WITH_STATE_TRANSFER) {
            Object ret = down_prot.down(evt);
            introduceBeforeJoin();
            return ret;
        }
        if (type == Event.DISCONNECT && ticker != null) {
            ticker.cancel(false);
        }
        return down_prot.down(evt);
    }

    private void introduceBeforeJoin() {
        Object pa = down_prot.down(new Event(Event.GET_PHYSICAL_ADDRESS, local_addr));
        if (pa instanceof PhysicalAddress p) {
            engine.setPhysical(encodePhysical(p));
        }
        long start = System.nanoTime();
        lastProgress = start;
        send(engine.introduce());
        // tcp: the configured peers are known, so wait until each of them holds our keys (or the
        // time is up: some may be down); udp: until the answers stop coming
        int expected = expectedPeers();
        synchronized (this) {
            while (true) {
                long now = System.nanoTime();
                long elapsed = (now - start) / 1_000_000;
                long quiet = (now - lastProgress) / 1_000_000;
                boolean allReady = expected > 0 && engine.readyPeers() >= expected;
                if (elapsed >= JOIN_WAIT_MAX_MS || allReady
                        || expected == 0 && elapsed >= JOIN_WAIT_MIN_MS && quiet >= JOIN_WAIT_QUIET_MS) {
                    break;
                }
                try {
                    wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        ticker = getTransport().getTimer().scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS,
                false);
    }

    /** How many peers a tcp node is configured with (its own address aside); 0 for multicast discovery. */
    private int expectedPeers() {
        if (everyone.isEmpty()) {
            return 0;
        }
        Object self = down_prot.down(new Event(Event.GET_PHYSICAL_ADDRESS, local_addr));
        return (int) everyone.stream().filter(h -> !h.equals(self)).count();
    }

    private void tick() {
        try {
            act(engine.tick());
        } catch (RuntimeException e) {
            log.warn("seal tick failed; the next tick retries", e);
        }
    }

    /** Re-reads trust (reload) or rotates keys: sends what the engine asks, suspects who it dropped. */
    void act(Handshake.Tick t) {
        send(t.send());
        for (long[] s : t.suspects()) {
            up_prot.up(new Event(Event.SUSPECT, List.of(new UUID(s[0], s[1]))));
        }
    }

    void send(List<Outgoing> out) {
        for (Outgoing o : out) {
            if (o.target() instanceof Outgoing.ToSession t) {
                UUID to = new UUID(t.addressMsb(), t.addressLsb());
                learn(to, t.physical());
                down_prot.down(control(to, o.packet()));
            } else if (everyone.isEmpty()) {
                down_prot.down(control(null, o.packet()));
            } else {
                Object self = down_prot.down(new Event(Event.GET_PHYSICAL_ADDRESS, local_addr));
                for (PhysicalAddress host : everyone) {
                    if (!host.equals(self)) {
                        down_prot.down(control(host, o.packet()));
                    }
                }
            }
        }
    }

    /**
     * A packet of the seal layer. Not out-of-band: the transport delivers a sender's regular
     * messages in order, so a peer opens a KEY only after the HELLO sent before it.
     */
    private static Message control(Address dest, byte[] packet) {
        return new BytesMessage(dest, packet);
    }

    /** Tells the transport where an admitted session listens. */
    private void learn(UUID addr, byte[] physical) {
        PhysicalAddress p = decodePhysical(physical);
        if (p != null) {
            down_prot.down(new Event(Event.ADD_PHYSICAL_ADDRESS, new Tuple<>(addr, p)));
        }
    }

    @Override
    public Object down(Message msg) {
        if (msg.getSrc() == null) {
            msg.setSrc(local_addr);
        }
        // serialized after room for the packet header, then sealed where it lies (no copy, no
        // array of its own): the wire message's payload is a range of this buffer
        int start = SealEngine.HEADROOM;
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(start + 3 + msg.size() + SealEngine.TAILROOM);
        out.position(start);
        try {
            out.writeByte(1); // content type MESSAGE (SealFormat.CONTENT_MESSAGE)
            out.writeShort(msg.getType());
            msg.writeTo(out);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialize a JGroups message to seal it", e);
        }
        int length = out.position() - start;
        out.ensureCapacity(SealEngine.TAILROOM);
        Address dest = msg.getDest();
        boolean toAll = !(dest instanceof UUID);
        long msb = toAll ? 0 : ((UUID) dest).getMostSignificantBits();
        long lsb = toAll ? 0 : ((UUID) dest).getLeastSignificantBits();
        SealEngine.Packet sealed = engine.sealInPlace(out.buffer(), start, length, toAll, msb, lsb);
        Message wire = new BytesMessage(dest, sealed.bytes(), sealed.offset(), sealed.length())
                .setFlag(msg.getFlags(false), false, false);
        wire.setFlag(msg.getFlags(true), true, false);
        return down_prot.down(wire);
    }

    @Override
    public Object up(Message msg) {
        Message inner = open(msg, null);
        return inner == null ? null : up_prot.up(inner);
    }

    @Override
    public void up(MessageBatch batch) {
        @SuppressWarnings("unchecked")
        FastArray<Message>.FastIterator it = (FastArray<Message>.FastIterator) batch.iterator();
        while (it.hasNext()) {
            Message inner = open(it.next(), batch.sender());
            if (inner == null) {
                it.remove();
            } else {
                it.replace(inner);
            }
        }
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }

    /**
     * The authentic message inside {@code msg}, or null (refused, or a packet of the seal layer).
     * A message whose source is not the address of the session that sealed it is refused
     * (a member speaking for another); so is one in a batch attributed to another sender.
     */
    private Message open(Message msg, Address batchSender) {
        // the packet's array is this node's own (the transport read it into a new one, or it is
        // a message to itself, which is never sent): a pair packet is opened where it lies, and
        // the inner message's payload stays there (OpenedBytesMessage)
        Opened o = engine.openInPlace(msg.getArray(), msg.getOffset(), msg.getLength());
        send(o.replies());
        if (o instanceof Opened.Control c) {
            lastProgress = System.nanoTime();
            if (c.introduced() != null) {
                Opened.Introduction i = c.introduced();
                UUID addr = new UUID(i.addressMsb(), i.addressLsb());
                learn(addr, i.physical());
                introduced.accept(addr);
            }
            return null;
        }
        if (!(o instanceof Opened.Message m)) {
            return null;
        }
        Message inner;
        try {
            DataInput in = new ByteArrayDataInputStream(m.bytes(), m.offset(), m.length());
            short type = in.readShort();
            inner = type == Message.BYTES_MSG ? new OpenedBytesMessage() : MessageFactory.create(type);
            inner.readFrom(in);
        } catch (Exception e) {
            engine.refuse(SealCounters.Reason.MALFORMED);
            return null;
        }
        Address src = inner.getSrc();
        boolean own = src instanceof UUID u && u.getMostSignificantBits() == m.addressMsb()
                && u.getLeastSignificantBits() == m.addressLsb();
        if (!own || batchSender != null && !batchSender.equals(src)) {
            engine.refuse(SealCounters.Reason.IMPERSONATION);
            return null;
        }
        return inner;
    }

    static byte[] encodePhysical(PhysicalAddress p) {
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(32);
        try {
            Util.writeAddress(p, out);
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode the physical address " + p, e);
        }
        return java.util.Arrays.copyOf(out.buffer(), out.position());
    }

    static PhysicalAddress decodePhysical(byte[] b) {
        try {
            Address a = Util.readAddress(new ByteArrayDataInputStream(b));
            return a instanceof PhysicalAddress p ? p : null;
        } catch (Exception e) {
            return null;
        }
    }
}
