package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.watch.ChangeBatch;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What waits for the folder worker's next drain, and how a burst is folded into one drain. */
class ChangeInboxTest {
    private final ChangeInbox inbox = new ChangeInbox();

    private static FileRecord file(String path, long clock, byte fill) {
        byte[] h = new byte[32];
        java.util.Arrays.fill(h, fill);
        return new FileRecord(path, FileType.REGULAR, 0644, 0, 0, 1, 3, ContentHash.of(h), null, 0,
                VersionVector.of(Map.of(7L, clock)), false, 7L);
    }

    @Test
    void aLaterRecordOfAPathReplacesTheEarlierOneButKeepsItsInlineBytesForTheSameContent() {
        byte[] bytes = {1, 2, 3};
        inbox.announced("n1", new Message.IndexUpdate("data", List.of(new Message.Announced(file("a", 1, (byte) 1), bytes)),
                false, false));
        inbox.announced("n1", new Message.IndexUpdate("data", List.of(new Message.Announced(file("a", 2, (byte) 1), null)),
                true, true));

        ChangeInbox.Drained d = inbox.take();
        Message.Announced a = d.updates().get("n1").get("a");
        assertEquals(2L, a.record().version().counter(7L));
        assertArrayEquals(bytes, a.inlineContent(), "the same content again without it: the bytes are kept");
        assertEquals(Set.of("n1"), d.exchangeEnded());
    }

    @Test
    void batchesOfAnIndexExchangeAreMarkedAsSuchBeforeItsLastOne() {
        inbox.announced("n1", new Message.IndexUpdate("data", List.of(new Message.Announced(file("a", 1, (byte) 1), null)),
                true, false));
        inbox.announced("n2", new Message.IndexUpdate("data", List.of(new Message.Announced(file("b", 1, (byte) 1), null)),
                false, false));
        ChangeInbox.Drained d = inbox.take();
        assertEquals(Set.of("n1"), d.inExchange(), "n1's records are part of its exchange; n2's an announcement");
        assertEquals(Set.of(), d.exchangeEnded());
        assertEquals(Set.of(), inbox.take().inExchange(), "taken: the next drain starts empty");
    }

    @Test
    void aDrainTakesABoundedShareOfTheRecordsAndTheEndOfAnExchangeWithItsLastOne() {
        List<Message.Announced> many = new ArrayList<>();
        for (int i = 0; i < ChangeInbox.TAKE_RECORDS + 500; i++) {
            many.add(new Message.Announced(file(String.format("f%05d", i), 1, (byte) 1), null));
        }
        inbox.announced("n1", new Message.IndexUpdate("data", many, true, true));
        inbox.announced("n2", new Message.IndexUpdate("data", List.of(many.get(0)), false, false));
        inbox.acked("n2", new Message.Ack("data", List.of(new Message.AckEntry("x", many.get(0).record().version()))));

        ChangeInbox.Drained first = inbox.take();
        assertEquals(ChangeInbox.TAKE_RECORDS, first.updates().get("n1").size());
        assertEquals("f00000", first.updates().get("n1").keySet().iterator().next(), "in arrival order");
        assertEquals(Set.of("n1"), first.updates().keySet(), "n2's records wait behind n1's");
        assertEquals(Set.of("n1"), first.inExchange());
        assertEquals(Set.of(), first.exchangeEnded(), "n1's exchange has records left");
        assertEquals(Set.of("n2"), first.acks().keySet(), "acknowledgements are taken whole");
        assertTrue(inbox.hasRecords());

        ChangeInbox.Drained second = inbox.take();
        assertEquals(500, second.updates().get("n1").size());
        assertEquals("f02000", second.updates().get("n1").keySet().iterator().next());
        assertEquals(1, second.updates().get("n2").size());
        assertEquals(Set.of("n1"), second.exchangeEnded());
        assertEquals(Set.of("n1"), second.inExchange());
        assertFalse(inbox.hasRecords());
    }

