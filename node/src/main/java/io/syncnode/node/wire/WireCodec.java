package io.syncnode.node.wire;

/**
 * Converts {@link Message}s to and from protobuf {@code Envelope} bytes, and validates every
 * inbound message (PROTOCOL.md, "Limits"). The only door to the generated protobuf types: the
 * package's {@link WireEncoder} builds envelopes, {@link WireDecoder} (with
 * {@link FileInfoDecoder} and {@link WireFields}) parses and checks them.
 */
public final class WireCodec {
    public static final int PROTOCOL_VERSION = 1;
    /** Largest inline content of a small file in an announcement. */
    public static final int MAX_INLINE = 64 * 1024;
    /**
     * The largest envelope decoded (larger ones are refused before parsing; FRAG2 fragments of a
     * larger one are dropped below FRAG2): just above the largest message a node sends, a fetch
     * request whose basis signature has {@link #MAX_BLOCKS} blocks (12 MiB of checksums) with a
     * path of 4,096 bytes and a version of {@link #MAX_VERSION_COUNTERS} counters: 12 MiB + 27 KiB
     * (PROTOCOL.md 7 adds it up; WireLimitsTest builds it). Every other message a node sends is
     * cut far below: {@link #MAX_BATCH_BYTES}.
     */
    public static final int MAX_ENVELOPE = 12 * 1024 * 1024 + 64 * 1024;
    /**
     * What a node puts in one {@code IndexUpdate}, {@code Ack} or {@code IndexAnswer} page at most,
     * by {@link #sizeBound} of its records (or one record, if that alone is larger: at most about
     * 1.1 MiB, as {@code Xattrs.MAX_TOTAL} bounds a record's attributes).
     */
    public static final int MAX_BATCH_BYTES = 1 << 20;
    /** Largest literal in one delta operation. */
    public static final int MAX_LITERAL = 1024 * 1024;
    public static final int MAX_FILES_PER_UPDATE = 10_000;
    /** Most paths one {@code IndexQuery} names. */
    public static final int MAX_QUERY_PATHS = 1000;
    /** Most records in one {@code IndexAnswer} page. */
    public static final int MAX_ANSWER_FILES = 1000;
    public static final int MAX_OPS_PER_CHUNK = 8192;
    /**
     * Most literal bytes in one {@code FetchData}: a source cuts its chunks at 256 KiB of literals
     * or one literal of up to {@link #MAX_LITERAL}. The receiver queues up to its credit of chunks,
     * so the cap bounds that queue (8 x 2 MiB) where 8,192 literals of 1 MiB would not.
     */
    public static final int MAX_CHUNK_LITERALS = 2 * MAX_LITERAL;
    public static final int MAX_VERSION_COUNTERS = 1024;
    public static final int MAX_CREDIT = 256;
    /** Largest basis block, and most blocks in one basis signature (20 MiB of signature). */
    public static final int MAX_BLOCK_SIZE = 16 * 1024 * 1024;
    public static final int MAX_BLOCKS = 1 << 20;

    private WireCodec() {
    }

    /** At least the encoded size of {@code a} in a message (a bound, not the exact size: cheap to add up). */
    public static long sizeBound(Message.Announced a) {
        io.syncnode.protocol.FileRecord r = a.record();
        long n = 160 + 3L * bytes(r.path()) + bytes(r.symlinkTarget()) + bytes(r.hardLink())
                + 24L * r.version().counters().size() + (a.inlineContent() == null ? 0 : a.inlineContent().length);
        for (java.util.Map.Entry<String, byte[]> x : r.xattrs()) {
            n += 12 + bytes(x.getKey()) + x.getValue().length;
        }
        return n;
    }

    /** At least the encoded size of {@code e} in an {@code Ack}. */
    public static long sizeBound(Message.AckEntry e) {
        return 16 + 3L * bytes(e.path()) + 24L * e.version().counters().size();
    }

    private static long bytes(String name) {
        return name == null ? 0 : io.syncnode.protocol.NameCodec.byteLength(name);
    }

    public static byte[] encode(long senderId, String senderName, Message message) {
        return encode(senderId, senderName, 0, message);
    }

    /** As {@link #encode(long, String, Message)}, stamped with the sender's clock ({@code sentAtMs}; 0: none). */
    public static byte[] encode(long senderId, String senderName, long sentAtMs, Message message) {
        return WireEncoder.encode(senderId, senderName, sentAtMs, message);
    }

    /** Decodes and validates one envelope; anything unacceptable is a {@link WireException}. */
    public static Envelope decode(byte[] bytes) throws WireException {
        return WireDecoder.decode(bytes);
    }
}
