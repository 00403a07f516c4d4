package io.syncnode.node.wire;

import static io.syncnode.node.wire.WireCodec.MAX_BLOCKS;
import static io.syncnode.node.wire.WireCodec.MAX_BLOCK_SIZE;
import static io.syncnode.node.wire.WireCodec.MAX_CREDIT;
import static io.syncnode.node.wire.WireCodec.MAX_FILES_PER_UPDATE;
import static io.syncnode.node.wire.WireCodec.MAX_LITERAL;
import static io.syncnode.node.wire.WireCodec.MAX_OPS_PER_CHUNK;
import static io.syncnode.node.wire.WireCodec.PROTOCOL_VERSION;
import static io.syncnode.node.wire.WireFields.folder;
import static io.syncnode.node.wire.WireFields.hash;
import static io.syncnode.node.wire.WireFields.path;
import static io.syncnode.node.wire.WireFields.version;

import com.google.protobuf.InvalidProtocolBufferException;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.delta.SegmentSums;
import io.syncnode.protocol.delta.Signature;
import io.syncnode.wire.proto.FileInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The inbound half of {@link WireCodec}: parses an {@code Envelope}, checks its header (protocol
 * version, sender id and name, clock stamp) and turns its body into a {@link Message}, checking
 * every count and size against the limits of PROTOCOL.md before anything is copied. Announced
 * records are checked by {@link FileInfoDecoder}, shared fields by {@link WireFields}.
 */
final class WireDecoder {
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private WireDecoder() {
    }

    /** See {@link WireCodec#decode}. */
    static Envelope decode(byte[] bytes) throws WireException {
        if (bytes.length > WireCodec.MAX_ENVELOPE) {
            throw new WireException("envelope: " + bytes.length + " bytes, more than " + WireCodec.MAX_ENVELOPE);
        }
        io.syncnode.wire.proto.Envelope e;
        try {
            e = io.syncnode.wire.proto.Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException ex) {
            throw new WireException("not a syncnode envelope: " + ex.getMessage(), ex);
        }
        if (e.getProtocolVersion() != PROTOCOL_VERSION) {
            throw new WireException("envelope.protocol_version: unsupported version " + e.getProtocolVersion()
                    + " (this node speaks " + PROTOCOL_VERSION + ")");
        }
        if (e.getSenderId() == 0) {
            throw new WireException("envelope.sender_id: must not be 0");
        }
        if (!NODE_NAME.matcher(e.getSenderName()).matches()) {
            throw new WireException("envelope.sender_name: invalid node name \"" + e.getSenderName() + "\"");
        }
        Message m = switch (e.getBodyCase()) {
            case INDEX_UPDATE -> fromWire(e.getIndexUpdate());
            case ACK -> fromWire(e.getAck());
            case DIGEST -> fromWire(e.getDigest());
            case FETCH_REQUEST -> fromWire(e.getFetchRequest());
            case FETCH_DATA -> fromWire(e.getFetchData());
            case INDEX_QUERY -> IndexQueryDecoder.decode(e.getIndexQuery());
            case INDEX_ANSWER -> IndexQueryDecoder.decode(e.getIndexAnswer());
            case FETCH_NEED -> fromWire(e.getFetchNeed());
            case FETCH_BASIS -> new Message.FetchBasis(e.getFetchBasis().getTransferId(),
                    signature(e.getFetchBasis().getBasis(), "fetch_basis.basis"));
            case FETCH_CREDIT -> {
                int chunks = e.getFetchCredit().getChunks();
                if (Integer.compareUnsigned(chunks, 1) < 0 || Integer.compareUnsigned(chunks, MAX_CREDIT) > 0) {
                    throw new WireException("fetch_credit.chunks: " + Integer.toUnsignedString(chunks)
                            + " outside 1.." + MAX_CREDIT);
                }
                yield new Message.FetchCredit(e.getFetchCredit().getTransferId(), chunks);
            }
            case FETCH_ABORT -> {
                io.syncnode.wire.proto.FetchAbort a = e.getFetchAbort();
                Message.AbortReason reason = switch (a.getReason()) {
                    case VERSION_GONE -> Message.AbortReason.VERSION_GONE;
                    case SOURCE_CHANGED -> Message.AbortReason.SOURCE_CHANGED;
                    case IO_ERROR -> Message.AbortReason.IO_ERROR;
                    case CANCELLED -> Message.AbortReason.CANCELLED;
                    case BAD_REQUEST -> Message.AbortReason.BAD_REQUEST;
                    default -> Message.AbortReason.CANCELLED;
                };
                String detail = a.getDetail();
                if (detail.length() > 1000) {
                    int cut = Character.isHighSurrogate(detail.charAt(999)) ? 999 : 1000;
                    detail = detail.substring(0, cut);
                }
                // peer-supplied text that reaches logs and status: control characters shown as \xNN
                yield new Message.FetchAbort(a.getTransferId(), reason, NameCodec.display(detail));
            }
            case BODY_NOT_SET -> throw new WireException("envelope.body: empty (unknown message type?)");
        };
        if (e.getSentAtMs() < 0) {
            throw new WireException("envelope.sent_at_ms: must not be negative, got " + e.getSentAtMs());
        }
        if (e.getSenderSoftware().length() > Software.MAX_LENGTH) {
            throw new WireException("envelope.sender_software: longer than " + Software.MAX_LENGTH + " characters");
        }
        // peer-supplied text that reaches the peers table: control characters shown as \xNN
        return new Envelope(e.getSenderId(), e.getSenderName(), e.getSentAtMs(), NameCodec.display(e.getSenderSoftware()),
                m);
    }

