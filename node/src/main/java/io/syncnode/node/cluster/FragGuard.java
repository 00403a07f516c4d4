package io.syncnode.node.cluster;

import io.syncnode.node.wire.WireCodec;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.FragHeader;
import org.jgroups.stack.Protocol;
import org.jgroups.util.FastArray;
import org.jgroups.util.MessageBatch;

/**
 * Sits directly below FRAG2 and drops every fragment FRAG2 must not take: FRAG2 allocates an
 * array of {@code num_frags} entries for the first fragment of a message it sees and keeps every
 * incomplete message of a member until that member leaves the view (jgroups 5.4,
 * {@code FRAG2.unfragment}), so one packet claiming 2^31 fragments would take gigabytes, and a
 * member that starts thousands of messages and never finishes them would fill the heap with their
 * first fragments (the security audit, 5.1; HostileMemberIT).
 *
 * <p>Implementation notes. A fragment is refused when it claims more fragments than the largest
 * envelope the node decodes needs ({@link WireCodec#MAX_ENVELOPE} in fragments of FRAG2's
 * {@code frag_size}: {@link #maxFrags}, 211 of the shipped stacks' 60,000 bytes), a fragment number outside them, more bytes than
 * {@code frag_size}, or another count than the other fragments of its message. Per member, at most
 * {@value #MAX_OPEN} messages may be incomplete at once, and they may claim at most
 * {@link #maxOpenBytes} ({@value #OPEN_ENVELOPES} largest envelopes; claimed: fragments times
 * {@code frag_size}, so what FRAG2 holds of them never exceeds it): when a member starts a further
 * message beyond that, all its incomplete messages are dropped (FRAG2 forgets its fragments, and
 * the later fragments of those messages are dropped here: their ids are remembered, up to
 * {@value #DROPPED_REMEMBERED} per member) and the new one is taken, so a message that can never
 * complete (a hostile member's, or one whose rest was lost across a partition) cannot hold its
 * place for good.
 * A member sends to one node through two lanes at a time (the multicast lane and its lane to
 * that node), each one message after the other, and FRAG2 above the reliable protocols gets each
 * lane's fragments in order and without duplicates: an honest member has at most about two
 * incomplete messages here, so the bound only ever stops a hostile or broken one, which then loses
 * its own incomplete messages (an honest node would recover them by the digest exchange). A member that leaves the view is forgotten (FRAG2 drops its
 * fragments too). Drops are counted by kind ({@link TransportCounters}) and logged (the first of
 * each kind and every thousandth). Thread-safe; never blocks (one short lock per member).
 */
final class FragGuard extends Protocol {
    /** Incomplete messages one member may have at once. */
    static final int MAX_OPEN = 8;
    /** How many largest envelopes the incomplete messages of one member may claim at once. */
    static final int OPEN_ENVELOPES = 2;
    /** Ids of dropped messages remembered per member, so that their later fragments are dropped too. */
    static final int DROPPED_REMEMBERED = 1024;

    private final short fragId = ClassConfigurator.getProtocolId(FRAG2.class);
    private final TransportCounters counters;
    private final int fragSize;
    private final int maxFrags;
    private final Map<Address, Member> members = new ConcurrentHashMap<>();
    private final Consumer<Address> clear;

    /**
     * @param fragSize FRAG2's {@code frag_size}: the most payload bytes of one fragment
     * @param clear    makes FRAG2 forget a member's fragments ({@code FRAG2.clearFragmentsFor})
     */
    FragGuard(TransportCounters counters, int fragSize, Consumer<Address> clear) {
        if (fragSize <= 0) {
            throw new IllegalArgumentException("frag_size must be positive, got " + fragSize);
        }
        this.counters = counters;
        this.clear = clear;
        this.fragSize = fragSize;
        this.maxFrags = maxFrags(fragSize);
    }

    /** Fragments of {@code fragSize} bytes in the largest envelope the node decodes. */
    static int maxFrags(int fragSize) {
        return (int) ((WireCodec.MAX_ENVELOPE + (long) fragSize - 1) / fragSize);
    }

    /** What the incomplete messages of one member may claim at most, in bytes. */
    long maxOpenBytes() {
        return (long) OPEN_ENVELOPES * maxFrags * fragSize;
    }

