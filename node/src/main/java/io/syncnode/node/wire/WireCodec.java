package io.syncnode.node.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.Xattrs;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.delta.Signature;
import io.syncnode.wire.proto.FileInfo;
import io.syncnode.wire.proto.Version;
import io.syncnode.wire.proto.VersionCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Converts {@link Message}s to and from protobuf {@code Envelope} bytes, and validates every
 * inbound message (PROTOCOL.md, "Limits"). The only class that sees generated protobuf types.
 */
public final class WireCodec {
    public static final int PROTOCOL_VERSION = 1;
    /** Largest inline content of a small file in an announcement. */
    public static final int MAX_INLINE = 64 * 1024;
    /** Largest literal in one delta operation. */
    public static final int MAX_LITERAL = 1024 * 1024;
    public static final int MAX_FILES_PER_UPDATE = 10_000;
    public static final int MAX_OPS_PER_CHUNK = 8192;
    public static final int MAX_VERSION_COUNTERS = 1024;
    public static final int MAX_CREDIT = 256;
    /** Largest basis block, and most blocks in one basis signature (20 MiB of signature). */
    public static final int MAX_BLOCK_SIZE = 16 * 1024 * 1024;
    public static final int MAX_BLOCKS = 1 << 20;
    private static final Pattern FOLDER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private WireCodec() {
    }

    // ------------------------------------------------------------------ encode

    public static byte[] encode(long senderId, String senderName, Message message) {
        return encode(senderId, senderName, 0, message);
    }

    /** As {@link #encode(long, String, Message)}, stamped with the sender's clock ({@code sentAtMs}; 0: none). */
    public static byte[] encode(long senderId, String senderName, long sentAtMs, Message message) {
        io.syncnode.wire.proto.Envelope.Builder b = io.syncnode.wire.proto.Envelope.newBuilder()
                .setProtocolVersion(PROTOCOL_VERSION).setSenderId(senderId).setSenderName(senderName)
                .setSentAtMs(sentAtMs);
        if (message instanceof Message.IndexUpdate u) {
            io.syncnode.wire.proto.IndexUpdate.Builder ub = io.syncnode.wire.proto.IndexUpdate.newBuilder()
                    .setFolder(u.folder()).setFull(u.full()).setLast(u.last());
            for (Message.Announced a : u.files()) {
                ub.addFiles(toWire(a));
            }
            b.setIndexUpdate(ub);
        } else if (message instanceof Message.Ack a) {
            io.syncnode.wire.proto.Ack.Builder ab = io.syncnode.wire.proto.Ack.newBuilder().setFolder(a.folder());
            for (Message.AckEntry e : a.entries()) {
                ab.addEntries(io.syncnode.wire.proto.AckEntry.newBuilder()
                        .setPath(pathBytes(e.path())).setVersion(toWire(e.version())));
            }
            b.setAck(ab);
        } else if (message instanceof Message.Digest d) {
            io.syncnode.wire.proto.Digest.Builder db = io.syncnode.wire.proto.Digest.newBuilder();
            for (Message.FolderDigest f : d.folders()) {
                db.addFolders(io.syncnode.wire.proto.FolderDigest.newBuilder().setFolder(f.folder())
                        .setDigest(ByteString.copyFrom(f.digest())).setRecords(f.records()));
            }
            b.setDigest(db);
        } else if (message instanceof Message.FetchRequest r) {
            io.syncnode.wire.proto.FetchRequest.Builder rb = io.syncnode.wire.proto.FetchRequest.newBuilder()
                    .setTransferId(r.transferId()).setFolder(r.folder()).setPath(pathBytes(r.path()))
                    .setVersion(toWire(r.version())).setHash(ByteString.copyFrom(r.hash().toBytes()))
                    .setCredit(r.credit());
            if (r.basis() != null) {
                rb.setBasis(toWire(r.basis()));
            }
            b.setFetchRequest(rb);
        } else if (message instanceof Message.FetchData d) {
            io.syncnode.wire.proto.FetchData.Builder db = io.syncnode.wire.proto.FetchData.newBuilder()
                    .setTransferId(d.transferId()).setSeq(d.seq()).setLast(d.last());
            for (Message.DeltaOp op : d.ops()) {
                io.syncnode.wire.proto.DeltaOp.Builder ob = io.syncnode.wire.proto.DeltaOp.newBuilder();
                if (op instanceof Message.Literal l) {
                    ob.setLiteral(ByteString.copyFrom(l.data()));
                } else if (op instanceof Message.CopyBlocks c) {
                    ob.setCopy(io.syncnode.wire.proto.CopyBlocks.newBuilder()
                            .setFirstBlock(c.firstBlock()).setCount(c.count()));
                }
                db.addOps(ob);
            }
            b.setFetchData(db);
        } else if (message instanceof Message.FetchCredit c) {
            b.setFetchCredit(io.syncnode.wire.proto.FetchCredit.newBuilder()
                    .setTransferId(c.transferId()).setChunks(c.chunks()));
        } else if (message instanceof Message.FetchAbort a) {
            b.setFetchAbort(io.syncnode.wire.proto.FetchAbort.newBuilder()
                    .setTransferId(a.transferId())
                    .setReason(io.syncnode.wire.proto.AbortReason.valueOf(a.reason().name()))
                    .setDetail(a.detail() == null ? "" : a.detail()));
        } else {
            throw new IllegalArgumentException("unknown message " + message.getClass());
        }
        return b.build().toByteArray();
    }

