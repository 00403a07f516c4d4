package io.syncnode.node.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import com.google.protobuf.ByteString;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import io.syncnode.wire.proto.AbortReason;
import io.syncnode.wire.proto.CopyBlocks;
import io.syncnode.wire.proto.DeltaOp;
import io.syncnode.wire.proto.FileInfo;
import io.syncnode.wire.proto.FolderDigest;
import io.syncnode.wire.proto.Version;
import io.syncnode.wire.proto.VersionCounter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireCodecTest {
    static final long SENDER = 0x5eed5eed5eed5eedL;
    static final String NAME = "node-1";
    static final long A = 0x0a0a0a0a0a0a0a0aL;
    /** Node ids are 64-bit: a negative one must survive the trip. */
    static final long NEG = 0xfedcba9876543210L;
    static final long T = 1_700_000_000_123_456_789L;
    static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);
    static final ContentHash H = ContentHash.ofHex("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
    static final ContentHash EMPTY_HASH =
            ContentHash.ofHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    static final VersionVector V = vv(A, 1_800_000_000L, NEG, 3);

    static VersionVector vv(long... pairs) {
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return VersionVector.of(m);
    }

    static FileRecord rec(String path, FileType type, int mode, long mtime, long size, ContentHash hash,
                          String target, long rdev, boolean deleted) {
        return new FileRecord(path, type, mode, 1000, 100, mtime, size, hash, target, rdev, V, deleted, NEG);
    }

    // ------------------------------------------------------------------ round trips

    static Envelope roundTrip(Message m) throws WireException {
        Envelope e = WireCodec.decode(WireCodec.encode(SENDER, NAME, m));
        assertEquals(SENDER, e.senderId());
        assertEquals(NAME, e.senderName());
        return e;
    }

    static Stream<Arguments> announced() {
        return Stream.of(
                Arguments.of(named("regular file, content not inline",
                        new Message.Announced(rec("a/b.txt", FileType.REGULAR, 0644, T, 5, H, null, 0, false), null))),
                Arguments.of(named("regular file with inline content",
                        new Message.Announced(rec("a/b.txt", FileType.REGULAR, 0644, T, 5, H, null, 0, false),
                                HELLO))),
                Arguments.of(named("empty file with (empty) inline content",
                        new Message.Announced(rec("empty", FileType.REGULAR, 0600, T, 0, EMPTY_HASH, null, 0, false),
                                new byte[0]))),
                Arguments.of(named("setuid file, uid/gid beyond 2^31",
                        new Message.Announced(new FileRecord("bin/su", FileType.REGULAR, 04755, -2, -1, T, 5, H,
                                null, 0, V, false, A), null))),
                Arguments.of(named("multibyte path",
                        new Message.Announced(rec("\u00e9t\u00e9/\u20ac \u2603.txt", FileType.REGULAR, 0644, T, 5, H,
                                null, 0, false), null))),
                Arguments.of(named("sticky directory, mtime 0",
                        new Message.Announced(rec("tmp", FileType.DIRECTORY, 01777, 0, 0, null, null, 0, false),
                                null))),
                Arguments.of(named("symlink",
                        new Message.Announced(rec("lib/link", FileType.SYMLINK, 0777, T, 0, null,
                                "../../usr/lib/libx.so.\u00e9", 0, false), null))),
                Arguments.of(named("char device",
                        new Message.Announced(rec("dev/null", FileType.CHAR_DEVICE, 0666, T, 0, null, null, 0x0103,
                                false), null))),
                Arguments.of(named("block device",
                        new Message.Announced(rec("dev/sda", FileType.BLOCK_DEVICE, 0660, T, 0, null, null, 0x0800,
                                false), null))),
                Arguments.of(named("fifo",
                        new Message.Announced(rec("run/pipe", FileType.FIFO, 0620, T, 0, null, null, 0, false), null))),
                Arguments.of(named("pre-1970 mtime",
                        new Message.Announced(rec("old", FileType.REGULAR, 0644, -5_000_000_000L, 5, H, null, 0,
                                false), null))),
                Arguments.of(named("tombstone of a regular file",
                        new Message.Announced(rec("gone.txt", FileType.REGULAR, 0644, T, 0, null, null, 0, true),
                                null))),
                Arguments.of(named("tombstone of a symlink (no target)",
                        new Message.Announced(rec("gone-link", FileType.SYMLINK, 0777, T, 0, null, null, 0, true),
                                null))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("announced")
    void indexUpdateRoundTrip(Message.Announced a) throws WireException {
        for (boolean full : new boolean[] {false, true}) {
            Message.IndexUpdate sent = new Message.IndexUpdate("web-01.data_x", List.of(a), full);
            assertSameMessage(sent, roundTrip(sent).message());
        }
        Message.IndexUpdate verdict = new Message.IndexUpdate("web-01.data_x", List.of(a), false, false, true);
        assertSameMessage(verdict, roundTrip(verdict).message());
    }

    @Test
    void aFolderVerdictInsideAFullIndexExchangeIsRejected() {
        for (boolean last : new boolean[] {false, true}) {
            byte[] both = envelope().setIndexUpdate(io.syncnode.wire.proto.IndexUpdate.newBuilder().setFolder("web")
                    .setFull(true).setLast(last).setVerdict(true).addFiles(file())).build().toByteArray();
            WireException e = assertThrows(WireException.class, () -> WireCodec.decode(both));
            assertTrue(e.getMessage().contains("index_update.verdict"), e.getMessage());
        }
        byte[] lastOnly = envelope().setIndexUpdate(io.syncnode.wire.proto.IndexUpdate.newBuilder().setFolder("web")
                .setLast(true).setVerdict(true).addFiles(file())).build().toByteArray();
        assertThrows(WireException.class, () -> WireCodec.decode(lastOnly));
    }

    @Test
    void indexUpdateWithEveryFileTypeInOneBatch() throws WireException {
        List<Message.Announced> files = announced().map(args -> (Message.Announced) ((org.junit.jupiter.api.Named<?>)
                args.get()[0]).getPayload()).toList();
        assertEquals(FileType.values().length,
                files.stream().map(f -> f.record().type()).distinct().count(), "every FileType is covered");
        Message.IndexUpdate sent = new Message.IndexUpdate("F", files, false);
        assertSameMessage(sent, roundTrip(sent).message());
    }

    @Test
    void theSendersClockTravelsInTheEnvelopeAndANegativeOneIsRejected() throws Exception {
        Message.Ack ack = new Message.Ack("web", List.of());
        assertEquals(1_795_000_000_123L, WireCodec.decode(WireCodec.encode(SENDER, NAME, 1_795_000_000_123L, ack)).sentAtMs());
        assertEquals(0L, WireCodec.decode(WireCodec.encode(SENDER, NAME, ack)).sentAtMs(), "not given: 0");
        byte[] negative = io.syncnode.wire.proto.Envelope.parseFrom(WireCodec.encode(SENDER, NAME, ack)).toBuilder()
                .setSentAtMs(-5).build().toByteArray();
        WireException e = assertThrows(WireException.class, () -> WireCodec.decode(negative));
        assertTrue(e.getMessage().contains("sent_at_ms"), e.getMessage());
    }

    @Test
    void emptyFileKeepsItsInlineMarker() throws WireException {
        Message.Announced empty = new Message.Announced(
                rec("empty", FileType.REGULAR, 0600, T, 0, EMPTY_HASH, null, 0, false), new byte[0]);
        Message.IndexUpdate got = (Message.IndexUpdate) roundTrip(new Message.IndexUpdate("f", List.of(empty), false))
                .message();
        assertTrue(got.files().get(0).hasInline(), "an empty inline content is still inline");
        assertEquals(0, got.files().get(0).inlineContent().length);
    }

    @Test
    void ackRoundTrip() throws WireException {
        Message.Ack sent = new Message.Ack("web", List.of(
                new Message.AckEntry("a/b.txt", V),
                new Message.AckEntry("\u00e9t\u00e9", vv(A, 1)),
                new Message.AckEntry("c", vv(NEG, Long.MAX_VALUE))));
        assertEquals(sent, roundTrip(sent).message());
    }

    @Test
    void digestRoundTrip() throws WireException {
        byte[] d1 = EMPTY_HASH.toBytes();
        byte[] d2 = H.toBytes();
        Message.Digest sent = new Message.Digest(List.of(
                new Message.FolderDigest("web", d1, 0), new Message.FolderDigest("db", d2, 123_456_789_012L)));
        assertSameMessage(sent, roundTrip(sent).message());
    }

    @Test
    void anAbortsDetailReachesLogsWithItsControlCharactersEscaped() throws WireException {
        Message.FetchAbort got = (Message.FetchAbort) roundTrip(new Message.FetchAbort(1, Message.AbortReason.IO_ERROR,
                "disk\nfull\u001b[2J")).message();
        assertEquals("disk\\x0afull\\x1b[2J", got.detail());
    }

    @Test
    void aDigestListingOneFolderTwiceIsRejected() {
        byte[] twice = WireCodec.encode(NEG, "n1", new Message.Digest(List.of(
                new Message.FolderDigest("web", H.toBytes(), 1), new Message.FolderDigest("db", H.toBytes(), 1),
                new Message.FolderDigest("web", EMPTY_HASH.toBytes(), 0))));
        WireException e = assertThrows(WireException.class, () -> WireCodec.decode(twice));
        assertTrue(e.getMessage().contains("digest.folder") && e.getMessage().contains("\"web\" listed twice"),
                e.getMessage());
    }

    @Test
    void aDigestStatesTheSendersSoftwareAndOtherMessagesDoNot() throws WireException {
        Envelope digest = roundTrip(new Message.Digest(List.of()));
        assertEquals(Software.DESCRIPTION, digest.software());
        assertTrue(digest.software().startsWith(Software.version() + " ("), digest.software());
        assertEquals("", roundTrip(new Message.FetchCredit(1, 1)).software());
    }

    @Test
    void aStatedSoftwareReachesThePeersTableEscapedAndIsCapped() throws WireException {
        io.syncnode.wire.proto.Digest empty = io.syncnode.wire.proto.Digest.getDefaultInstance();
        Envelope got = WireCodec.decode(envelope().setSenderSoftware("1.0\n\u001b[2J").setDigest(empty).build()
                .toByteArray());
        assertEquals("1.0\\x0a\\x1b[2J", got.software());
        byte[] tooLong = envelope().setSenderSoftware("x".repeat(Software.MAX_LENGTH + 1)).setDigest(empty).build()
                .toByteArray();
        WireException e = assertThrows(WireException.class, () -> WireCodec.decode(tooLong));
        assertTrue(e.getMessage().contains("envelope.sender_software"), e.getMessage());
    }

    @Test
    void emptyDigestRoundTrip() throws WireException {
        Message.Digest sent = new Message.Digest(List.of());
        assertSameMessage(sent, roundTrip(sent).message());
    }

    @ParameterizedTest(name = "credit {0}")
    @ValueSource(ints = {1, 8, 256})
    void fetchRequestRoundTrip(int credit) throws WireException {
        Message.FetchRequest sent = new Message.FetchRequest(NEG, "web", "a/b.txt", V, H, null, credit);
        assertEquals(sent, roundTrip(sent).message());
    }

    @Test
    void fetchRequestWithBasisSignatureRoundTrip() throws Exception {
        byte[] basis = new byte[10_000];
        new java.util.Random(3).nextBytes(basis);
        io.syncnode.protocol.delta.Signature sig = new io.syncnode.protocol.delta.SignatureBuilder(2048)
                .build(new java.io.ByteArrayInputStream(basis));
        Message.FetchRequest sent = new Message.FetchRequest(9, "web", "big.img", V, H, sig, 8);
        Message.FetchRequest got = (Message.FetchRequest) roundTrip(sent).message();
        assertEquals(sig, got.basis());
        assertEquals(5, got.basis().blockCount());
    }

    @Test
    void segmentedDeltaMessagesRoundTrip() throws Exception {
        byte[] basis = new byte[300_000];
        new java.util.Random(4).nextBytes(basis);
        io.syncnode.protocol.delta.SegmentSums sums = io.syncnode.protocol.delta.SegmentSums.build(
                new java.io.ByteArrayInputStream(basis), 2048, 64);
        Message.FetchRequest sent = new Message.FetchRequest(9, "web", "big.img", V, H, null, 32, sums);
        Message.FetchRequest got = (Message.FetchRequest) roundTrip(sent).message();
        assertEquals(sums, got.segments());
        assertEquals(null, got.basis());
        assertEquals(3, got.segments().segmentCount());

        java.util.BitSet need = new java.util.BitSet();
        need.set(0);
        need.set(2);
        need.set(1_000_000);
        assertEquals(new Message.FetchNeed(NEG, need), roundTrip(new Message.FetchNeed(NEG, need)).message());

        io.syncnode.protocol.delta.Signature sig = new io.syncnode.protocol.delta.SignatureBuilder(2048)
                .build(new java.io.ByteArrayInputStream(basis, 0, 2 * 131072));
        assertEquals(new Message.FetchBasis(NEG, sig), roundTrip(new Message.FetchBasis(NEG, sig)).message());
    }

    static Stream<Arguments> chunks() {
        byte[] mib = new byte[WireCodec.MAX_LITERAL];
        Arrays.fill(mib, (byte) 0x5a);
        return Stream.of(
                Arguments.of(named("one literal, not last",
                        new Message.FetchData(NEG, 0, List.of(new Message.Literal(HELLO)), false))),
                Arguments.of(named("literal and copy ops, last",
                        new Message.FetchData(7, 3, List.of(new Message.Literal(HELLO),
                                new Message.CopyBlocks(0, 1), new Message.CopyBlocks(Long.MAX_VALUE, Integer.MAX_VALUE),
                                new Message.Literal(new byte[0])), true))),
                Arguments.of(named("empty file: no ops, last",
                        new Message.FetchData(1, 0, List.of(), true))),
                Arguments.of(named("literal of exactly 1 MiB",
                        new Message.FetchData(1, 12, List.of(new Message.Literal(mib)), false))),
                Arguments.of(named("seq beyond 2^31",
                        new Message.FetchData(1, -1, List.of(new Message.CopyBlocks(5, 2)), true))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunks")
    void fetchDataRoundTrip(Message.FetchData sent) throws WireException {
        assertSameMessage(sent, roundTrip(sent).message());
    }

    @ParameterizedTest(name = "chunks {0}")
    @ValueSource(ints = {1, 256})
    void fetchCreditRoundTrip(int chunks) throws WireException {
        Message.FetchCredit sent = new Message.FetchCredit(NEG, chunks);
        assertEquals(sent, roundTrip(sent).message());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Message.AbortReason.class)
    void fetchAbortRoundTrip(Message.AbortReason reason) throws WireException {
        Message.FetchAbort sent = new Message.FetchAbort(NEG, reason, "because " + reason + " \u2603");
        assertEquals(sent, roundTrip(sent).message());
    }

    @Test
    void fetchAbortWithoutDetailArrivesWithAnEmptyOne() throws WireException {
        Message.FetchAbort got = (Message.FetchAbort) roundTrip(
                new Message.FetchAbort(1, Message.AbortReason.IO_ERROR, null)).message();
        assertEquals("", got.detail());
    }

    @Test
    void fetchAbortDetailIsCutAt1000Characters() throws WireException {
        Message.FetchAbort got = (Message.FetchAbort) roundTrip(
                new Message.FetchAbort(1, Message.AbortReason.IO_ERROR, "x".repeat(5000))).message();
        assertEquals("x".repeat(1000), got.detail());
    }

    @Test
    void fetchAbortDetailIsNotCutInsideASurrogatePair() throws WireException {
        String detail = "x".repeat(999) + "\ud83d\ude00" + "tail";
        Message.FetchAbort got = (Message.FetchAbort) roundTrip(
                new Message.FetchAbort(1, Message.AbortReason.IO_ERROR, detail)).message();
        char last = got.detail().charAt(got.detail().length() - 1);
        assertTrue(!Character.isHighSurrogate(last), "detail ends with a lone high surrogate");
    }

    static Stream<Arguments> unknownAbortReasons() {
        return Stream.of(
                Arguments.of(named("ABORT_UNSPECIFIED", 0)),
                Arguments.of(named("a reason from a newer version (99)", 99)));
    }

    @ParameterizedTest(name = "{0} is read as CANCELLED")
    @MethodSource("unknownAbortReasons")
    void unknownAbortReasonIsReadAsCancelled(int reason) throws WireException {
        byte[] bytes = envelope().setFetchAbort(io.syncnode.wire.proto.FetchAbort.newBuilder().setTransferId(9)
                .setReasonValue(reason)).build().toByteArray();
        Message.FetchAbort got = (Message.FetchAbort) WireCodec.decode(bytes).message();
        assertEquals(Message.AbortReason.CANCELLED, got.reason());
    }

    /** Field-by-field comparison for the messages that hold byte arrays. */
    static void assertSameMessage(Message expected, Message actual) {
        assertInstanceOf(expected.getClass(), actual);
        if (expected instanceof Message.IndexUpdate e) {
            Message.IndexUpdate a = (Message.IndexUpdate) actual;
            assertEquals(e.folder(), a.folder());
            assertEquals(e.full(), a.full());
            assertEquals(e.last(), a.last());
            assertEquals(e.verdict(), a.verdict());
            assertEquals(e.files().size(), a.files().size());
            for (int i = 0; i < e.files().size(); i++) {
                assertEquals(e.files().get(i).record(), a.files().get(i).record(), "record " + i);
                assertArrayEquals(e.files().get(i).inlineContent(), a.files().get(i).inlineContent(), "inline " + i);
                assertEquals(e.files().get(i).hasInline(), a.files().get(i).hasInline(), "hasInline " + i);
            }
        } else if (expected instanceof Message.Digest e) {
            Message.Digest a = (Message.Digest) actual;
            assertEquals(e.folders().size(), a.folders().size());
            for (int i = 0; i < e.folders().size(); i++) {
                assertEquals(e.folders().get(i).folder(), a.folders().get(i).folder());
                assertArrayEquals(e.folders().get(i).digest(), a.folders().get(i).digest());
                assertEquals(e.folders().get(i).records(), a.folders().get(i).records());
            }
        } else if (expected instanceof Message.FetchData e) {
            Message.FetchData a = (Message.FetchData) actual;
            assertEquals(e.transferId(), a.transferId());
            assertEquals(e.seq(), a.seq());
            assertEquals(e.last(), a.last());
            assertEquals(e.ops().size(), a.ops().size());
            for (int i = 0; i < e.ops().size(); i++) {
                if (e.ops().get(i) instanceof Message.Literal l) {
                    assertArrayEquals(l.data(), assertInstanceOf(Message.Literal.class, a.ops().get(i)).data());
                } else {
                    assertEquals(e.ops().get(i), a.ops().get(i));
                }
            }
        } else {
            assertEquals(expected, actual);
        }
    }

    @Test
    void namesThatAreNotUtf8AndFidelityFieldsRoundTripByteForByte() throws Exception {
        ByteString latin1 = raw('c', 'a', 'f', 0xe9);
        ByteString overlong = raw('.', '.', 0xc0, 0xaf, 'x'); // one component "..\xc0\xafx": not ".."
        // the UTF-8 of two escape characters is a 6-byte name of its own, never the byte string ".."
        FileRecord spelled = ((Message.IndexUpdate) WireCodec.decode(update(f -> f.setPath(bytes("\uEFAE\uEFAE"))))
                .message()).files().get(0).record();
        assertEquals(6, io.syncnode.protocol.NameCodec.encode(spelled.path()).length);
        ByteString target = raw('.', '.', '/', '/', 0xfe, 'x', '/'); // kept as is: no slash normalising
        for (ByteString path : List.of(latin1, overlong)) {
            FileInfo.Builder f = file().setPath(path)
                    .addXattrs(io.syncnode.wire.proto.Xattr.newBuilder().setName(bytes("system.posix_acl_access"))
                            .setValue(raw(2, 0, 0, 0, 1, 0, 6, 0)))
                    .addXattrs(io.syncnode.wire.proto.Xattr.newBuilder().setName(raw('u', 's', 'e', 'r', '.', 0xff))
                            .setValue(ByteString.EMPTY))
                    .setHardLink(bytes("+first"));
            Message.IndexUpdate u = (Message.IndexUpdate) WireCodec.decode(update(f)).message();
            FileRecord r = u.files().get(0).record();
            assertArrayEquals(path.toByteArray(), io.syncnode.protocol.NameCodec.encode(r.path()));
            assertEquals("+first", r.hardLink());
            assertEquals(2, r.xattrs().size());
            assertArrayEquals(new byte[] {2, 0, 0, 0, 1, 0, 6, 0}, r.xattrs().get("system.posix_acl_access"));
            io.syncnode.wire.proto.Envelope again = io.syncnode.wire.proto.Envelope.parseFrom(
                    WireCodec.encode(SENDER, NAME, u));
            FileInfo back = again.getIndexUpdate().getFiles(0);
            assertEquals(path, back.getPath());
            assertEquals(f.getXattrsList(), back.getXattrsList());
            assertEquals(bytes("+first"), back.getHardLink());
        }
        Message.IndexUpdate link = (Message.IndexUpdate) WireCodec.decode(update(symlink().setSymlinkTarget(target)))
                .message();
        String t = link.files().get(0).record().symlinkTarget();
        assertArrayEquals(target.toByteArray(), io.syncnode.protocol.NameCodec.encode(t));
    }

    // ------------------------------------------------------------------ rejections

    static io.syncnode.wire.proto.Envelope.Builder envelope() {
        return io.syncnode.wire.proto.Envelope.newBuilder().setProtocolVersion(1).setSenderId(SENDER)
                .setSenderName(NAME);
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static ByteString raw(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return ByteString.copyFrom(out);
    }

    static Version version(long... pairs) {
        Version.Builder v = Version.newBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            v.addCounters(VersionCounter.newBuilder().setNodeId(pairs[i]).setValue(pairs[i + 1]));
        }
        return v.build();
    }

    /** A valid live regular file: every rejection row changes one thing. */
    static FileInfo.Builder file() {
        return FileInfo.newBuilder().setPath(bytes("a/b.txt")).setType(io.syncnode.wire.proto.FileType.REGULAR)
                .setMode(0644).setMtimeNs(T).setSize(5).setHash(ByteString.copyFrom(H.toBytes()))
                .setVersion(version(A, 1)).setModifiedBy(A);
    }

    static FileInfo.Builder symlink() {
        return file().setType(io.syncnode.wire.proto.FileType.SYMLINK).setSize(0).clearHash()
                .setSymlinkTarget(bytes("../t"));
    }

    static byte[] update(UnaryOperator<FileInfo.Builder> change) {
        return envelope().setIndexUpdate(io.syncnode.wire.proto.IndexUpdate.newBuilder().setFolder("web")
                .addFiles(change.apply(file()))).build().toByteArray();
    }

    static byte[] update(FileInfo.Builder f) {
        return update(ignored -> f);
    }

    static io.syncnode.wire.proto.FetchRequest.Builder request() {
        return io.syncnode.wire.proto.FetchRequest.newBuilder().setTransferId(1).setFolder("web")
                .setPath(bytes("a/b.txt")).setVersion(version(A, 1)).setHash(ByteString.copyFrom(H.toBytes()))
                .setCredit(8);
    }

    static byte[] request(UnaryOperator<io.syncnode.wire.proto.FetchRequest.Builder> change) {
        return envelope().setFetchRequest(change.apply(request())).build().toByteArray();
    }

    static byte[] chunk(DeltaOp.Builder... ops) {
        io.syncnode.wire.proto.FetchData.Builder d = io.syncnode.wire.proto.FetchData.newBuilder().setTransferId(1);
        for (DeltaOp.Builder op : ops) {
            d.addOps(op);
        }
        return envelope().setFetchData(d).build().toByteArray();
    }

    static byte[] ack(String folder, ByteString path, Version v, int count) {
        io.syncnode.wire.proto.Ack.Builder a = io.syncnode.wire.proto.Ack.newBuilder().setFolder(folder);
        for (int i = 0; i < count; i++) {
            a.addEntries(io.syncnode.wire.proto.AckEntry.newBuilder().setPath(path).setVersion(v));
        }
        return envelope().setAck(a).build().toByteArray();
    }

    static byte[] digest(String folder, int length) {
        return envelope().setDigest(io.syncnode.wire.proto.Digest.newBuilder().addFolders(
                FolderDigest.newBuilder().setFolder(folder).setDigest(ByteString.copyFrom(new byte[length]))))
                .build().toByteArray();
    }

    static byte[] credit(int chunks) {
        return envelope().setFetchCredit(io.syncnode.wire.proto.FetchCredit.newBuilder().setTransferId(1)
                .setChunks(chunks)).build().toByteArray();
    }

    static String longPath(int bytes) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < bytes) {
            if (sb.length() % 101 == 100 && bytes - sb.length() >= 2) {
                sb.append('/');
            } else {
                sb.append('p');
            }
        }
        return sb.toString();
    }

    static Arguments rejected(String name, byte[] bytes, String field) {
        return Arguments.of(named(name, bytes), field);
    }

    static Stream<Arguments> rejections() {
        List<Arguments> rows = new ArrayList<>();
        // envelope
        rows.add(rejected("protocol_version 2", envelope().setProtocolVersion(2).setFetchCredit(
                io.syncnode.wire.proto.FetchCredit.newBuilder().setChunks(1)).build().toByteArray(),
                "protocol_version"));
        rows.add(rejected("protocol_version missing (0)", io.syncnode.wire.proto.Envelope.newBuilder().setSenderId(1)
                .setSenderName(NAME).build().toByteArray(), "protocol_version"));
        rows.add(rejected("sender_id 0", envelope().setSenderId(0).build().toByteArray(), "sender_id"));
        rows.add(rejected("sender_name empty", envelope().setSenderName("").build().toByteArray(), "sender_name"));
        rows.add(rejected("sender_name with capitals and underscore", envelope().setSenderName("Node_1").build()
                .toByteArray(), "sender_name"));
        rows.add(rejected("sender_name of 33 characters", envelope().setSenderName("n".repeat(33)).build()
                .toByteArray(), "sender_name"));
        rows.add(rejected("sender_name with a newline", envelope().setSenderName("node\nforged").build()
                .toByteArray(), "sender_name"));
        rows.add(rejected("empty body", envelope().build().toByteArray(), "body"));
        rows.add(rejected("garbage bytes (not protobuf)",
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x00, 0x01}, "envelope"));
        rows.add(rejected("truncated envelope", Arrays.copyOf(update(f -> f), 20), "envelope"));
        // folder names
        rows.add(rejected("index_update folder \"../etc\"", envelope().setIndexUpdate(
                io.syncnode.wire.proto.IndexUpdate.newBuilder().setFolder("../etc")).build().toByteArray(), "folder"));
        rows.add(rejected("index_update folder empty", envelope().setIndexUpdate(
                io.syncnode.wire.proto.IndexUpdate.newBuilder().setFolder("")).build().toByteArray(), "folder"));
        rows.add(rejected("index_update folder of 65 characters", envelope().setIndexUpdate(
                io.syncnode.wire.proto.IndexUpdate.newBuilder().setFolder("f".repeat(65))).build().toByteArray(),
                "folder"));
        rows.add(rejected("index_update folder starting with '.'", envelope().setIndexUpdate(
                io.syncnode.wire.proto.IndexUpdate.newBuilder().setFolder(".hidden")).build().toByteArray(),
                "folder"));
        // paths
        rows.add(rejected("path \"../x\"", update(f -> f.setPath(bytes("../x"))), "path"));
        rows.add(rejected("path \"a/../../x\"", update(f -> f.setPath(bytes("a/../../x"))), "path"));
        rows.add(rejected("path \"/abs\"", update(f -> f.setPath(bytes("/etc/shadow"))), "path"));
        rows.add(rejected("path \"a//b\"", update(f -> f.setPath(bytes("a//b"))), "path"));
        rows.add(rejected("path \"a/./b\"", update(f -> f.setPath(bytes("a/./b"))), "path"));
        rows.add(rejected("path with trailing slash", update(f -> f.setPath(bytes("a/"))), "path"));
        rows.add(rejected("path empty", update(f -> f.setPath(ByteString.EMPTY)), "path"));
        rows.add(rejected("NUL in path", update(f -> f.setPath(bytes("a\0/../../b"))), "path"));
        rows.add(rejected("4097-byte path", update(f -> f.setPath(bytes(longPath(4097)))), "path"));
        rows.add(rejected("256-byte component", update(f -> f.setPath(bytes("d/" + "c".repeat(256)))), "path"));
        // type, mode, size
        rows.add(rejected("type UNSPECIFIED",
                update(f -> f.setType(io.syncnode.wire.proto.FileType.FILE_TYPE_UNSPECIFIED)), "type"));
        rows.add(rejected("type unknown (99)", update(f -> f.setTypeValue(99)), "type"));
        rows.add(rejected("mode 010000", update(f -> f.setMode(010000)), "mode"));
        rows.add(rejected("mode 0xffffffff", update(f -> f.setMode(-1)), "mode"));
        rows.add(rejected("size beyond 2^63", update(f -> f.setSize(-1L)), "size"));
        // version
        rows.add(rejected("empty version", update(f -> f.clearVersion()), "version"));
        rows.add(rejected("version of zero counters only", update(f -> f.setVersion(version(A, 0))), "version"));
        rows.add(rejected("duplicate node in version", update(f -> f.setVersion(version(A, 1, NEG, 2, A, 3))),
                "version"));
        rows.add(rejected("counter beyond 2^63", update(f -> f.setVersion(version(A, -1L))), "version"));
        long[] many = new long[2 * 1025];
        for (int i = 0; i < 1025; i++) {
            many[2 * i] = i + 1;
            many[2 * i + 1] = 1;
        }
        rows.add(rejected("1025 version counters", update(f -> f.setVersion(version(many))), "version"));
        // hash
        rows.add(rejected("regular file without hash", update(f -> f.clearHash()), "hash"));
        rows.add(rejected("31-byte hash", update(f -> f.setHash(ByteString.copyFrom(new byte[31]))), "hash"));
        rows.add(rejected("33-byte hash", update(f -> f.setHash(ByteString.copyFrom(new byte[33]))), "hash"));
        // symlinks
        rows.add(rejected("symlink without target", update(symlink().clearSymlinkTarget()), "symlink_target"));
        rows.add(rejected("symlink target with NUL", update(symlink().setSymlinkTarget(bytes("a\0b"))),
                "symlink_target"));
        // extended attributes and hard links
        rows.add(rejected("xattr with an empty name", update(f -> f.addXattrs(
                io.syncnode.wire.proto.Xattr.newBuilder().setName(ByteString.EMPTY))), "xattrs"));
        rows.add(rejected("xattr listed twice", update(f -> f
                .addXattrs(io.syncnode.wire.proto.Xattr.newBuilder().setName(bytes("user.a")))
                .addXattrs(io.syncnode.wire.proto.Xattr.newBuilder().setName(bytes("user.a")))), "xattrs"));
        rows.add(rejected("xattr value over 64 KiB", update(f -> f.addXattrs(io.syncnode.wire.proto.Xattr.newBuilder()
                .setName(bytes("user.big")).setValue(ByteString.copyFrom(new byte[65537])))), "xattrs"));
        rows.add(rejected("xattr name of 256 bytes", update(f -> f.addXattrs(io.syncnode.wire.proto.Xattr.newBuilder()
                .setName(bytes("user." + "n".repeat(251))))), "xattrs"));
        rows.add(rejected("xattrs on a tombstone", update(f -> f.setDeleted(true).clearHash().addXattrs(
                io.syncnode.wire.proto.Xattr.newBuilder().setName(bytes("user.a")))), "xattrs"));
        rows.add(rejected("hard link to a greater path", update(f -> f.setHardLink(bytes("z"))), "hard_link"));
        rows.add(rejected("hard link to itself", update(f -> f.setHardLink(bytes("a/b.txt"))), "hard_link"));
        rows.add(rejected("hard link of a symlink", update(symlink().setHardLink(bytes("0"))), "hard_link"));
        rows.add(rejected("hard link to \"../x\"", update(f -> f.setHardLink(bytes("../x"))), "hard_link"));
        rows.add(rejected("the root deleted", update(f -> f.setPath(bytes(".")).setDeleted(true).clearHash()
                .setType(io.syncnode.wire.proto.FileType.DIRECTORY).setSize(0)), "root"));
        rows.add(rejected("the root as a file", update(f -> f.setPath(bytes("."))), "root"));
        rows.add(rejected("symlink target of 4097 bytes",
                update(symlink().setSymlinkTarget(bytes("t".repeat(4097)))), "symlink_target"));
        // inline content
        rows.add(rejected("inline content on a directory", update(f -> f
                .setType(io.syncnode.wire.proto.FileType.DIRECTORY).clearHash().setSize(0)
                .setHasInlineContent(true)), "inline_content"));
        rows.add(rejected("inline content on a tombstone", update(f -> f.setDeleted(true)
                .setInlineContent(ByteString.copyFrom(HELLO)).setHasInlineContent(true)), "inline_content"));
        rows.add(rejected("inline length 4, size 5", update(f -> f
                .setInlineContent(ByteString.copyFrom(HELLO, 0, 4)).setHasInlineContent(true)), "inline_content"));
        rows.add(rejected("inline length 5, size 0", update(f -> f.setSize(0)
                .setInlineContent(ByteString.copyFrom(HELLO)).setHasInlineContent(true)), "inline_content"));
        rows.add(rejected("inline content of 65537 bytes", update(f -> f.setSize(65_537)
                .setInlineContent(ByteString.copyFrom(new byte[65_537])).setHasInlineContent(true)),
                "inline_content"));
        // batch sizes
        io.syncnode.wire.proto.IndexUpdate.Builder big = io.syncnode.wire.proto.IndexUpdate.newBuilder()
                .setFolder("web");
        FileInfo one = file().build();
        for (int i = 0; i < 10_001; i++) {
            big.addFiles(one);
        }
        rows.add(rejected("10,001 files in one update", envelope().setIndexUpdate(big).build().toByteArray(),
                "files"));
        // ack
        rows.add(rejected("ack with a bad folder", ack("a/b", bytes("x"), version(A, 1), 1), "folder"));
        rows.add(rejected("ack path \"../x\"", ack("web", bytes("../x"), version(A, 1), 1), "path"));
        rows.add(rejected("ack with a duplicate version counter", ack("web", bytes("x"), version(A, 1, A, 2), 1),
                "version"));
        rows.add(rejected("ack of 10,001 entries", ack("web", bytes("x"), version(A, 1), 10_001), "entries"));
        // digest
        rows.add(rejected("digest of 31 bytes", digest("web", 31), "digest"));
        rows.add(rejected("digest with a bad folder", digest("we b", 32), "folder"));
        // fetch request
        rows.add(rejected("fetch_request credit 0", request(r -> r.setCredit(0)), "credit"));
        rows.add(rejected("fetch_request credit 257", request(r -> r.setCredit(257)), "credit"));
        rows.add(rejected("basis block_size 0", request(r -> r.setBasis(io.syncnode.wire.proto.BlockSignature
                .newBuilder().setBlockSize(0).setFileSize(10).setStrongLength(8))), "block_size"));
        rows.add(rejected("basis strong_length 16", request(r -> r.setBasis(io.syncnode.wire.proto.BlockSignature
                .newBuilder().setBlockSize(2048).setFileSize(0).setStrongLength(16))), "strong_length"));
        rows.add(rejected("basis weak count does not match file_size", request(r -> r.setBasis(
                io.syncnode.wire.proto.BlockSignature.newBuilder().setBlockSize(2048).setFileSize(5000)
                        .setStrongLength(8).addWeak(1).setStrong(com.google.protobuf.ByteString.copyFrom(new byte[8])))),
                "basis"));
        rows.add(rejected("basis and segments both", request(r -> r.setBasis(io.syncnode.wire.proto.BlockSignature
                .newBuilder().setBlockSize(2048).setFileSize(0).setStrongLength(8))
                .setSegments(io.syncnode.wire.proto.SegmentSums.newBuilder().setBlockSize(2048).setSegmentBlocks(64))),
                "both"));
        rows.add(rejected("segments with 8 bytes of sums for 2 segments", request(r -> r.setSegments(
                io.syncnode.wire.proto.SegmentSums.newBuilder().setBlockSize(1024).setSegmentBlocks(2)
                        .setFileSize(2049).setSums(ByteString.copyFrom(new byte[8])))), "segments"));
        rows.add(rejected("segments of 0 blocks", request(r -> r.setSegments(
                io.syncnode.wire.proto.SegmentSums.newBuilder().setBlockSize(1024).setSegmentBlocks(0))),
                "segmentBlocks"));
        rows.add(rejected("segments in blocks of 256 KiB", request(r -> r.setSegments(
                io.syncnode.wire.proto.SegmentSums.newBuilder().setBlockSize(256 * 1024).setSegmentBlocks(1))),
                "blockSize"));
        rows.add(rejected("fetch_need naming no segment", envelope().setFetchNeed(
                io.syncnode.wire.proto.FetchNeed.newBuilder().setTransferId(1)
                        .setSegments(ByteString.copyFrom(new byte[4]))).build().toByteArray(), "no segment"));
        rows.add(rejected("fetch_need beyond 2^20 segments", envelope().setFetchNeed(
                io.syncnode.wire.proto.FetchNeed.newBuilder().setTransferId(1)
                        .setSegments(ByteString.copyFrom(new byte[(1 << 17) + 1]))).build().toByteArray(), "segments"));
        rows.add(rejected("fetch_basis block_size 0", envelope().setFetchBasis(
                io.syncnode.wire.proto.FetchBasis.newBuilder().setTransferId(1).setBasis(
                        io.syncnode.wire.proto.BlockSignature.newBuilder().setBlockSize(0).setStrongLength(8)))
                .build().toByteArray(), "fetch_basis.basis.block_size"));
        rows.add(rejected("fetch_request path \"/abs\"", request(r -> r.setPath(bytes("/abs"))), "path"));
        rows.add(rejected("fetch_request hash of 31 bytes",
                request(r -> r.setHash(ByteString.copyFrom(new byte[31]))), "hash"));
        rows.add(rejected("fetch_request without hash", request(r -> r.clearHash()), "hash"));
        rows.add(rejected("fetch_request bad folder", request(r -> r.setFolder("")), "folder"));
        // fetch credit
        rows.add(rejected("fetch_credit 0", credit(0), "credit"));
        rows.add(rejected("fetch_credit 257", credit(257), "credit"));
        rows.add(rejected("fetch_credit 2^32-1", credit(-1), "credit"));
        // fetch data
        rows.add(rejected("literal of 1 MiB + 1", chunk(DeltaOp.newBuilder()
                .setLiteral(ByteString.copyFrom(new byte[WireCodec.MAX_LITERAL + 1]))), "literal"));
        rows.add(rejected("copy with count 0", chunk(DeltaOp.newBuilder()
                .setCopy(CopyBlocks.newBuilder().setFirstBlock(3).setCount(0))), "copy"));
        rows.add(rejected("copy with first_block beyond 2^63", chunk(DeltaOp.newBuilder()
                .setCopy(CopyBlocks.newBuilder().setFirstBlock(-1L).setCount(1))), "copy"));
        rows.add(rejected("empty delta op", chunk(DeltaOp.newBuilder()), "ops"));
        DeltaOp.Builder[] tooMany = new DeltaOp.Builder[8193];
        Arrays.fill(tooMany, DeltaOp.newBuilder().setCopy(CopyBlocks.newBuilder().setCount(1)));
        rows.add(rejected("8193 ops in one chunk", chunk(tooMany), "ops"));
        DeltaOp.Builder mib = DeltaOp.newBuilder().setLiteral(ByteString.copyFrom(new byte[WireCodec.MAX_LITERAL]));
        rows.add(rejected("three literals of 1 MiB in one chunk", chunk(mib, mib, mib), "literal bytes"));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} -> names \"{1}\"")
    @MethodSource("rejections")
    void rejectsHostileMessagesNamingTheField(byte[] bytes, String field) {
        WireException e = assertThrows(WireException.class, () -> WireCodec.decode(bytes));
        assertTrue(e.getMessage().contains(field), "message should name " + field + ": " + e.getMessage());
        assertTrue(e.getMessage().indexOf('\0') < 0, "no raw NUL in the message: " + e.getMessage());
    }

    @ParameterizedTest(name = "fetch_request credit {0} (unsigned)")
    @ValueSource(ints = {-1, Integer.MIN_VALUE})
    void rejectsFetchRequestCreditBeyond2To31(int credit) {
        byte[] bytes = request(r -> r.setCredit(credit));
        WireException e = assertThrows(WireException.class, () -> WireCodec.decode(bytes));
        assertTrue(e.getMessage().contains("credit"), e.getMessage());
    }

    @Test
    void rejectionNamesTheOffendingFileOfABatch() {
        byte[] bytes = envelope().setIndexUpdate(io.syncnode.wire.proto.IndexUpdate.newBuilder().setFolder("web")
                .addFiles(file().setPath(bytes("ok/1")))
                .addFiles(file().setPath(bytes("bad/2")).setMode(0100644))).build().toByteArray();
        WireException e = assertThrows(WireException.class, () -> WireCodec.decode(bytes));
        assertTrue(e.getMessage().contains("bad/2") && e.getMessage().contains("mode"), e.getMessage());
    }

    static Stream<Arguments> limitsThatPass() {
        io.syncnode.wire.proto.IndexUpdate.Builder full = io.syncnode.wire.proto.IndexUpdate.newBuilder()
                .setFolder("web");
        FileInfo one = file().build();
        for (int i = 0; i < 10_000; i++) {
            full.addFiles(one);
        }
        long[] counters = new long[2 * 1024];
        for (int i = 0; i < 1024; i++) {
            counters[2 * i] = i + 1;
            counters[2 * i + 1] = 1;
        }
        return Stream.of(
                Arguments.of(named("4096-byte path", update(f -> f.setPath(bytes(longPath(4096)))))),
                Arguments.of(named("inline content of 65536 bytes", update(f -> f.setSize(65_536)
                        .setInlineContent(ByteString.copyFrom(new byte[65_536])).setHasInlineContent(true)))),
                Arguments.of(named("10,000 files", envelope().setIndexUpdate(full).build().toByteArray())),
                Arguments.of(named("1024 version counters", update(f -> f.setVersion(version(counters))))),
                Arguments.of(named("counters in descending order", update(f -> f.setVersion(version(A, 2, NEG, 1))))),
                Arguments.of(named("regular tombstone without hash", update(f -> f.setDeleted(true).clearHash()
                        .setSize(0)))),
                Arguments.of(named("symlink tombstone without target", update(symlink().setDeleted(true)
                        .clearSymlinkTarget()))),
                Arguments.of(named("symlink target of 4096 bytes", update(symlink()
                        .setSymlinkTarget(bytes("t".repeat(4096)))))),
                Arguments.of(named("fetch_credit 256", credit(256))),
                Arguments.of(named("sender_name of 32 characters", envelope().setSenderName("n".repeat(32))
                        .setFetchCredit(io.syncnode.wire.proto.FetchCredit.newBuilder().setChunks(1)).build()
                        .toByteArray())),
                Arguments.of(named("folder name of 64 characters", envelope().setIndexUpdate(
                        io.syncnode.wire.proto.IndexUpdate.newBuilder().setFolder("F" + "f.-_".repeat(15) + "fff"))
                        .build().toByteArray())));
    }

    @ParameterizedTest(name = "{0} is accepted")
    @MethodSource("limitsThatPass")
    void acceptsValuesAtTheLimits(byte[] bytes) throws WireException {
        assertInstanceOf(Envelope.class, WireCodec.decode(bytes));
    }

    @Test
    void symlinkTargetOfARegularFileIsDropped() throws WireException {
        Message.IndexUpdate got = (Message.IndexUpdate) WireCodec.decode(
                update(f -> f.setSymlinkTarget(bytes("/etc")))).message();
        assertNull(got.files().get(0).record().symlinkTarget());
    }

    @Test
    void everyAbortReasonHasAWireValue() {
        for (Message.AbortReason r : Message.AbortReason.values()) {
            assertEquals(r.name(), AbortReason.valueOf(r.name()).name());
        }
    }
}
