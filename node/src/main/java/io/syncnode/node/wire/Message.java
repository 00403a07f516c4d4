package io.syncnode.node.wire;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.delta.SegmentSums;
import io.syncnode.protocol.delta.Signature;
import java.util.List;

/** A decoded, validated syncnode message: one per envelope. See PROTOCOL.md for each. */
public sealed interface Message {

    /**
     * Calls the method of {@code cases} for this message's kind. Java 17 has no pattern switch, so
     * this is the exhaustive switch over messages: a new kind adds a method to {@link Cases} and no
     * handler compiles until it handles it.
     */
    <R> R match(Cases<R> cases);

    /** One method per kind of message; see {@link #match}. */
    interface Cases<R> {
        R indexUpdate(IndexUpdate m);

        R ack(Ack m);

        R digest(Digest m);

        R fetchRequest(FetchRequest m);

        R fetchData(FetchData m);

        R fetchCredit(FetchCredit m);

        R fetchAbort(FetchAbort m);

        R indexQuery(IndexQuery m);

        R indexAnswer(IndexAnswer m);

        R fetchNeed(FetchNeed m);

        R fetchBasis(FetchBasis m);
    }

    /** A record as announced, with the whole content of a small regular file when it fits. */
    record Announced(FileRecord record, byte[] inlineContent) {
        public boolean hasInline() {
            return inlineContent != null;
        }
    }

    /**
     * Batched index records of one folder; {@code full}: part of an anti-entropy exchange,
     * {@code last}: its final batch; {@code verdict}: the sender's versions of the paths of a
     * folder-scope verdict it decided and won against the receiver (never {@code full}).
     */
    record IndexUpdate(String folder, List<Announced> files, boolean full, boolean last, boolean verdict)
            implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.indexUpdate(this);
        }

        public IndexUpdate {
            files = List.copyOf(files);
        }

        public IndexUpdate(String folder, List<Announced> files, boolean full, boolean last) {
            this(folder, files, full, last, false);
        }

        public IndexUpdate(String folder, List<Announced> files, boolean full) {
            this(folder, files, full, false);
        }
    }

    /** "I now hold these versions": clears the receiver's dirty entries toward the sender. */
    record Ack(String folder, List<AckEntry> entries) implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.ack(this);
        }

        public Ack {
            entries = List.copyOf(entries);
        }
    }

    record AckEntry(String path, VersionVector version) {
    }

    /** Per-folder digests of the sender's index. */
    record Digest(List<FolderDigest> folders) implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.digest(this);
        }

        public Digest {
            folders = List.copyOf(folders);
        }
    }

    record FolderDigest(String folder, byte[] digest, long records) {
    }

    /**
     * Ask for the content of {@code path} with content hash {@code hash}, as a delta against the
     * receiver's {@code basis}, or, with {@code segments}, a segmented delta against the basis
     * those sums outline (both null: whole file; never both).
     */
    record FetchRequest(long transferId, String folder, String path, VersionVector version, ContentHash hash,
                        Signature basis, int credit, SegmentSums segments) implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.fetchRequest(this);
        }

        public FetchRequest {
            if (basis != null && segments != null) {
                throw new IllegalArgumentException("a basis signature or segment sums, not both");
            }
        }

        /** A request with a basis signature (null: whole file). */
        public FetchRequest(long transferId, String folder, String path, VersionVector version, ContentHash hash,
                            Signature basis, int credit) {
            this(transferId, folder, path, version, hash, basis, credit, null);
        }
    }

    /**
     * The source of a segmented delta asks for the block signatures of the basis segments in
     * {@code segments} (a set bit per segment).
     */
    record FetchNeed(long transferId, java.util.BitSet segments) implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.fetchNeed(this);
        }

        public FetchNeed {
            segments = (java.util.BitSet) segments.clone();
        }

        @Override
        public java.util.BitSet segments() {
            return (java.util.BitSet) segments.clone();
        }
    }

    /** The receiver's answer to {@link FetchNeed}: the signature of the named segments, one after the other. */
    record FetchBasis(long transferId, Signature basis) implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.fetchBasis(this);
        }
    }

    /** One delta operation: literal bytes, or a run of the receiver's basis blocks. */
    sealed interface DeltaOp {
        /** The exhaustive switch over the two operations (see {@link Message#match}). */
        <R, X extends Exception> R match(OpCases<R, X> cases) throws X;
    }

    /** One method per kind of delta operation, which may throw {@code X}; see {@link DeltaOp#match}. */
    interface OpCases<R, X extends Exception> {
        R literal(Literal op) throws X;

        R copyBlocks(CopyBlocks op) throws X;
    }

    record Literal(byte[] data) implements DeltaOp {
        @Override
        public <R, X extends Exception> R match(OpCases<R, X> cases) throws X {
            return cases.literal(this);
        }
    }

    record CopyBlocks(long firstBlock, int count) implements DeltaOp {
        @Override
        public <R, X extends Exception> R match(OpCases<R, X> cases) throws X {
            return cases.copyBlocks(this);
        }
    }

    /** One chunk of a transfer; {@code last} ends it. */
    record FetchData(long transferId, int seq, List<DeltaOp> ops, boolean last) implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.fetchData(this);
        }

        public FetchData {
            ops = List.copyOf(ops);
        }
    }

    /** The receiver consumed {@code chunks} chunks: the source may send that many more. */
    record FetchCredit(long transferId, int chunks) implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.fetchCredit(this);
        }

    }

    /** Either side ends a transfer early. */
    record FetchAbort(long transferId, AbortReason reason, String detail) implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.fetchAbort(this);
        }

    }

    enum AbortReason {
        VERSION_GONE, SOURCE_CHANGED, IO_ERROR, CANCELLED, BAD_REQUEST
    }

    /**
     * Asks one member for its records of {@code folder} ({@code syncnode diff}): all of them, or
     * those of {@code paths} and below; with {@code content}, the one path's record with its
     * content inline when it is a small regular file. Page 0 asks the member to read its index;
     * page n asks for the n-th page of the records it read for the same query.
     */
    record IndexQuery(long queryId, String folder, List<String> paths, boolean content, int page)
            implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.indexQuery(this);
        }

        public IndexQuery {
            paths = List.copyOf(paths);
        }
    }

    /**
     * One page of the records answering the query {@code queryId}; {@code last} ends the answer;
     * {@code refused} (null when not) says why the member will not answer (then no records).
     */
    record IndexAnswer(long queryId, String folder, List<Announced> files, boolean last, String refused)
            implements Message {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.indexAnswer(this);
        }

        public IndexAnswer {
            files = List.copyOf(files);
        }
    }
}
