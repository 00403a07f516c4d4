package io.syncnode.node.wire;

import static io.syncnode.node.wire.WireCodec.PROTOCOL_VERSION;

import com.google.protobuf.ByteString;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.delta.SegmentSums;
import io.syncnode.protocol.delta.Signature;
import io.syncnode.wire.proto.FileInfo;
import io.syncnode.wire.proto.Version;
import io.syncnode.wire.proto.VersionCounter;

/**
 * The outbound half of {@link WireCodec}: builds the protobuf {@code Envelope} of a
 * {@link Message}, one branch per message type. Outbound messages are the node's own and are
 * not validated again; names and paths go on the wire as their {@link NameCodec} bytes.
 */
final class WireEncoder {
    private WireEncoder() {
    }

    /** See {@link WireCodec#encode(long, String, long, Message)}. */
    static byte[] encode(long senderId, String senderName, long sentAtMs, Message message) {
        io.syncnode.wire.proto.Envelope.Builder b = io.syncnode.wire.proto.Envelope.newBuilder()
                .setProtocolVersion(PROTOCOL_VERSION).setSenderId(senderId).setSenderName(senderName)
                .setSentAtMs(sentAtMs);
        if (message instanceof Message.Digest) {
            b.setSenderSoftware(Software.DESCRIPTION);
        }
        message.match(new Message.Cases<Void>() {
            @Override
            public Void indexUpdate(Message.IndexUpdate u) {
                io.syncnode.wire.proto.IndexUpdate.Builder ub = io.syncnode.wire.proto.IndexUpdate.newBuilder()
                        .setFolder(u.folder()).setFull(u.full()).setLast(u.last()).setVerdict(u.verdict());
                for (Message.Announced a : u.files()) {
                    ub.addFiles(toWire(a));
                }
                b.setIndexUpdate(ub);
                return null;
            }

            @Override
            public Void ack(Message.Ack a) {
                io.syncnode.wire.proto.Ack.Builder ab = io.syncnode.wire.proto.Ack.newBuilder().setFolder(a.folder());
                for (Message.AckEntry e : a.entries()) {
                    ab.addEntries(io.syncnode.wire.proto.AckEntry.newBuilder()
                            .setPath(pathBytes(e.path())).setVersion(toWire(e.version())));
                }
                b.setAck(ab);
                return null;
            }

            @Override
            public Void digest(Message.Digest d) {
                io.syncnode.wire.proto.Digest.Builder db = io.syncnode.wire.proto.Digest.newBuilder();
                for (Message.FolderDigest f : d.folders()) {
                    db.addFolders(io.syncnode.wire.proto.FolderDigest.newBuilder().setFolder(f.folder())
                            .setDigest(ByteString.copyFrom(f.digest())).setRecords(f.records()));
                }
                b.setDigest(db);
                return null;
            }

            @Override
            public Void fetchRequest(Message.FetchRequest r) {
                io.syncnode.wire.proto.FetchRequest.Builder rb = io.syncnode.wire.proto.FetchRequest.newBuilder()
                        .setTransferId(r.transferId()).setFolder(r.folder()).setPath(pathBytes(r.path()))
                        .setVersion(toWire(r.version())).setHash(ByteString.copyFrom(r.hash().toBytes()))
                        .setCredit(r.credit());
                if (r.basis() != null) {
                    rb.setBasis(toWire(r.basis()));
                }
                if (r.segments() != null) {
                    SegmentSums g = r.segments();
                    rb.setSegments(io.syncnode.wire.proto.SegmentSums.newBuilder().setBlockSize(g.blockSize())
                            .setSegmentBlocks(g.segmentBlocks()).setFileSize(g.fileLength())
                            .setSums(ByteString.copyFrom(g.sums())));
                }
                b.setFetchRequest(rb);
                return null;
            }

            @Override
            public Void fetchData(Message.FetchData d) {
                io.syncnode.wire.proto.FetchData.Builder db = io.syncnode.wire.proto.FetchData.newBuilder()
                        .setTransferId(d.transferId()).setSeq(d.seq()).setLast(d.last());
                for (Message.DeltaOp op : d.ops()) {
                    db.addOps(toWire(op));
                }
                b.setFetchData(db);
                return null;
            }

            @Override
            public Void fetchCredit(Message.FetchCredit c) {
                b.setFetchCredit(io.syncnode.wire.proto.FetchCredit.newBuilder()
                        .setTransferId(c.transferId()).setChunks(c.chunks()));
                return null;
            }

            @Override
            public Void fetchAbort(Message.FetchAbort a) {
                b.setFetchAbort(io.syncnode.wire.proto.FetchAbort.newBuilder()
                        .setTransferId(a.transferId())
                        .setReason(io.syncnode.wire.proto.AbortReason.valueOf(a.reason().name()))
                        .setDetail(a.detail() == null ? "" : a.detail()));
                return null;
            }

            @Override
            public Void fetchNeed(Message.FetchNeed n) {
                b.setFetchNeed(io.syncnode.wire.proto.FetchNeed.newBuilder().setTransferId(n.transferId())
                        .setSegments(ByteString.copyFrom(n.segments().toByteArray())));
                return null;
            }

            @Override
            public Void fetchBasis(Message.FetchBasis f) {
                b.setFetchBasis(io.syncnode.wire.proto.FetchBasis.newBuilder().setTransferId(f.transferId())
                        .setBasis(toWire(f.basis())));
                return null;
            }

            @Override
            public Void indexQuery(Message.IndexQuery q) {
                io.syncnode.wire.proto.IndexQuery.Builder qb = io.syncnode.wire.proto.IndexQuery.newBuilder()
                        .setQueryId(q.queryId()).setFolder(q.folder()).setContent(q.content()).setPage(q.page());
                for (String p : q.paths()) {
                    qb.addPaths(pathBytes(p));
                }
                b.setIndexQuery(qb);
                return null;
            }

            @Override
            public Void indexAnswer(Message.IndexAnswer a) {
                io.syncnode.wire.proto.IndexAnswer.Builder ab = io.syncnode.wire.proto.IndexAnswer.newBuilder()
                        .setQueryId(a.queryId()).setFolder(a.folder()).setLast(a.last())
                        .setRefused(a.refused() == null ? "" : a.refused());
                for (Message.Announced f : a.files()) {
                    ab.addFiles(toWire(f));
                }
                b.setIndexAnswer(ab);
                return null;
            }
        });
        return b.build().toByteArray();
    }

    private static io.syncnode.wire.proto.DeltaOp toWire(Message.DeltaOp op) {
        return op.match(new Message.OpCases<io.syncnode.wire.proto.DeltaOp, RuntimeException>() {
            @Override
            public io.syncnode.wire.proto.DeltaOp literal(Message.Literal l) {
                return io.syncnode.wire.proto.DeltaOp.newBuilder().setLiteral(ByteString.copyFrom(l.data())).build();
            }

            @Override
            public io.syncnode.wire.proto.DeltaOp copyBlocks(Message.CopyBlocks c) {
                return io.syncnode.wire.proto.DeltaOp.newBuilder().setCopy(io.syncnode.wire.proto.CopyBlocks
                        .newBuilder().setFirstBlock(c.firstBlock()).setCount(c.count())).build();
            }
        });
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
}
