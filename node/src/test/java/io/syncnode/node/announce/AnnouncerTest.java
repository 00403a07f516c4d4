package io.syncnode.node.announce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AnnouncerTest {
    /** What was handed to the outbox: member (null for a multicast) and message. */
    record Sent(String to, Message message) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private final Announcer.Counters counters = new Announcer.Counters(new AtomicLong(), new AtomicLong(), new AtomicLong());
    private final Announcer announcer = new Announcer("web", new Outbox() {
        @Override
        public boolean send(String member, Message message) {
            sent.add(new Sent(member, message));
            return true;
        }

        @Override
        public void multicast(Message message) {
            sent.add(new Sent(null, message));
        }
    }, counters);

    private static FileRecord file(int i) {
        return new FileRecord("f" + i, FileType.REGULAR, 0644, 0, 0, 1L, 10, ContentHash.of(new byte[32]), null, 0,
                VersionVector.of(Map.of(7L, (long) i + 1)), false, 7L);
    }

    private static List<Message.Announced> records(int n, int inlineBytes) {
        return IntStream.range(0, n).mapToObj(i -> new Message.Announced(file(i),
                inlineBytes == 0 ? null : new byte[inlineBytes])).toList();
    }

    private Message.IndexUpdate update(int i) {
        return (Message.IndexUpdate) sent.get(i).message();
    }

    @Test
    void cutsRecordsIntoBatchesOfAThousand() {
        announcer.send(null, records(2_500, 0), false, null);
        assertEquals(3, sent.size());
        assertEquals(List.of(1000, 1000, 500), sent.stream()
                .map(s -> ((Message.IndexUpdate) s.message()).files().size()).toList());
        assertTrue(sent.stream().allMatch(s -> s.to() == null), "multicast");
        assertEquals(3, counters.announcementsSent().get());
        assertEquals(2_500, counters.recordsAnnounced().get());
        assertEquals("f1000", update(1).files().get(0).record().path(), "in order");
    }

    @Test
    void cutsBeforeABatchWouldCarryMoreThanOneMebibyteInline() {
        announcer.send("n2", records(5, 300_000), false, null); // 3 fit in 1 MiB, the 4th does not
        assertEquals(List.of(3, 2), sent.stream().map(s -> ((Message.IndexUpdate) s.message()).files().size()).toList());
        assertEquals("n2", sent.get(0).to());
        assertEquals(1_500_000, counters.inlineBytesSent().get());
    }

    @Test
    void aFullExchangeEndsWithABatchMarkedLastEvenWhenEmpty() {
        announcer.send("n2", List.of(), true, null);
        assertEquals(1, sent.size());
        assertTrue(update(0).full() && update(0).last() && update(0).files().isEmpty());

        sent.clear();
        announcer.send("n2", records(1_001, 0), true, null);
        assertEquals(2, sent.size());
        assertTrue(update(0).full() && !update(0).last());
        assertTrue(update(1).full() && update(1).last());

        sent.clear();
        announcer.send(null, List.of(), false, null);
        assertEquals(List.of(), sent, "nothing to announce sends nothing");
    }

    @Test
    void readsMissingInlineContentAsTheBatchesAreCut() {
        List<String> asked = new ArrayList<>();
        announcer.send("n2", records(3, 0), false, r -> {
            asked.add(r.path());
            return r.path().equals("f1") ? null : r.path().getBytes();
        });
        assertEquals(List.of("f0", "f1", "f2"), asked);
        assertArrayEquals("f0".getBytes(), update(0).files().get(0).inlineContent());
        assertNull(update(0).files().get(1).inlineContent(), "no content offered: sent without");
        assertFalse(update(0).full());
    }

    @Test
    void acknowledgementsGoToEachMemberInBatchesOfAThousand() {
        Map<String, List<Message.AckEntry>> acks = new LinkedHashMap<>();
        acks.put("n2", IntStream.range(0, 1_500).mapToObj(i -> new Message.AckEntry("f" + i,
                VersionVector.of(Map.of(7L, 1L)))).toList());
        acks.put("n3", List.of(new Message.AckEntry("g", VersionVector.of(Map.of(7L, 2L)))));
        announcer.acknowledge(acks);
        assertEquals(List.of("n2", "n2", "n3"), sent.stream().map(Sent::to).toList());
        assertEquals(List.of(1000, 500, 1), sent.stream().map(s -> ((Message.Ack) s.message()).entries().size()).toList());
        assertTrue(sent.stream().allMatch(s -> ((Message.Ack) s.message()).folder().equals("web")));
    }
}