    private static FileInfo toWire(Message.Announced a) {
        FileRecord r = a.record();
        FileInfo.Builder f = FileInfo.newBuilder().setPath(pathBytes(r.path()))
                .setType(io.syncnode.wire.proto.FileType.valueOf(r.type().name()))
                .setMode(r.mode()).setUid(r.uid()).setGid(r.gid()).setMtimeNs(r.mtimeNs()).setSize(r.size())
                .setRdev(r.rdev()).setVersion(toWire(r.version())).setDeleted(r.deleted())
                .setModifiedBy(r.modifiedBy());
        if (r.hash() != null) {
            f.setHash(ByteString.copyFrom(r.hash().toBytes()));
        }
        if (r.symlinkTarget() != null) {
            f.setSymlinkTarget(pathBytes(r.symlinkTarget()));
        }
        if (a.inlineContent() != null) {
            f.setInlineContent(ByteString.copyFrom(a.inlineContent())).setHasInlineContent(true);
        }
        for (java.util.Map.Entry<String, byte[]> x : r.xattrs()) {
            f.addXattrs(io.syncnode.wire.proto.Xattr.newBuilder().setName(pathBytes(x.getKey()))
                    .setValue(ByteString.copyFrom(x.getValue())));
        }
        if (r.hardLink() != null) {
            f.setHardLink(pathBytes(r.hardLink()));
        }
        return f.build();
    }

    private static io.syncnode.wire.proto.BlockSignature toWire(Signature sig) {
        io.syncnode.wire.proto.BlockSignature.Builder b = io.syncnode.wire.proto.BlockSignature.newBuilder()
                .setBlockSize(sig.blockSize()).setFileSize(sig.fileLength()).setStrongLength(Signature.STRONG_LENGTH);
        for (int w : sig.weakSums()) {
            b.addWeak(w);
        }
        ByteString.Output strong = ByteString.newOutput(sig.blockCount() * Signature.STRONG_LENGTH);
        for (byte[] s : sig.strongSums()) {
            strong.write(s, 0, s.length);
        }
        return b.setStrong(strong.toByteString()).build();
    }

    private static Version toWire(VersionVector v) {
        Version.Builder b = Version.newBuilder();
        v.counters().forEach((node, value) -> b.addCounters(VersionCounter.newBuilder().setNodeId(node).setValue(value)));
        return b.build();
    }

    private static ByteString pathBytes(String s) {
        return ByteString.copyFrom(NameCodec.encode(s));
    }

    // ------------------------------------------------------------------ decode

