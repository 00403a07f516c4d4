package io.syncnode.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.cluster.TransportCounters.Kind;
import io.syncnode.node.wire.WireCodec;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.FragHeader;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One fragment header claiming 2^31 - 1 fragments would make FRAG2 allocate an array of that size,
 * and a member starting messages it never finishes would make FRAG2 keep their fragments until it
 * leaves: the guard below FRAG2 drops impossible headers, and a member's incomplete messages (and
 * their later fragments) when it starts one beyond its bound, counting each by kind; ordinary
 * messages and sane fragments pass, one by one and in batches.
 */
class FragGuardTest {
    private static final short FRAG2_ID = ClassConfigurator.getProtocolId(FRAG2.class);
    private static final int FRAG = 60_000; // FRAG2 frag_size of every shipped stack

    private final List<Message> passed = new ArrayList<>();
    private final TransportCounters counters = new TransportCounters();
    private final List<Address> cleared = new ArrayList<>();
    private final FragGuard guard = new FragGuard(counters, FRAG, cleared::add);
    private final int max = FragGuard.maxFrags(FRAG);
    private final Address member = UUID.randomUUID();

    FragGuardTest() {
        guard.setUpProtocol(new Protocol() {
            @Override
            public Object up(Message msg) {
                passed.add(msg);
                return null;
            }

            @Override
            public void up(MessageBatch batch) {
                batch.forEach(passed::add);
            }

            @Override
            public Object up(Event evt) {
                return null;
            }
        });
    }

    private Message fragment(long id, int fragId, int numFrags) {
        return fragment(member, id, fragId, numFrags, 100);
    }

    private static Message fragment(Address src, long id, int fragId, int numFrags, int bytes) {
        return new BytesMessage(null, new byte[bytes]).setSrc(src).putHeader(FRAG2_ID, new FragHeader(id, fragId, numFrags));
    }

    @Test
    void dropsFragmentsFrag2MustNotTrustAndPassesTheRest() {
        guard.up(fragment(1, 0, Integer.MAX_VALUE));
        guard.up(fragment(2, 0, max + 1));
        guard.up(fragment(3, 5, 3));
        guard.up(fragment(4, -1, 3));
        guard.up(fragment(5, 0, 0));
        guard.up(fragment(member, 6, 0, 3, FRAG + 1));
        assertEquals(List.of(), passed);
        assertEquals(6, counters.dropped(Kind.FRAGMENT_HEADER));

        guard.up(fragment(7, 2, 3));
        guard.up(fragment(8, max - 1, max));
        guard.up(new BytesMessage(null, new byte[10]).setSrc(UUID.randomUUID())); // not a fragment
        assertEquals(3, passed.size());
        assertEquals(6, counters.dropped(Kind.FRAGMENT_HEADER));
    }

    /** Regression: 2,048 fragments (117 MiB) passed, almost twice the largest envelope the node decodes. */
    @Test
    void admitsNoMessageLargerThanTheLargestEnvelopeTheNodeDecodes() {
        assertTrue((long) max * FRAG >= WireCodec.MAX_ENVELOPE, "the largest envelope fits");
        assertTrue((long) (max - 1) * FRAG < WireCodec.MAX_ENVELOPE, "nothing a fragment larger does");
        for (String stack : List.of("udp.xml", "tcp.xml", "loopback.xml")) {
            try (java.io.InputStream in = io.syncnode.config.JGroupsStack.class.getResourceAsStream(stack)) {
                String xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(xml.contains("<FRAG2 frag_size=\"" + FRAG + "\"/>"), stack + " fragments at " + FRAG);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void dropsThemFromBatchesToo() {
        MessageBatch batch = new MessageBatch(4).setSender(member);
        batch.add(fragment(1, 0, 2));
        batch.add(fragment(2, 0, Integer.MAX_VALUE));
        batch.add(fragment(1, 1, 2));
        guard.up(batch);
        assertEquals(2, passed.size());
        assertEquals(0, guard.openMessages(member), "message 1 completed");
        assertFalse(guard.acceptable(fragment(3, 0, Integer.MAX_VALUE)));
    }

    /**
     * A member that starts message after message and never finishes one: when it starts one beyond
     * its bound, all its incomplete messages go (FRAG2 is told to forget its fragments, and their
     * later fragments are dropped here), so FRAG2 never holds more than the bound of them and none
     * holds its place for good; a message that completes makes room as well.
     */
    @Test
    void aMemberCannotKeepMoreIncompleteMessagesThanItsBound() {
        for (long id = 1; id <= 1000; id++) {
            guard.up(fragment(id, 0, 3));
            assertTrue(guard.openMessages(member) <= FragGuard.MAX_OPEN);
        }
        assertEquals(1000, passed.size(), "each new message is taken");
        int evictions = (1000 - 1) / FragGuard.MAX_OPEN;
        assertEquals(evictions, cleared.size(), "FRAG2 forgot the member's fragments at each eviction");
        assertTrue(cleared.stream().allMatch(member::equals));
        assertEquals((long) evictions * FragGuard.MAX_OPEN, counters.dropped(Kind.FRAGMENTS_OPEN));
        assertEquals(1000 - evictions * FragGuard.MAX_OPEN, guard.openMessages(member));

        guard.up(fragment(1, 1, 3));
        guard.up(fragment(1, 2, 3));
        assertEquals(2, counters.dropped(Kind.FRAGMENT_OF_DROPPED), "the rest of a dropped message is dropped too");
        assertEquals(1000, passed.size());

        int open = guard.openMessages(member);
        guard.up(fragment(1000, 1, 3));
        guard.up(fragment(1000, 2, 3));
        assertEquals(open - 1, guard.openMessages(member), "message 1000 completed");
        assertEquals(1002, passed.size());

        Address other = UUID.randomUUID();
        guard.up(fragment(other, 1, 0, 3, 100));
        assertEquals(1, guard.openMessages(other), "another member has its own bound");
    }

    /** Two incomplete messages of the largest size fit; a third drops them and is taken. */
    @Test
    void theBytesOfAMembersIncompleteMessagesAreBoundedToo() {
        guard.up(fragment(1, 0, max));
        guard.up(fragment(2, 0, max));
        assertEquals(List.of(), cleared);
        guard.up(fragment(3, 0, 2));
        assertEquals(3, passed.size());
        assertEquals(2, counters.dropped(Kind.FRAGMENTS_OPEN));
        assertEquals(List.of(member), cleared);
        assertEquals(1, guard.openMessages(member));
        assertTrue(guard.maxOpenBytes() >= 2L * WireCodec.MAX_ENVELOPE);
    }

    @Test
    void aFragmentThatDoesNotFitItsMessageOrRepeatsOneIsDropped() {
        guard.up(fragment(1, 0, 3));
        guard.up(fragment(1, 0, 3));
        guard.up(fragment(1, 1, 4));
        assertEquals(1, passed.size());
        assertEquals(2, counters.dropped(Kind.FRAGMENT_HEADER));
    }

    @Test
    void aMemberThatLeftTheViewIsForgotten() {
        guard.up(fragment(1, 0, 3));
        assertEquals(1, guard.openMessages(member));
        Address stays = UUID.randomUUID();
        guard.up(new Event(Event.VIEW_CHANGE, View.create(stays, 2, stays)));
        assertEquals(0, guard.openMessages(member));
    }
}