    private static Message.IndexUpdate fromWire(io.syncnode.wire.proto.IndexUpdate u) throws WireException {
        String folder = folder(u.getFolder(), "index_update.folder");
        if (u.getFilesCount() > MAX_FILES_PER_UPDATE) {
            throw new WireException("index_update.files: " + u.getFilesCount() + " records, at most "
                    + MAX_FILES_PER_UPDATE);
        }
        List<Message.Announced> files = new ArrayList<>(u.getFilesCount());
        for (FileInfo f : u.getFilesList()) {
            files.add(FileInfoDecoder.decode(f));
        }
        if (u.getVerdict() && (u.getFull() || u.getLast())) {
            throw new WireException("index_update.verdict: not part of a full-index exchange");
        }
        return new Message.IndexUpdate(folder, files, u.getFull(), u.getLast(), u.getVerdict());
    }

    private static Message.Ack fromWire(io.syncnode.wire.proto.Ack a) throws WireException {
        String folder = folder(a.getFolder(), "ack.folder");
        if (a.getEntriesCount() > MAX_FILES_PER_UPDATE) {
            throw new WireException("ack.entries: more than " + MAX_FILES_PER_UPDATE);
        }
        List<Message.AckEntry> entries = new ArrayList<>(a.getEntriesCount());
        for (io.syncnode.wire.proto.AckEntry e : a.getEntriesList()) {
            String path = path(e.getPath(), "ack.path");
            entries.add(new Message.AckEntry(path, version(e.getVersion(), "ack \"" + path + "\": version")));
        }
        return new Message.Ack(folder, entries);
    }

    private static Message.Digest fromWire(io.syncnode.wire.proto.Digest d) throws WireException {
        List<Message.FolderDigest> folders = new ArrayList<>();
        java.util.Set<String> named = new java.util.HashSet<>();
        for (io.syncnode.wire.proto.FolderDigest f : d.getFoldersList()) {
            if (f.getDigest().size() != 32) {
                throw new WireException("digest.digest: must be 32 bytes, got " + f.getDigest().size());
            }
            if (!named.add(f.getFolder())) {
                // each entry costs the receiver a digest of the folder and perhaps its whole index
                throw new WireException("digest.folder: folder \"" + NameCodec.display(f.getFolder())
                        + "\" listed twice");
            }
            folders.add(new Message.FolderDigest(folder(f.getFolder(), "digest.folder"), f.getDigest().toByteArray(),
                    f.getRecords()));
        }
        return new Message.Digest(folders);
    }

    private static Message.FetchRequest fromWire(io.syncnode.wire.proto.FetchRequest r) throws WireException {
        String folder = folder(r.getFolder(), "fetch_request.folder");
        String path = path(r.getPath(), "fetch_request.path");
        if (Integer.compareUnsigned(r.getCredit(), 1) < 0 || Integer.compareUnsigned(r.getCredit(), MAX_CREDIT) > 0) {
            throw new WireException("fetch_request.credit: " + Integer.toUnsignedString(r.getCredit())
                    + " outside 1.." + MAX_CREDIT);
        }
        if (r.hasBasis() && r.hasSegments()) {
            throw new WireException("fetch_request: basis and segments both given; a request has one of them at most");
        }
        Signature basis = r.hasBasis() ? signature(r.getBasis(), "fetch_request.basis") : null;
        SegmentSums segments = null;
        if (r.hasSegments()) {
            io.syncnode.wire.proto.SegmentSums g = r.getSegments();
            try {
                segments = SegmentSums.of(g.getBlockSize(), g.getSegmentBlocks(), g.getFileSize(),
                        g.getSums().toByteArray());
            } catch (IllegalArgumentException e) {
                throw new WireException("fetch_request.segments: " + e.getMessage(), e);
            }
        }
        return new Message.FetchRequest(r.getTransferId(), folder, path,
                version(r.getVersion(), "fetch_request.version"), hash(r.getHash(), "fetch_request.hash"),
                basis, r.getCredit(), segments);
    }

