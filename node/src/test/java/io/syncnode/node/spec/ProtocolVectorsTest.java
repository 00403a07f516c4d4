package io.syncnode.node.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.protocol.ConflictCopyName;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.delta.RollingChecksum;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance vectors of PROTOCOL.md section 10, computed by this implementation and found,
 * character for character, in PROTOCOL.md: the document cannot drift from the code.
 */
class ProtocolVectorsTest {
    static final String ACK_ENVELOPE = "08011108070605040302011a026e312080d095ffbc315a1e0a046461746112160a05612e747874"
            + "120d0a0b090a000000000000001003";
    static final String FOLDER_DIGEST = "86a84a7208893fcf401e4022e926cba442a9354460a0ac891c45c6ab15853d08";
    static final String ROLLING_ABC = "024a0126";
    static final String SEGMENT_SUM_ABC = "364b3fb7352441c2";
    static final String CONFLICT_COPY = "notes.sync-conflict-20231114-221320-n2.txt";

    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path state;

    @Test
    void anAckEnvelope() throws Exception {
        VersionVector v = VersionVector.of(Map.of(0x0aL, 3L));
        byte[] bytes = WireCodec.encode(0x0102030405060708L, "n1", 1_700_000_000_000L,
                new Message.Ack("data", List.of(new Message.AckEntry("a.txt", v))));
        assertVector(ACK_ENVELOPE, HEX.formatHex(bytes));
        io.syncnode.node.wire.Envelope back = WireCodec.decode(bytes);
        assertEquals("n1", back.senderName());
    }

    @Test
    void aFolderDigestOfALiveFileAndATombstone() throws Exception {
        ContentHash hash = ContentHash.of(java.security.MessageDigest.getInstance("SHA-256")
                .digest("hello\n".getBytes(StandardCharsets.UTF_8)));
        FileRecord live = new FileRecord("a.txt", FileType.REGULAR, 0644, 0, 0, 1_700_000_000_000_000_000L, 6, hash,
                null, 0, VersionVector.of(Map.of(1L, 5L)), false, 1L);
        FileRecord tombstone = new FileRecord("b", FileType.REGULAR, 0644, 0, 0, 1_700_000_000_000_000_000L, 0, null,
                null, 0, VersionVector.of(Map.of(1L, 6L, -2L, 1L)), true, 1L);
        try (SqliteIndexStore store = SqliteIndexStore.open(state)) {
            store.write(w -> {
                w.put("data", live, null);
                w.put("data", tombstone, null);
                return null;
            }).get(30, TimeUnit.SECONDS);
            assertVector(FOLDER_DIGEST, HEX.formatHex(store.digest("data")));
        }
    }

    @Test
    void theRollingChecksumOfAbc() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertVector(ROLLING_ABC, String.format("%08x", RollingChecksum.of(abc, 0, abc.length)));
    }

    @Test
    void theSegmentSumOfAbc() throws Exception {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertVector(SEGMENT_SUM_ABC, HEX.formatHex(io.syncnode.protocol.delta.SegmentSums
                .build(new java.io.ByteArrayInputStream(abc), 2048, 64).sums()));
    }

    @Test
    void aConflictCopyName() {
        assertVector(CONFLICT_COPY, ConflictCopyName.of("notes.txt", 1_700_000_000_123_456_789L, "n2"));
    }

    private static void assertVector(String documented, String computed) {
        assertEquals(documented, computed, "the vector in this test");
        try {
            String spec = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("PROTOCOL.md"));
            assertTrue(spec.replace("\n", "").replace(" ", "").contains(computed.replace(" ", "")),
                    "PROTOCOL.md section 10 holds " + computed);
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read PROTOCOL.md beside the node module", e);
        }
    }
}
