package io.syncnode.it;

import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.FragHeader;
import org.jgroups.stack.Protocol;

/**
 * A JGroups protocol for {@link CraftedPeer}'s stack, placed directly below FRAG2 (and so above
 * the seal layer, which seals what it sends under the peer's own session): it sends a fragment
 * whose FRAG2 header claims any number of fragments, as a hostile member's stack could (the
 * security audit, 5.1: FRAG2 allocates an array of that many entries for the first fragment it
 * sees). The instance registers itself in {@link #INSTANCE} (one stack per process).
 */
public final class RawFragment extends Protocol {
    static volatile RawFragment INSTANCE;

    private final short fragId = ClassConfigurator.getProtocolId(FRAG2.class);
    private long nextId;

    @Override
    public void init() throws Exception {
        super.init();
        INSTANCE = this;
    }

    /** Multicasts fragment 0 of a message claiming {@code numFrags} fragments, with {@code payload} as its part. */
    void sendFragmentClaiming(int numFrags, byte[] payload) {
        sendFirstFragment(nextId++ + (System.nanoTime() << 16), numFrags, payload);
    }

    /**
     * Multicasts fragment 0 of {@code messages} messages (new ids) claiming {@code numFrags}
     * fragments each, and never the rest: messages started and never finished.
     */
    void startMessages(int messages, int numFrags, byte[] payload) {
        long base = System.nanoTime() << 16;
        for (int i = 0; i < messages; i++) {
            sendFirstFragment(base + nextId++, numFrags, payload);
        }
    }

    private void sendFirstFragment(long id, int numFrags, byte[] payload) {
        Message m = new BytesMessage(null, payload).putHeader(fragId, new FragHeader(id, 0, numFrags));
        down_prot.down(m);
    }
}