    private static Message.FetchNeed fromWire(io.syncnode.wire.proto.FetchNeed n) throws WireException {
        if (n.getSegments().size() > SegmentSums.MAX_SEGMENTS / 8) {
            throw new WireException("fetch_need.segments: " + n.getSegments().size() + " bytes, more than "
                    + SegmentSums.MAX_SEGMENTS / 8 + " (" + SegmentSums.MAX_SEGMENTS + " segments)");
        }
        java.util.BitSet segments = java.util.BitSet.valueOf(n.getSegments().asReadOnlyByteBuffer());
        if (segments.isEmpty()) {
            throw new WireException("fetch_need.segments: names no segment");
        }
        return new Message.FetchNeed(n.getTransferId(), segments);
    }

    private static Signature signature(io.syncnode.wire.proto.BlockSignature s, String field) throws WireException {
        if (s.getBlockSize() == 0 || s.getBlockSize() > MAX_BLOCK_SIZE) {
            throw new WireException(field + ".block_size: " + Integer.toUnsignedString(s.getBlockSize())
                    + " outside 1.." + MAX_BLOCK_SIZE);
        }
        if (s.getStrongLength() != Signature.STRONG_LENGTH) {
            throw new WireException(field + ".strong_length: " + s.getStrongLength() + ", this node uses "
                    + Signature.STRONG_LENGTH);
        }
        if (s.getFileSize() < 0 || s.getWeakCount() > MAX_BLOCKS) {
            throw new WireException(field + ": more than " + MAX_BLOCKS + " blocks");
        }
        long blocks = (s.getFileSize() + s.getBlockSize() - 1) / s.getBlockSize();
        if (blocks != s.getWeakCount() || s.getStrong().size() != blocks * Signature.STRONG_LENGTH) {
            throw new WireException(field + ": " + s.getWeakCount() + " weak and " + s.getStrong().size()
                    + " strong bytes do not describe " + blocks + " blocks of " + s.getBlockSize() + " bytes");
        }
        int[] weak = new int[s.getWeakCount()];
        for (int i = 0; i < weak.length; i++) {
            weak[i] = s.getWeak(i);
        }
        byte[] strongBytes = s.getStrong().toByteArray();
        List<byte[]> strong = new ArrayList<>(weak.length);
        for (int i = 0; i < weak.length; i++) {
            strong.add(java.util.Arrays.copyOfRange(strongBytes, i * Signature.STRONG_LENGTH,
                    (i + 1) * Signature.STRONG_LENGTH));
        }
        try {
            return Signature.of(s.getBlockSize(), s.getFileSize(), weak, strong);
        } catch (IllegalArgumentException e) {
            throw new WireException(field + ": " + e.getMessage(), e);
        }
    }

    private static Message.FetchData fromWire(io.syncnode.wire.proto.FetchData d) throws WireException {
        if (d.getOpsCount() > MAX_OPS_PER_CHUNK) {
            throw new WireException("fetch_data.ops: more than " + MAX_OPS_PER_CHUNK);
        }
        List<Message.DeltaOp> ops = new ArrayList<>(d.getOpsCount());
        long literals = 0;
        for (io.syncnode.wire.proto.DeltaOp op : d.getOpsList()) {
            switch (op.getOpCase()) {
                case LITERAL -> {
                    if (op.getLiteral().size() > MAX_LITERAL) {
                        throw new WireException("fetch_data.literal: " + op.getLiteral().size() + " bytes, at most "
                                + MAX_LITERAL);
                    }
                    literals += op.getLiteral().size();
                    if (literals > WireCodec.MAX_CHUNK_LITERALS) {
                        throw new WireException("fetch_data.ops: more than " + WireCodec.MAX_CHUNK_LITERALS
                                + " literal bytes in one chunk");
                    }
                    ops.add(new Message.Literal(op.getLiteral().toByteArray()));
                }
                case COPY -> {
                    if (op.getCopy().getCount() <= 0 || op.getCopy().getFirstBlock() < 0) {
                        throw new WireException("fetch_data.copy: empty or negative block run");
                    }
                    ops.add(new Message.CopyBlocks(op.getCopy().getFirstBlock(), op.getCopy().getCount()));
                }
                default -> throw new WireException("fetch_data.ops: empty operation");
            }
        }
        return new Message.FetchData(d.getTransferId(), d.getSeq(), ops, d.getLast());
    }
}
