package io.syncnode.node.fetch;

import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.os.ConfinedReads;
import io.syncnode.node.os.PathBytes;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.delta.BlockSize;
import io.syncnode.protocol.delta.DeltaEncoder;
import io.syncnode.protocol.delta.DeltaSink;
import io.syncnode.protocol.delta.DeltaSummary;
import io.syncnode.protocol.delta.SegmentMatch;
import io.syncnode.protocol.delta.Signature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves fetch requests: streams a local file's content to the requesting member in chunks of
 * {@link #CHUNK} bytes, at most as many ahead as the receiver granted.
 *
 * <p>The file served must be the one the index records for the requested content hash, with the
 * stat signature recorded for it, before and after reading (both, and the read, reach it beneath the
 * folder root without following a symlink: {@link ConfinedReads}); otherwise the transfer is aborted
 * ({@code VERSION_GONE} or {@code SOURCE_CHANGED}) and the path is handed to
 * {@code onSourceChanged} for a rescan, which re-announces it.
 */
public final class TransferSource {
    private static final Logger LOG = Logger.getLogger(TransferSource.class.getName());
    public static final int CHUNK = 256 * 1024;
    static final int OPS_PER_CHUNK = 4096;
    /** The basis of a whole-file transfer: nothing to copy from, every byte is a literal. */
    private static final Signature NO_BASIS = Signature.of(BlockSize.MIN, 0, new int[0], List.of());
    private static final long CREDIT_TIMEOUT_SECONDS = 30;

    /** Where the content of (folder, path, hash) lives, and the signature it must still have. */
    public interface Lookup {
        Optional<Served> find(String folder, String path, ContentHash hash);
    }

    /** {@code file}: the content, below the folder root {@code root}, read only as reached beneath it. */
    public record Served(Path root, Path file, StatSignature stat) {
        /**
         * Where folder {@code folder} (at {@code root}) holds the content with {@code hash} that
         * was at {@code path}, if the index still says so: that path, else any live file with the
         * hash.
         */
        public static Optional<Served> inIndex(SqliteIndexStore store, String folder, Path root, String path,
                                               ContentHash hash) {
            Optional<StoredFile> f = store.get(folder, path)
                    .filter(s -> !s.record().deleted() && s.stat() != null && hash.equals(s.record().hash()));
            if (f.isEmpty()) {
                f = store.findLiveByHash(folder, hash);
            }
            return f.map(s -> new Served(root, PathBytes.under(root, s.record().path()), s.stat()));
        }
    }

    private record Key(String member, long transferId) {
    }

    private final Outbox outbox;
    private final ExecutorService pool;
    private final Lookup lookup;
    private final BiConsumer<String, String> onSourceChanged;
    private final AtomicLong bytesServed;
    private final Map<Key, Semaphore> credits = new ConcurrentHashMap<>();
    /** Segmented deltas waiting for the receiver's FetchBasis. */
    private final Map<Key, CompletableFuture<Signature>> basisAnswers = new ConcurrentHashMap<>();
    /** Requests of one member for one folder, queued or being served (keys: member and folder). */
    private final Map<String, AtomicInteger> perMember = new ConcurrentHashMap<>();
    /**
     * The most requests one member may have queued or served at once for one folder: a node fetches
     * at most 34 files of a folder at a time (its two lanes), so more is a flood, refused with
     * {@code BAD_REQUEST} (the requester retries with backoff). Bounds the serving pool's queue.
     */
    static final int MAX_REQUESTS_PER_MEMBER = 64;

    /** {@code [cluster] max-send}, or null (no cap). */
    private volatile RateLimit sendLimit;

    public TransferSource(Outbox outbox, ExecutorService pool, Lookup lookup,
                          BiConsumer<String, String> onSourceChanged, AtomicLong bytesServed) {
        this.outbox = outbox;
        this.pool = pool;
        this.lookup = lookup;
        this.onSourceChanged = onSourceChanged;
        this.bytesServed = bytesServed;
    }

    /** Caps the content served from now on ({@code [cluster] max-send}); null: no cap. */
    public void limitSends(RateLimit limit) {
        sendLimit = limit;
    }

    public void onRequest(String from, Message.FetchRequest r) {
        AtomicInteger running = perMember.computeIfAbsent(from + "\u0000" + r.folder(), k -> new AtomicInteger());
        if (running.incrementAndGet() > MAX_REQUESTS_PER_MEMBER) {
            running.decrementAndGet();
            outbox.send(from, new Message.FetchAbort(r.transferId(), Message.AbortReason.BAD_REQUEST,
                    "more than " + MAX_REQUESTS_PER_MEMBER + " requests for this folder at once"));
            return;
        }
        Key key = new Key(from, r.transferId());
        Semaphore credit = new Semaphore(r.credit());
        if (credits.putIfAbsent(key, credit) != null) {
            running.decrementAndGet();
            outbox.send(from, new Message.FetchAbort(r.transferId(), Message.AbortReason.BAD_REQUEST,
                    "transfer id already in use"));
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    serve(from, r, credit);
                } finally {
                    credits.remove(key);
                    running.decrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            credits.remove(key); // the node is stopping: nothing is served any more
            running.decrementAndGet();
        }
    }

    public void onCredit(String from, Message.FetchCredit c) {
        Semaphore s = credits.get(new Key(from, c.transferId()));
        if (s != null) {
            s.release(c.chunks());
        }
    }

    /** The receiver's block signatures for the basis segments a segmented delta asked for. */
    public void onBasis(String from, Message.FetchBasis b) {
        CompletableFuture<Signature> answer = basisAnswers.get(new Key(from, b.transferId()));
        if (answer != null) {
            answer.complete(b.basis());
        }
    }

    /** The receiver gave up: the serving loop stops at its next chunk. */
    public void onAbort(String from, Message.FetchAbort a) {
        CompletableFuture<Signature> answer = basisAnswers.remove(new Key(from, a.transferId()));
        if (answer != null) {
            answer.cancel(false);
        }
        Semaphore s = credits.remove(new Key(from, a.transferId()));
        if (s != null) {
            s.release(Integer.MAX_VALUE / 2);
        }
    }

    /** A member left the view: stop serving it. */
    public void memberLeft(String member) {
        basisAnswers.forEach((k, answer) -> {
            if (k.member().equals(member)) {
                basisAnswers.remove(k);
                answer.cancel(false);
            }
        });
        credits.forEach((k, s) -> {
            if (k.member().equals(member)) {
                credits.remove(k);
                s.release(Integer.MAX_VALUE / 2);
            }
        });
    }

    private void serve(String to, Message.FetchRequest r, Semaphore credit) {
        Key key = new Key(to, r.transferId());
        Optional<Served> served = lookup.find(r.folder(), r.path(), r.hash());
        if (served.isEmpty()) {
            abort(to, r, Message.AbortReason.VERSION_GONE, "no longer held here");
            return;
        }
        Path root = served.get().root();
        Path file = served.get().file();
        StatSignature expected = served.get().stat();
        try {
            if (!stillSame(root, file, expected)) {
                abort(to, r, Message.AbortReason.SOURCE_CHANGED, "changed since it was indexed");
                onSourceChanged.accept(r.folder(), r.path());
                return;
            }
            ChunkSink sink = new ChunkSink(to, r.transferId(), credit, key);
            DeltaSummary summary;
            if (r.segments() != null) {
                summary = serveSegmented(to, r, root, file, expected, sink);
                if (summary == null) {
                    return;
                }
            } else {
                Signature basis = r.basis() != null ? r.basis() : NO_BASIS;
                try (InputStream in = Channels.newInputStream(ConfinedReads.openRegular(root, file))) {
                    summary = new DeltaEncoder(basis).encode(in, sink);
                }
            }
            if (sink.cancelled) {
                return;
            }
            if (summary.targetLength() != expected.size()
                    || (summary.targetHash() != null && !summary.targetHash().equals(r.hash()))
                    || !stillSame(root, file, expected)) {
                abort(to, r, Message.AbortReason.SOURCE_CHANGED, "changed while it was read");
                onSourceChanged.accept(r.folder(), r.path());
                return;
            }
            sink.finish();
        } catch (CancelledTransfer e) {
            LOG.fine(() -> "transfer of " + r.folder() + "/" + r.path() + " to " + to + " cancelled");
        } catch (IOException e) {
            LOG.log(Level.FINE, "serving " + r.folder() + "/" + r.path() + " to " + to + " failed", e);
            abort(to, r, Message.AbortReason.IO_ERROR, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(to, r, Message.AbortReason.CANCELLED, "source shutting down");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "serving " + r.folder() + "/" + r.path() + " to " + to
                    + " failed; the receiver retries later", e);
            abort(to, r, Message.AbortReason.IO_ERROR, String.valueOf(e.getMessage()));
        }
    }

    /**
     * A segmented delta (PROTOCOL.md 5.6): the file compared with the receiver's segment sums, the
     * block signatures of the segments around the differences asked for ({@code FetchNeed}, at most
     * {@value #CREDIT_TIMEOUT_SECONDS} s for the {@code FetchBasis}), then the unmatched runs encoded
     * against them. Null when the transfer ended here (aborted, the abort sent).
     */
    private DeltaSummary serveSegmented(String to, Message.FetchRequest r, Path root, Path file,
                                        StatSignature expected, ChunkSink sink) throws IOException {
        SegmentMatch match;
        try (InputStream in = Channels.newInputStream(ConfinedReads.openRegular(root, file))) {
            match = SegmentMatch.compare(r.segments(), in);
        }
        // not hashed: the file is the one indexed with this content hash while its stat signature
        // holds (checked again after the encoding), and the receiver checks the SHA-256 of what it rebuilt
        if (match.targetLength() != expected.size() || !stillSame(root, file, expected)) {
            abort(to, r, Message.AbortReason.SOURCE_CHANGED, "changed while it was read");
            onSourceChanged.accept(r.folder(), r.path());
            return null;
        }
        BitSet needed = match.needed();
        Signature signed = Signature.of(r.segments().blockSize(), 0, new int[0], List.of());
        if (!needed.isEmpty()) {
            Key key = new Key(to, r.transferId());
            CompletableFuture<Signature> answer = new CompletableFuture<>();
            basisAnswers.put(key, answer);
            try {
                outbox.send(to, new Message.FetchNeed(r.transferId(), needed));
                signed = answer.get(CREDIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                abort(to, r, Message.AbortReason.CANCELLED, "no block signatures of the basis segments asked for in "
                        + CREDIT_TIMEOUT_SECONDS + " s");
                return null;
            } catch (CancellationException | ExecutionException e) {
                return null; // the receiver aborted, or left
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort(to, r, Message.AbortReason.CANCELLED, "source shutting down");
                return null;
            } finally {
                basisAnswers.remove(key, answer);
            }
        }
        try (FileChannel channel = ConfinedReads.openRegular(root, file)) {
            return match.encode(needed, signed, (offset, buf, off, len) ->
                    channel.read(java.nio.ByteBuffer.wrap(buf, off, len), offset), sink);
        } catch (IllegalArgumentException e) {
            abort(to, r, Message.AbortReason.BAD_REQUEST, "basis segments: " + e.getMessage());
            return null;
        }
    }

    /**
     * Cuts the encoder's operations into FetchData chunks of at most {@link #CHUNK} literal bytes
     * and {@link #OPS_PER_CHUNK} operations, waiting for credit before each send. One full chunk is
     * always held back, so that the final one goes out with {@code last = true} only after the
     * source has re-checked its file.
     */
    private final class ChunkSink implements DeltaSink {
        private final String to;
        private final long transferId;
        private final Semaphore credit;
        private final Key key;
        private List<Message.DeltaOp> ops = new ArrayList<>();
        private List<Message.DeltaOp> held;
        private int literalBytes;
        private int seq;
        boolean cancelled;

        ChunkSink(String to, long transferId, Semaphore credit, Key key) {
            this.to = to;
            this.transferId = transferId;
            this.credit = credit;
            this.key = key;
        }

        @Override
        public void literal(byte[] buf, int off, int len) throws IOException {
            if (literalBytes + len > CHUNK || ops.size() >= OPS_PER_CHUNK) {
                cut();
            }
            ops.add(new Message.Literal(Arrays.copyOfRange(buf, off, off + len)));
            literalBytes += len;
        }

        @Override
        public void copy(long firstBlock, int blockCount) throws IOException {
            if (ops.size() >= OPS_PER_CHUNK) {
                cut();
            }
            ops.add(new Message.CopyBlocks(firstBlock, blockCount));
        }

        private void cut() throws IOException {
            if (held != null) {
                send(held, false);
            }
            held = ops;
            ops = new ArrayList<>();
            literalBytes = 0;
        }

        void finish() throws IOException, InterruptedException {
            if (held != null) {
                send(held, false);
            }
            send(ops, true);
        }

        private void send(List<Message.DeltaOp> chunk, boolean last) throws IOException {
            if (cancelled) {
                throw new CancelledTransfer();
            }
            try {
                if (!credit.tryAcquire(CREDIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    cancelled = true;
                    outbox.send(to, new Message.FetchAbort(transferId, Message.AbortReason.CANCELLED,
                            "receiver granted no credit for " + CREDIT_TIMEOUT_SECONDS + " s"));
                    throw new CancelledTransfer();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelled = true;
                throw new CancelledTransfer();
            }
            if (credits.get(key) != credit) {
                cancelled = true; // aborted by the receiver, or the receiver left
                throw new CancelledTransfer();
            }
            Message.FetchData data = new Message.FetchData(transferId, seq++, chunk, last);
            RateLimit limit = sendLimit;
            if (limit != null) {
                try {
                    limit.pace(Fetcher.literalBytes(data)); // max-send: this serving thread waits its turn
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                    throw new CancelledTransfer();
                }
            }
            outbox.send(to, data);
            for (Message.DeltaOp op : chunk) {
                if (op instanceof Message.Literal l) {
                    bytesServed.addAndGet(l.data().length);
                }
            }
        }
    }

    /** Ends an encoding whose transfer was cancelled; the abort was already handled. */
    private static final class CancelledTransfer extends IOException {
        CancelledTransfer() {
            super("transfer cancelled");
        }
    }

    /** Whether {@code file}, reached beneath {@code root} without following symlinks, has the signature {@code expected}. */
    private static boolean stillSame(Path root, Path file, StatSignature expected) throws IOException {
        try {
            Optional<EntryReader.Lstat> st = ConfinedReads.beneath(root, file, EntryReader::lstat);
            return st.isPresent() && st.get().signature().equals(expected);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    private void abort(String to, Message.FetchRequest r, Message.AbortReason reason, String detail) {
        outbox.send(to, new Message.FetchAbort(r.transferId(), reason, detail));
    }
}
