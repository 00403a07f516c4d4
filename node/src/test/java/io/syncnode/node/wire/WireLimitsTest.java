package io.syncnode.node.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.announce.Announcer;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.Xattrs;
import io.syncnode.protocol.delta.BlockSize;
import io.syncnode.protocol.delta.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The largest envelope a node decodes ({@link WireCodec#MAX_ENVELOPE}) is just above the largest
 * message a node sends: a fetch request with every field at its limit fits with less than 64 KiB
 * to spare, and what the announcer cuts from records at their limits (paths of 4,096 bytes,
 * versions of 1,024 counters, 1 MiB of extended attributes, inline content) stays within its
 * batch bound; {@link WireCodec#sizeBound} never under-counts a record.
 */
class WireLimitsTest {
    private static final String FOLDER = "f" + "x".repeat(63);
    private static final String LONG_PATH = longPath();

    /** A valid path of 4,096 bytes: 15 components of 255 bytes and two more. */
    private static String longPath() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            parts.add("p".repeat(255));
        }
        parts.add("r".repeat(128));
        parts.add("q".repeat(127));
        String path = String.join("/", parts);
        assertEquals(4096, path.length());
        return path;
    }

    private static VersionVector widest() {
        Map<Long, Long> counters = new TreeMap<>();
        for (long i = 0; i < WireCodec.MAX_VERSION_COUNTERS; i++) {
            counters.put(Long.MIN_VALUE + i, Long.MAX_VALUE);
        }
        return VersionVector.of(counters);
    }

    @Test
    void theLargestFetchRequestFitsJustUnderTheEnvelopeLimit() throws WireException {
        int blocks = WireCodec.MAX_BLOCKS;
        int[] weak = new int[blocks];
        Arrays.fill(weak, -1);
        List<byte[]> strong = new ArrayList<>(blocks);
        byte[] s = new byte[Signature.STRONG_LENGTH];
        Arrays.fill(s, (byte) 0xff);
        for (int i = 0; i < blocks; i++) {
            strong.add(s);
        }
        Signature sig = Signature.of(BlockSize.MAX, (long) blocks * BlockSize.MAX, weak, strong);
        Message.FetchRequest r = new Message.FetchRequest(-1L, FOLDER, LONG_PATH, widest(),
                ContentHash.of(new byte[32]), sig, WireCodec.MAX_CREDIT);
        byte[] bytes = WireCodec.encode(-1L, "n" + "x".repeat(31), Long.MAX_VALUE, r);
        System.out.printf("largest fetch request: %,d bytes; envelope limit %,d (%,d to spare)%n", bytes.length,
                WireCodec.MAX_ENVELOPE, WireCodec.MAX_ENVELOPE - bytes.length);
        assertTrue(bytes.length <= WireCodec.MAX_ENVELOPE, bytes.length + " bytes");
        assertTrue(WireCodec.MAX_ENVELOPE - bytes.length < 64 * 1024, "the limit is just above it: " + bytes.length);
        assertEquals(blocks, ((Message.FetchRequest) WireCodec.decode(bytes).message()).basis().blockCount());
        assertThrows(WireException.class, () -> WireCodec.decode(new byte[WireCodec.MAX_ENVELOPE + 1]));
    }

    @Test
    void announcementsAndAcksOfRecordsAtTheirLimitsStayWithinTheBatchBound() {
        Map<String, byte[]> x = new TreeMap<>();
        for (int i = 0; i < 15; i++) {
            x.put("user." + "x".repeat(240) + i, new byte[Xattrs.MAX_VALUE]);
        }
        Xattrs xattrs = Xattrs.of(x);
        List<Message.Announced> records = new ArrayList<>();
        List<Message.AckEntry> acks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String path = i + LONG_PATH.substring(String.valueOf(i).length());
            FileRecord r = new FileRecord(path, FileType.REGULAR, 0644, 0, 0, 0, 100, ContentHash.of(new byte[32]),
                    null, 0, widest(), false, 1, i % 10 == 0 ? xattrs : Xattrs.EMPTY, null);
            records.add(new Message.Announced(r, i % 3 == 0 ? new byte[100] : null));
            acks.add(new Message.AckEntry(path, widest()));
        }
        List<Message> sent = new ArrayList<>();
        Outbox outbox = RecordingOutbox.withMulticasts(sent);
        Announcer announcer = new Announcer(FOLDER, outbox, new Announcer.Counters(new AtomicLong(), new AtomicLong(),
                new AtomicLong()));
        announcer.send(null, records, true, null);
        announcer.acknowledge(Map.of("n2", acks));
        long largest = 0;
        int announced = 0;
        int acked = 0;
        for (Message m : sent) {
            int len = WireCodec.encode(1, "n1", m).length;
            largest = Math.max(largest, len);
            if (m instanceof Message.IndexUpdate u) {
                announced += u.files().size();
                long bound = u.files().stream().mapToLong(WireCodec::sizeBound).sum();
                assertTrue(bound >= len - 200, "sizeBound counts at least the records' bytes: " + bound + " < " + len);
                assertTrue(u.files().size() == 1 || bound <= WireCodec.MAX_BATCH_BYTES, bound + " bytes in one batch");
            } else if (m instanceof Message.Ack a) {
                acked += a.entries().size();
                long bound = a.entries().stream().mapToLong(WireCodec::sizeBound).sum();
                assertTrue(bound >= len - 200, "sizeBound counts at least the entries' bytes: " + bound + " < " + len);
                assertTrue(bound <= WireCodec.MAX_BATCH_BYTES, bound + " bytes in one ack");
            }
        }
        assertEquals(300, announced);
        assertEquals(300, acked);
        System.out.printf("largest announcement or ack: %,d bytes in %d messages%n", largest, sent.size());
        assertTrue(largest <= WireCodec.MAX_BATCH_BYTES + 2 * xattrBytes(xattrs), largest + " bytes");
        assertTrue(largest < WireCodec.MAX_ENVELOPE);
    }

    @Test
    void aRecordCarriesAtMostOneMebibyteOfExtendedAttributes() {
        Map<String, byte[]> x = new TreeMap<>();
        for (int i = 0; i < 16; i++) {
            x.put("user.a" + i, new byte[Xattrs.MAX_VALUE]);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Xattrs.of(x));
        assertTrue(e.getMessage().contains("more than " + Xattrs.MAX_TOTAL), e.getMessage());
    }

    private static long xattrBytes(Xattrs x) {
        long n = 0;
        for (Map.Entry<String, byte[]> e : x) {
            n += e.getKey().length() + e.getValue().length;
        }
        return n;
    }
}
