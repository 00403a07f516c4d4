package io.syncnode.node.cluster;

import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.FragHeader;
import org.jgroups.stack.Protocol;
import org.jgroups.util.FastArray;
import org.jgroups.util.MessageBatch;

/**
 * Sits directly below FRAG2 and drops every fragment whose header FRAG2 must not trust: FRAG2
 * allocates an array of {@code num_frags} entries for the first fragment of a message it sees, so
 * one packet claiming 2^31 fragments would take gigabytes (jgroups 5.4, {@code FRAG2.unfragment}).
 * A fragment is refused when it claims more than {@value #MAX_FRAGS} fragments or a fragment
 * number outside them. With FRAG2's 60,000 bytes each (every shipped stack) that is just over 64 MiB,
 * the largest envelope the node decodes ({@code WireCodec.MAX_ENVELOPE}; the largest syncnode
 * message, a fetch request with a signature of 2^20 blocks, is about 16 MiB): a larger message
 * would be refused once whole anyway, and reassembling it takes twice its size in heap (the
 * fragments, then the whole), which one member sending a 117 MiB message could make a node at
 * {@code -Xmx256m} run out of (HostileMemberIT). Drops are counted. Never blocks.
 */
final class FragGuard extends Protocol {
    /** Fragments of 60,000 bytes in a 64 MiB envelope (1,118.5), plus one. */
    static final int MAX_FRAGS = 1120;

    private final short fragId = ClassConfigurator.getProtocolId(FRAG2.class);
    private final AtomicLong refused = new AtomicLong();

    /** Fragments dropped since start. */
    long refused() {
        return refused.get();
    }

    /** Whether FRAG2 may see {@code msg}: not a fragment, or one with a sane header. */
    boolean acceptable(Message msg) {
        FragHeader h = msg.getHeader(fragId);
        if (h == null || h.num_frags > 0 && h.num_frags <= MAX_FRAGS && h.frag_id >= 0 && h.frag_id < h.num_frags) {
            return true;
        }
        if (refused.incrementAndGet() % 1000 == 1) {
            log.warn("dropped a fragment from %s claiming fragment %d of %d (at most %d allowed); %d dropped so far",
                    msg.getSrc(), h.frag_id, h.num_frags, MAX_FRAGS, refused.get());
        }
        return false;
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
            if (!acceptable(it.next())) {
                it.remove();
            }
        }
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }
}
