package io.syncnode.node.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.VersionVector;
import io.syncnode.wire.proto.Envelope;
import io.syncnode.wire.proto.FileInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code IndexQuery} and {@code IndexAnswer} (PROTOCOL.md 4.6): round trips and every rejection. */
class IndexQueryWireTest {
    static final long SENDER = 0x5eed5eed5eed5eedL;
    static final long QUERY = 0xfedcba9876543210L;
    static final long T = 1_700_000_000_123_456_789L;
    static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);
    static final ContentHash H = ContentHash.ofHex("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
    static final VersionVector V = VersionVector.of(Map.of(7L, 3L));

    static Message roundTrip(Message m) throws WireException {
        io.syncnode.node.wire.Envelope e = WireCodec.decode(WireCodec.encode(SENDER, "node-1", m));
        return e.message();
    }

    @Test
    void queryRoundTripsWithPathsThatAreNotUtf8() throws WireException {
        String latin1 = NameCodec.decode(new byte[] {'c', 'a', 'f', (byte) 0xe9});
        Message.IndexQuery q = new Message.IndexQuery(QUERY, "web", List.of("etc", latin1, "."), false, 3);
        assertEquals(q, roundTrip(q));
        Message.IndexQuery whole = new Message.IndexQuery(1, "web", List.of(), false, 0);
        assertEquals(whole, roundTrip(whole));
        Message.IndexQuery content = new Message.IndexQuery(2, "web", List.of("a.txt"), true, 0);
        assertEquals(content, roundTrip(content));
    }

    @Test
    void answerRoundTripsWithRecordsInlineContentAndLast() throws WireException {
        FileRecord file = new FileRecord("a.txt", FileType.REGULAR, 0644, 1000, 100, T, 5, H, null, 0, V, false, 7);
        FileRecord gone = new FileRecord("b", FileType.REGULAR, 0644, 0, 0, T, 0, null, null, 0, V, true, 7);
        Message.IndexAnswer a = new Message.IndexAnswer(QUERY, "web",
                List.of(new Message.Announced(file, HELLO), new Message.Announced(gone, null)), true, null);
        Message.IndexAnswer back = (Message.IndexAnswer) roundTrip(a);
        assertEquals(QUERY, back.queryId());
        assertEquals("web", back.folder());
        assertTrue(back.last());
        assertNull(back.refused());
        assertEquals(file, back.files().get(0).record());
        assertArrayEquals(HELLO, back.files().get(0).inlineContent());
        assertEquals(gone, back.files().get(1).record());
        assertFalse(back.files().get(1).hasInline());
    }

    @Test
    void aRefusalArrivesWithItsControlCharactersEscaped() throws WireException {
        Message.IndexAnswer refused = new Message.IndexAnswer(QUERY, "web", List.of(), true, "no\u001b[31m");
        assertEquals("no\\x1b[31m", ((Message.IndexAnswer) roundTrip(refused)).refused());
    }

    static Envelope.Builder envelope() {
        return Envelope.newBuilder().setProtocolVersion(1).setSenderId(SENDER).setSenderName("node-1");
    }

    static byte[] query(Consumer<io.syncnode.wire.proto.IndexQuery.Builder> change) {
        io.syncnode.wire.proto.IndexQuery.Builder q = io.syncnode.wire.proto.IndexQuery.newBuilder()
                .setQueryId(QUERY).setFolder("web").addPaths(ByteString.copyFromUtf8("etc"));
        change.accept(q);
        return envelope().setIndexQuery(q).build().toByteArray();
    }

    static FileInfo file() {
        return FileInfo.newBuilder().setPath(ByteString.copyFromUtf8("a.txt"))
                .setType(io.syncnode.wire.proto.FileType.REGULAR).setMode(0644).setSize(5)
                .setHash(ByteString.copyFrom(H.toBytes())).setMtimeNs(T)
                .setVersion(io.syncnode.wire.proto.Version.newBuilder().addCounters(
                        io.syncnode.wire.proto.VersionCounter.newBuilder().setNodeId(7).setValue(3)))
                .build();
    }

    static byte[] answer(Consumer<io.syncnode.wire.proto.IndexAnswer.Builder> change) {
        io.syncnode.wire.proto.IndexAnswer.Builder a = io.syncnode.wire.proto.IndexAnswer.newBuilder()
                .setQueryId(QUERY).setFolder("web").addFiles(file()).setLast(true);
        change.accept(a);
        return envelope().setIndexAnswer(a).build().toByteArray();
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("query with a bad folder", query(q -> q.setFolder("a/b")), "index_query.folder"),
                Arguments.of("query path \"../x\"", query(q -> q.addPaths(ByteString.copyFromUtf8("../x"))),
                        "index_query.paths"),
                Arguments.of("query path \"/etc\"", query(q -> q.addPaths(ByteString.copyFromUtf8("/etc"))),
                        "index_query.paths"),
                Arguments.of("query of 1,001 paths", query(q -> {
                    for (int i = 0; i < WireCodec.MAX_QUERY_PATHS; i++) {
                        q.addPaths(ByteString.copyFromUtf8("p" + i));
                    }
                }), "index_query.paths"),
                Arguments.of("content query of two paths",
                        query(q -> q.setContent(true).addPaths(ByteString.copyFromUtf8("b"))), "index_query.content"),
                Arguments.of("content query of no path", query(q -> q.setContent(true).clearPaths()),
                        "index_query.content"),
                Arguments.of("query page 2,000", query(q -> q.setPage(2_000)), "index_query.page"),
                Arguments.of("query page 2^32-1", query(q -> q.setPage(-1)), "index_query.page"),
                Arguments.of("answer with a bad folder", answer(a -> a.setFolder("")), "index_answer.folder"),
                Arguments.of("answer of 1,001 records", answer(a -> {
                    for (int i = 0; i < WireCodec.MAX_ANSWER_FILES; i++) {
                        a.addFiles(file());
                    }
                }), "index_answer.files"),
                Arguments.of("answer with a bad record", answer(a -> a.setFiles(0, file().toBuilder()
                        .setPath(ByteString.copyFromUtf8("../escape")))), "file.path"),
                Arguments.of("answer with inline content longer than the size", answer(a -> a.setFiles(0,
                        file().toBuilder().setInlineContent(ByteString.copyFrom(new byte[6])).setHasInlineContent(true))),
                        "inline_content"),
                Arguments.of("refusal of 201 characters", answer(a -> a.clearFiles().setRefused("x".repeat(201))),
                        "index_answer.refused"),
                Arguments.of("refusal with records", answer(a -> a.setRefused("no")), "index_answer.refused"),
                Arguments.of("refusal that is not last", answer(a -> a.clearFiles().setLast(false).setRefused("no")),
                        "index_answer.refused"));
    }

    @ParameterizedTest(name = "{0} -> names \"{2}\"")
    @MethodSource("rejections")
    void rejectsMalformedAndOversizedMessagesNamingTheField(String name, byte[] bytes, String field) {
        WireException e = assertThrows(WireException.class, () -> WireCodec.decode(bytes));
        assertTrue(e.getMessage().contains(field), "message should name " + field + ": " + e.getMessage());
    }

    @Test
    void acceptsTheLimits() throws WireException {
        byte[] thousandPaths = query(q -> {
            for (int i = 1; i < WireCodec.MAX_QUERY_PATHS; i++) {
                q.addPaths(ByteString.copyFromUtf8("p" + i));
            }
        });
        assertEquals(WireCodec.MAX_QUERY_PATHS,
                ((Message.IndexQuery) WireCodec.decode(thousandPaths).message()).paths().size());
        byte[] thousandFiles = answer(a -> {
            for (int i = 1; i < WireCodec.MAX_ANSWER_FILES; i++) {
                a.addFiles(file());
            }
        });
        assertEquals(WireCodec.MAX_ANSWER_FILES,
                ((Message.IndexAnswer) WireCodec.decode(thousandFiles).message()).files().size());
        assertEquals(1_999, ((Message.IndexQuery) WireCodec.decode(query(q -> q.setPage(1_999))).message()).page());
        byte[] refusal = answer(a -> a.clearFiles().setRefused("r".repeat(200)));
        assertEquals(200, ((Message.IndexAnswer) WireCodec.decode(refusal).message()).refused().length());
    }
}