    /** One member's incomplete messages (guarded by its monitor). */
    private static final class Member {
        final Map<Long, Open> open = new LinkedHashMap<>();
        long openBytes;
        /** Dropped message id -> its fragments not seen yet; eldest forgotten first. */
        final LinkedHashMap<Long, Integer> dropped = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
                return size() > DROPPED_REMEMBERED;
            }
        };
    }

    private record Open(int frags, BitSet seen) {
    }

    /** Whether FRAG2 may see {@code msg}: not a fragment, or one within the bounds (else counted). */
    boolean acceptable(Message msg) {
        return acceptable(msg, msg.getSrc());
    }

    /** As {@link #acceptable(Message)}, for a message from {@code src} (in a batch: the batch's sender). */
    private boolean acceptable(Message msg, Address src) {
        FragHeader h = msg.getHeader(fragId);
        if (h == null) {
            return true;
        }
        if (src == null || h.num_frags <= 0 || h.num_frags > maxFrags || h.frag_id < 0 || h.frag_id >= h.num_frags
                || msg.getLength() > fragSize) {
            return refuse(src, TransportCounters.Kind.FRAGMENT_HEADER, h, "claims fragment " + h.frag_id + " of "
                    + h.num_frags + " with " + msg.getLength() + " bytes (at most " + maxFrags + " of " + fragSize + ")");
        }
        Member m = members.computeIfAbsent(src, a -> new Member());
        synchronized (m) {
            Open o = m.open.get(h.id);
            if (o != null) {
                if (o.frags() != h.num_frags || o.seen().get(h.frag_id)) {
                    return refuse(src, TransportCounters.Kind.FRAGMENT_HEADER, h, "fragment " + h.frag_id + " of "
                            + h.num_frags + " does not fit its message (" + o.frags() + " fragments)");
                }
                o.seen().set(h.frag_id);
                if (o.seen().cardinality() == o.frags()) {
                    m.open.remove(h.id);
                    m.openBytes -= (long) o.frags() * fragSize;
                }
                return true;
            }
            Integer left = m.dropped.get(h.id);
            if (left != null) {
                if (left <= 1) {
                    m.dropped.remove(h.id);
                } else {
                    m.dropped.put(h.id, left - 1);
                }
                return refuse(src, TransportCounters.Kind.FRAGMENT_OF_DROPPED, h, "is part of a message dropped before");
            }
            long claimed = (long) h.num_frags * fragSize;
            if (h.num_frags > 1 && (m.open.size() >= MAX_OPEN || m.openBytes + claimed > maxOpenBytes())) {
                evict(src, m, h);
            }
            if (h.num_frags > 1) {
                BitSet seen = new BitSet(h.num_frags);
                seen.set(h.frag_id);
                m.open.put(h.id, new Open(h.num_frags, seen));
                m.openBytes += claimed;
            }
            return true;
        }
    }

    /**
     * The member has as many incomplete messages as it may, or bytes in them, and starts another:
     * all of them go (FRAG2 forgets the member's fragments, and their later fragments are dropped
     * here), so none can stay incomplete for good and hold its place.
     */
    private void evict(Address src, Member m, FragHeader h) {
        int n = m.open.size();
        long bytes = m.openBytes;
        m.open.forEach((id, o) -> m.dropped.put(id, o.frags() - o.seen().cardinality()));
        m.open.clear();
        m.openBytes = 0;
        clear.accept(src);
        for (int i = 0; i < n; i++) {
            long total = counters.drop(TransportCounters.Kind.FRAGMENTS_OPEN);
            if (total % 1000 == 1) {
                log.warn("dropped the %d incomplete messages of %s (%d bytes claimed) as it starts message %d of %d"
                        + " fragments (at most %d incomplete, %d bytes, per member); %d dropped so far as %s", n, src,
                        bytes, h.id, h.num_frags, MAX_OPEN, maxOpenBytes(), total,
                        TransportCounters.Kind.FRAGMENTS_OPEN.key());
            }
        }
    }

    /** Incomplete messages of {@code member} now (tests). */
    int openMessages(Address member) {
        Member m = members.get(member);
        if (m == null) {
            return 0;
        }
        synchronized (m) {
            return m.open.size();
        }
    }

    private boolean refuse(Address src, TransportCounters.Kind kind, FragHeader h, String why) {
        long n = counters.drop(kind);
        if (n % 1000 == 1) {
            log.warn("dropped a fragment from %s (message %d): it %s; %d dropped so far as %s", src, h.id, why, n,
                    kind.key());
        }
        return false;
    }

    @Override
    public Object up(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) {
            View v = evt.getArg();
            Set<Address> now = new HashSet<>(v.getMembers());
            for (Iterator<Address> it = members.keySet().iterator(); it.hasNext(); ) {
                if (!now.contains(it.next())) {
                    it.remove();
                }
            }
        }
        return up_prot.up(evt);
    }

    @Override
    public Object up(Message msg) {
        return acceptable(msg) ? up_prot.up(msg) : null;
    }

    @Override
    public void up(MessageBatch batch) {
        @SuppressWarnings("unchecked")
        FastArray<Message>.FastIterator it = (FastArray<Message>.FastIterator) batch.iterator();
        while (it.hasNext()) {
            Message msg = it.next();
            if (!acceptable(msg, msg.getSrc() != null ? msg.getSrc() : batch.sender())) {
                it.remove();
            }
        }
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }
}