    /** Decodes and validates one envelope; anything unacceptable is a {@link WireException}. */
    public static Envelope decode(byte[] bytes) throws WireException {
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
                yield new Message.FetchAbort(a.getTransferId(), reason, detail);
            }
            case BODY_NOT_SET -> throw new WireException("envelope.body: empty (unknown message type?)");
        };
        if (e.getSentAtMs() < 0) {
            throw new WireException("envelope.sent_at_ms: must not be negative, got " + e.getSentAtMs());
        }
        return new Envelope(e.getSenderId(), e.getSenderName(), e.getSentAtMs(), m);
    }

    private static Message.IndexUpdate fromWire(io.syncnode.wire.proto.IndexUpdate u) throws WireException {
        String folder = folder(u.getFolder(), "index_update.folder");
        if (u.getFilesCount() > MAX_FILES_PER_UPDATE) {
            throw new WireException("index_update.files: " + u.getFilesCount() + " records, at most "
                    + MAX_FILES_PER_UPDATE);
        }
        List<Message.Announced> files = new ArrayList<>(u.getFilesCount());
        for (FileInfo f : u.getFilesList()) {
            files.add(fromWire(f));
        }
        return new Message.IndexUpdate(folder, files, u.getFull(), u.getLast());
    }

    private static Message.Announced fromWire(FileInfo f) throws WireException {
        String path = path(f.getPath(), "file.path");
        String where = "file \"" + path + "\"";
        FileType type = switch (f.getType()) {
            case REGULAR -> FileType.REGULAR;
            case DIRECTORY -> FileType.DIRECTORY;
            case SYMLINK -> FileType.SYMLINK;
            case CHAR_DEVICE -> FileType.CHAR_DEVICE;
            case BLOCK_DEVICE -> FileType.BLOCK_DEVICE;
            case FIFO -> FileType.FIFO;
            default -> throw new WireException(where + ": type: unknown file type " + f.getTypeValue());
        };
        if ((f.getMode() & ~07777) != 0) {
            throw new WireException(where + ": mode: " + Integer.toOctalString(f.getMode()) + " has bits outside 07777");
        }
        if (f.getSize() < 0) {
            throw new WireException(where + ": size: negative");
        }
        VersionVector version = version(f.getVersion(), where + ": version");
        if (version.isEmpty()) {
            throw new WireException(where + ": version: empty");
        }
        ContentHash hash = null;
        if (!f.getHash().isEmpty()) {
            hash = hash(f.getHash(), where + ": hash");
        } else if (type == FileType.REGULAR && !f.getDeleted()) {
            throw new WireException(where + ": hash: missing for a regular file");
        }
        String target = null;
        if (type == FileType.SYMLINK && !f.getDeleted()) {
            if (f.getSymlinkTarget().isEmpty() || f.getSymlinkTarget().size() > RelativePath.MAX_LENGTH) {
                throw new WireException(where + ": symlink_target: empty or longer than " + RelativePath.MAX_LENGTH);
            }
            target = NameCodec.decode(f.getSymlinkTarget().toByteArray());
            if (target.indexOf('\0') >= 0) {
                throw new WireException(where + ": symlink_target: contains a NUL byte");
            }
        }
        byte[] inline = null;
        if (f.getHasInlineContent()) {
            if (type != FileType.REGULAR || f.getDeleted()) {
                throw new WireException(where + ": inline_content: only for regular files");
            }
            if (f.getInlineContent().size() > MAX_INLINE || f.getInlineContent().size() != f.getSize()) {
                throw new WireException(where + ": inline_content: length " + f.getInlineContent().size()
                        + " does not match size " + f.getSize() + " or exceeds " + MAX_INLINE);
            }
            inline = f.getInlineContent().toByteArray();
        }
        Xattrs xattrs = Xattrs.EMPTY;
        if (f.getXattrsCount() > 0) {
            if (f.getDeleted()) {
                throw new WireException(where + ": xattrs: a tombstone has none");
            }
            if (f.getXattrsCount() > Xattrs.MAX_COUNT) {
                throw new WireException(where + ": xattrs: more than " + Xattrs.MAX_COUNT);
            }
            Map<String, byte[]> values = new TreeMap<>();
            for (io.syncnode.wire.proto.Xattr x : f.getXattrsList()) {
                String name = NameCodec.decode(x.getName().toByteArray());
                byte[] value = x.getValue().toByteArray();
                String problem = Xattrs.problem(name, value);
                if (problem != null) {
                    throw new WireException(where + ": xattrs: " + problem);
                }
                if (values.put(name, value) != null) {
                    throw new WireException(where + ": xattrs: " + NameCodec.display(name) + " listed twice");
                }
            }
            xattrs = Xattrs.of(values);
        }
        String hardLink = null;
        if (!f.getHardLink().isEmpty()) {
            hardLink = path(f.getHardLink(), where + ": hard_link");
            if (type != FileType.REGULAR || f.getDeleted() || hardLink.compareTo(path) >= 0) {
                throw new WireException(where + ": hard_link: only a live regular file links, to a smaller path");
            }
        }
        FileRecord r = new FileRecord(path, type, f.getMode(), f.getUid(), f.getGid(), f.getMtimeNs(), f.getSize(),
                hash, target, f.getRdev(), version, f.getDeleted(), f.getModifiedBy(), xattrs, hardLink);
        if (r.deleted() && path.equals(RelativePath.ROOT)) {
            throw new WireException(where + ": the folder root is never deleted");
        }
        if (path.equals(RelativePath.ROOT) && type != FileType.DIRECTORY) {
            throw new WireException(where + ": the folder root is a directory");
        }
        return new Message.Announced(r, inline);
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
        for (io.syncnode.wire.proto.FolderDigest f : d.getFoldersList()) {
            if (f.getDigest().size() != 32) {
                throw new WireException("digest.digest: must be 32 bytes, got " + f.getDigest().size());
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
        Signature basis = r.hasBasis() ? signature(r.getBasis()) : null;
        return new Message.FetchRequest(r.getTransferId(), folder, path,
                version(r.getVersion(), "fetch_request.version"), hash(r.getHash(), "fetch_request.hash"),
                basis, r.getCredit());
    }

    private static Signature signature(io.syncnode.wire.proto.BlockSignature s) throws WireException {
        if (s.getBlockSize() == 0 || s.getBlockSize() > MAX_BLOCK_SIZE) {
            throw new WireException("fetch_request.basis.block_size: " + Integer.toUnsignedString(s.getBlockSize())
                    + " outside 1.." + MAX_BLOCK_SIZE);
        }
        if (s.getStrongLength() != Signature.STRONG_LENGTH) {
            throw new WireException("fetch_request.basis.strong_length: " + s.getStrongLength() + ", this node uses "
                    + Signature.STRONG_LENGTH);
        }
        if (s.getFileSize() < 0 || s.getWeakCount() > MAX_BLOCKS) {
            throw new WireException("fetch_request.basis: more than " + MAX_BLOCKS + " blocks");
        }
        long blocks = (s.getFileSize() + s.getBlockSize() - 1) / s.getBlockSize();
        if (blocks != s.getWeakCount() || s.getStrong().size() != blocks * Signature.STRONG_LENGTH) {
            throw new WireException("fetch_request.basis: " + s.getWeakCount() + " weak and " + s.getStrong().size()
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
            throw new WireException("fetch_request.basis: " + e.getMessage(), e);
        }
    }

    private static Message.FetchData fromWire(io.syncnode.wire.proto.FetchData d) throws WireException {
        if (d.getOpsCount() > MAX_OPS_PER_CHUNK) {
            throw new WireException("fetch_data.ops: more than " + MAX_OPS_PER_CHUNK);
        }
        List<Message.DeltaOp> ops = new ArrayList<>(d.getOpsCount());
        for (io.syncnode.wire.proto.DeltaOp op : d.getOpsList()) {
            switch (op.getOpCase()) {
                case LITERAL -> {
                    if (op.getLiteral().size() > MAX_LITERAL) {
                        throw new WireException("fetch_data.literal: " + op.getLiteral().size() + " bytes, at most "
                                + MAX_LITERAL);
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

    // ------------------------------------------------------------------ field checks

    private static String folder(String name, String field) throws WireException {
        if (!FOLDER_NAME.matcher(name).matches()) {
            throw new WireException(field + ": invalid folder name \"" + name + "\"");
        }
        return name;
    }

    private static String path(ByteString bytes, String field) throws WireException {
        if (bytes.size() > RelativePath.MAX_LENGTH) {
            throw new WireException(field + ": longer than " + RelativePath.MAX_LENGTH + " bytes");
        }
        String p = NameCodec.decode(bytes.toByteArray());
        String problem = RelativePath.problem(p);
        if (problem != null) {
            throw new WireException(field + ": rejected path \"" + NameCodec.display(p) + "\": " + problem);
        }
        return p;
    }

    private static ContentHash hash(ByteString bytes, String field) throws WireException {
        if (bytes.size() != ContentHash.LENGTH) {
            throw new WireException(field + ": must be " + ContentHash.LENGTH + " bytes, got " + bytes.size());
        }
        return ContentHash.of(bytes.toByteArray());
    }

    private static VersionVector version(Version v, String field) throws WireException {
        if (v.getCountersCount() > MAX_VERSION_COUNTERS) {
            throw new WireException(field + ": more than " + MAX_VERSION_COUNTERS + " counters");
        }
        Map<Long, Long> counters = new TreeMap<>();
        for (VersionCounter c : v.getCountersList()) {
            if (c.getValue() < 0) {
                throw new WireException(field + ": counter above 2^63");
            }
            if (counters.put(c.getNodeId(), c.getValue()) != null) {
                throw new WireException(field + ": node " + Long.toHexString(c.getNodeId()) + " listed twice");
            }
        }
        return VersionVector.of(counters);
    }
}