    @Test
    void announcementsAreNotCutByTheirInlineContent() {
        List<Message.Announced> small = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            small.add(new Message.Announced(file(String.format("s%05d", i), 1, (byte) 1), new byte[4096]));
        }
        inbox.announced("n1", new Message.IndexUpdate("data", small, false, false));
        assertEquals(1_000, inbox.take().updates().get("n1").size(), "a burst is installed in one step");
    }

    @Test
    void aDrainStopsOnceAnExchangesRecordsCarryAPageOfInlineContent() {
        int each = 4096;
        int perDrain = (int) (ChangeInbox.TAKE_INLINE_BYTES / each); // 256 files of 4 KiB
        List<Message.Announced> small = new ArrayList<>();
        for (int i = 0; i < 3 * perDrain; i++) {
            small.add(new Message.Announced(file(String.format("s%05d", i), 1, (byte) 1), new byte[each]));
        }
        inbox.announced("n1", new Message.IndexUpdate("data", small, true, false));
        inbox.announced("n2", new Message.IndexUpdate("data", List.of(small.get(0)), false, false));

        ChangeInbox.Drained first = inbox.take();
        assertEquals(perDrain, first.updates().get("n1").size(), "a page of inline content, not the 2,000 records");
        assertEquals(Set.of("n1"), first.updates().keySet(), "n2's record waits behind n1's");
        ChangeInbox.Drained second = inbox.take();
        assertEquals(perDrain, second.updates().get("n1").size());
        assertEquals(String.format("s%05d", perDrain), second.updates().get("n1").keySet().iterator().next());
        ChangeInbox.Drained third = inbox.take();
        assertEquals(perDrain, third.updates().get("n1").size());
        assertFalse(third.updates().containsKey("n2"), "the third page of n1 filled that drain");
        assertTrue(inbox.hasRecords());
        ChangeInbox.Drained fourth = inbox.take();
        assertEquals(Set.of("n2"), fourth.updates().keySet());
        assertFalse(inbox.hasRecords());
    }

    @Test
    void aRetryDoesNotReplaceANewerRecordWaitingAlready() {
        inbox.announced("n1", new Message.IndexUpdate("data", List.of(new Message.Announced(file("a", 5, (byte) 2), null)),
                false, false));
        inbox.redeliver("n1", new Message.Announced(file("a", 4, (byte) 3), null));

        assertEquals(5L, inbox.take().updates().get("n1").get("a").record().version().counter(7L));
    }

    @Test
    void oneDrainIsQueuedPerBurstAndTakingEmptiesTheInbox() {
        inbox.changes(new ChangeBatch(Set.of("x"), Set.of(), false));
        assertTrue(inbox.queueDrain());
        inbox.changes(new ChangeBatch(Set.of("y"), Set.of("d"), false));
        assertFalse(inbox.queueDrain(), "a drain is queued already");

        ChangeInbox.Drained d = inbox.take();
        assertEquals(List.of("x", "y"), d.paths().stream().sorted().toList());
        assertEquals(List.of("d"), d.recursive());
        assertTrue(inbox.queueDrain(), "the next arrival queues a new drain");
        ChangeInbox.Drained empty = inbox.take();
        assertTrue(empty.paths().isEmpty() && empty.updates().isEmpty() && !empty.rescanAll());
    }

    @Test
    void acknowledgementsFoldIntoOnePerMemberAndPath() {
        VersionVector v1 = VersionVector.of(Map.of(7L, 1L));
        VersionVector v2 = VersionVector.of(Map.of(7L, 2L));
        for (int i = 0; i < 1000; i++) { // a member repeating itself fills nothing
            inbox.acked("n1", new Message.Ack("data", List.of(new Message.AckEntry("a", v1))));
        }
        inbox.acked("n1", new Message.Ack("data", List.of(new Message.AckEntry("a", v2),
                new Message.AckEntry("b", v1))));
        inbox.acked("n2", new Message.Ack("data", List.of(new Message.AckEntry("a", v1))));

        ChangeInbox.Drained d = inbox.take();
        assertEquals(Map.of("a", v2, "b", v1), d.acks().get("n1"), "the later ack of a path replaces the earlier");
        assertEquals(Map.of("a", v1), d.acks().get("n2"));
        assertTrue(inbox.take().acks().isEmpty(), "taken once");
    }

    /** Acks may name any path: a member's that wait for one drain are bounded in bytes, the rest dropped (they stay dirty). */
    @Test
    void acknowledgementsWaitingForADrainAreBoundedPerMember() {
        ChangeInbox inbox = new ChangeInbox();
        VersionVector v = VersionVector.of(java.util.Map.of(1L, 1L));
        long perEntry = io.syncnode.node.wire.WireCodec.sizeBound(new Message.AckEntry("p0000000", v));
        long fit = ChangeInbox.MAX_ACK_BYTES / perEntry;
        int dropped = 0;
        int said = 0;
        for (int m = 0; m * 10_000 < fit + 20_000; m++) {
            List<Message.AckEntry> entries = new java.util.ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                entries.add(new Message.AckEntry(String.format("p%07d", m * 10_000 + i), v));
            }
            int d = inbox.acked("n1", new Message.Ack("data", entries));
            said += d > 0 ? 1 : 0;
            dropped += d;
        }
        assertEquals(1, said, "the first drop is said once");
        assertEquals(fit, inbox.take().acks().get("n1").size(), "as many as fit in the bound wait");
        assertTrue(dropped > 0);
        assertEquals(0, inbox.acked("n1", new Message.Ack("data", List.of(new Message.AckEntry("again", v)))),
                "after a drain they are taken again");
        assertEquals(1, inbox.take().acks().get("n1").size());
    }
}
