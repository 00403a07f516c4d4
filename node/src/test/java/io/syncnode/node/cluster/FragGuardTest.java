package io.syncnode.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.FragHeader;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One fragment header claiming 2^31 - 1 fragments would make FRAG2 allocate an array of that size:
 * the guard below FRAG2 drops it (and other impossible headers) and counts it; ordinary messages
 * and sane fragments pass, one by one and in batches.
 */
class FragGuardTest {
    private static final short FRAG2_ID = ClassConfigurator.getProtocolId(FRAG2.class);

    private final List<Message> passed = new ArrayList<>();
    private final FragGuard guard = new FragGuard();

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
        });
    }

    private static Message fragment(int fragId, int numFrags) {
        return new BytesMessage(null, new byte[100]).setSrc(UUID.randomUUID())
                .putHeader(FRAG2_ID, new FragHeader(42, fragId, numFrags));
    }

    @Test
    void dropsFragmentsFrag2MustNotTrustAndPassesTheRest() {
        guard.up(fragment(0, Integer.MAX_VALUE));
        guard.up(fragment(0, FragGuard.MAX_FRAGS + 1));
        guard.up(fragment(5, 3));
        guard.up(fragment(-1, 3));
        guard.up(fragment(0, 0));
        assertEquals(List.of(), passed);
        assertEquals(5, guard.refused());

        guard.up(fragment(2, 3));
        guard.up(fragment(FragGuard.MAX_FRAGS - 1, FragGuard.MAX_FRAGS));
        guard.up(new BytesMessage(null, new byte[10]).setSrc(UUID.randomUUID())); // not a fragment
        assertEquals(3, passed.size());
        assertEquals(5, guard.refused());
    }

    /** Regression: 2,048 fragments (117 MiB) passed, almost twice the largest envelope the node decodes. */
    @Test
    void admitsNoMessageLargerThanTheLargestEnvelopeTheNodeDecodes() {
        long frag = 60_000; // FRAG2 frag_size of every shipped stack
        assertTrue(FragGuard.MAX_FRAGS * frag >= io.syncnode.node.wire.WireCodec.MAX_ENVELOPE,
                "a 64 MiB envelope fits");
        assertTrue((FragGuard.MAX_FRAGS - 1) * frag < io.syncnode.node.wire.WireCodec.MAX_ENVELOPE + 2 * frag,
                "nothing much larger does");
        for (String stack : java.util.List.of("udp.xml", "tcp.xml", "loopback.xml")) {
            try (java.io.InputStream in = io.syncnode.config.JGroupsStack.class.getResourceAsStream(stack)) {
                String xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(xml.contains("<FRAG2 frag_size=\"" + frag + "\"/>"), stack + " fragments at " + frag);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void dropsThemFromBatchesToo() {
        MessageBatch batch = new MessageBatch(4).setSender(UUID.randomUUID());
        batch.add(fragment(0, 2));
        batch.add(fragment(0, Integer.MAX_VALUE));
        batch.add(fragment(1, 2));
        guard.up(batch);
        assertEquals(2, passed.size());
        assertTrue(passed.stream().allMatch(guard::acceptable));
        assertFalse(guard.acceptable(fragment(0, Integer.MAX_VALUE)));
    }
}
