package io.syncnode.node.fetch;

import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.delta.BasisReader;
import io.syncnode.protocol.delta.BlockSize;
import io.syncnode.protocol.delta.DeltaPatcher;
import io.syncnode.protocol.delta.PatchedFile;
import io.syncnode.protocol.delta.RangeStream;
import io.syncnode.protocol.delta.SegmentSums;
import io.syncnode.protocol.delta.Signature;
import io.syncnode.protocol.delta.SignatureBuilder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Pulls the content of one version from a member into a temp file the caller created.
 *
 * <p>With a basis (local files whose blocks may reappear in the new version: the old version at
 * the path, the partial result of an interrupted transfer), the receiver first computes the
 * basis signature on the I/O pool and sends it with the request; the source answers with delta
 * operations, which {@link DeltaPatcher} turns into the new content. A basis of one file of
 * {@link #SEGMENTED_FROM} bytes or more goes as {@link SegmentSums} instead (a segmented delta,
 * PROTOCOL.md 5.6): the source may then ask once ({@code FetchNeed}) for the block signatures of
 * some segments, which are signed and sent back ({@code FetchBasis}) before any data. Without one, every byte comes
 * as a literal. Either way, the returned future completes only when the temp file holds exactly the
 * requested content (length and SHA-256) and is fsynced. If a delta rebuilds the wrong content (a
 * basis that changed underneath, or a strong-checksum collision), the transfer is repeated once as
 * a whole-file transfer: a wrong file is never handed back.
 *
 * <p>It fails with {@link FetchFailedException} on an abort, an out-of-order chunk, the source
 * leaving, or {@link #IDLE_TIMEOUT_SECONDS} without data. The temp file is the caller's to commit,
 * keep as a partial, or delete.
 */
public final class Fetcher {
    public static final int INITIAL_CREDIT = 8;
    /**
     * The credit of a fetch of a file of {@link #BIG_TRANSFER} bytes or more: 8 MiB of 256 KiB chunks
     * in flight, so that one big file is not held to one credit round trip per 2 MiB (on a loaded
     * host every hop of that trip waits for a CPU). At most two such fetches run per folder.
     */
    public static final int BIG_CREDIT = 32;
    /** Files at least this big are fetched with {@link #BIG_CREDIT} (and in the big-file lane). */
    public static final long BIG_TRANSFER = 8L << 20;
    /**
     * The credit of a fetch under {@code max-receive}: one chunk in flight per transfer, so that
     * what waits for its credit stays small enough for every chunk to pass within the source's
     * 30 s credit wait even at the smallest cap and with many transfers at once.
     */
    static final int LIMITED_CREDIT = 1;
    public static final long IDLE_TIMEOUT_SECONDS = 30;
    /**
     * A basis of one file at least this long is sent as {@link SegmentSums} (a segmented delta,
     * PROTOCOL.md 5.6): 4 MiB in 2 KiB blocks would otherwise cost a 24 KiB signature, and the
     * signature grows with the square root of the length (192 KiB at 256 MiB) where the sums stay
     * at 8 bytes per 64 blocks plus the signature of the segments around a change.
     */
    public static final long SEGMENTED_FROM = 4L << 20;
    private static final BasisReader NO_BASIS = (offset, buf, off, len) -> -1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Outbox outbox;
    private final ExecutorService ioPool;
    private final ScheduledExecutorService timer;
    private final AtomicLong bytesFetched;
    private final LongSupplier nanoTime;
    private final Map<Long, Transfer> transfers = new ConcurrentHashMap<>();

    /** {@code [cluster] max-receive}, or null (no cap). */
    private volatile RateLimit receiveLimit;

    public Fetcher(Outbox outbox, ExecutorService ioPool, ScheduledExecutorService timer, AtomicLong bytesFetched) {
        this(outbox, ioPool, timer, bytesFetched, System::nanoTime);
    }

    /** As above, with the clock the idle timeout is measured on ({@code timer}'s own, in tests). */
    Fetcher(Outbox outbox, ExecutorService ioPool, ScheduledExecutorService timer, AtomicLong bytesFetched,
            LongSupplier nanoTime) {
        this.outbox = outbox;
        this.ioPool = ioPool;
        this.timer = timer;
        this.bytesFetched = bytesFetched;
        this.nanoTime = nanoTime;
    }

    /** Caps the content fetched from now on ({@code [cluster] max-receive}); null: no cap. */
    public void limitReceives(RateLimit limit) {
        receiveLimit = limit;
    }

    /** The literal (content) bytes of a chunk: what a cap counts. */
    static long literalBytes(Message.FetchData d) {
        long n = 0;
        for (Message.DeltaOp op : d.ops()) {
            if (op instanceof Message.Literal l) {
                n += l.data().length;
            }
        }
        return n;
    }

    private final class Transfer {
        final long id = newId();
        final String from;
        final String folder;
        final FileRecord want;
        final Path temp;
        final Output output;
        /** The whole-file retry into the same temp file after a delta rebuilt other content. */
        final boolean again;
        final List<Path> basisFiles;
        final CompletableFuture<Path> done;
        /** The chunks the source may have out (the request's credit). */
        final int credit;
        final SerialExecutor serial = new SerialExecutor(ioPool);
        FileChannel channel;
        OutputStream out;
        ConcatBasis basis;
        /** The basis as segment sums (a segmented delta), or null. */
        SegmentSums segments;
        /** The source's FetchNeed was answered: it may ask once. */
        boolean needAnswered;
        /** The output's SHA-256 on a thread of its own (a big transfer), or null: inline. */
        PipelinedSha256 hasher;
        DeltaPatcher patcher;
        int nextSeq;
        /** Chunks arrived and not yet credited back: the source may have at most its credit out. */
        final java.util.concurrent.atomic.AtomicInteger uncredited = new java.util.concurrent.atomic.AtomicInteger();
        /** The idle check pending on the timer (one per transfer at a time), or null. */
        volatile ScheduledFuture<?> idle;
        /** When the request went out or the last chunk arrived ({@link #nanoTime}). */
        long lastHeard;

        Transfer(String from, String folder, FileRecord want, Path temp, Output output, boolean again,
                 List<Path> basisFiles, CompletableFuture<Path> done) {
            this.from = from;
            this.folder = folder;
            this.want = want;
            this.temp = temp;
            this.output = output;
            this.again = again;
            this.basisFiles = basisFiles;
            this.done = done;
            this.credit = receiveLimit != null ? LIMITED_CREDIT : want.size() >= BIG_TRANSFER ? BIG_CREDIT : INITIAL_CREDIT;
        }

        /** On the I/O pool: create or truncate the output (a fresh temp name), sign the basis, send the request. */
        void start() {
            if (done.isDone()) {
                return; // cancelled before it started: its temp file was never created
            }
            try {
                channel = output.open(temp, again);
                // zero blocks become holes; big files are synced while they are written
                out = new WriteBehind(new io.syncnode.node.os.SparseOutput(channel), channel, ioPool);
                Signature signature = null;
                if (!basisFiles.isEmpty()) {
                    basis = new ConcatBasis(basisFiles, output::read);
                    long length = basis.length();
                    if (length > 0) {
                        try (InputStream in = basis.stream()) {
                            if (basisFiles.size() == 1 && length >= SEGMENTED_FROM) {
                                segments = SegmentSums.build(in, BlockSize.forLength(length),
                                        SegmentSums.SEGMENT_BLOCKS);
                            } else {
                                signature = SignatureBuilder.forLength(length).build(in);
                            }
                        }
                    }
                }
                patcher = (signature != null ? new DeltaPatcher(signature, basis, out)
                        : segments != null ? new DeltaPatcher(segments.blockSize(), segments.fileLength(), basis, out)
                        : new DeltaPatcher(1, 0, NO_BASIS, out)).limitTo(want.size());
                if (want.size() >= BIG_TRANSFER) {
                    hasher = new PipelinedSha256();
                    patcher.hashWith(hasher);
                }
                armIdleTimer();
                if (!outbox.send(from, new Message.FetchRequest(id, folder, want.path(), want.version(), want.hash(),
                        signature, credit, segments))) {
                    fail(from + " is not a member any more", false, false);
                }
            } catch (IOException | RuntimeException e) {
                fail("preparing the transfer: " + e.getMessage(), false, false, DiskSpace.isNoSpace(e));
            }
        }

        /**
         * Notes that the source was heard from now. One check per transfer waits on the timer and,
         * when due, looks at how long the source has been silent: it fails the transfer after
         * {@value #IDLE_TIMEOUT_SECONDS} s, else waits for the rest. Not a timer cancelled and
         * scheduled again per chunk: each cancelled one stayed queued until its time and woke the
         * scheduler then (a 512 MiB file: 2,048 wake-ups in the 30 s after it arrived, issue 13's
         * idle cost after a bulk copy).
         */
        void armIdleTimer() {
            lastHeard = nanoTime.getAsLong();
            if (idle == null) {
                checkIdleIn(TimeUnit.SECONDS.toNanos(IDLE_TIMEOUT_SECONDS));
            }
        }

        private void checkIdleIn(long nanos) {
            idle = timer.schedule(() -> serial.execute(this::checkIdle), nanos, TimeUnit.NANOSECONDS);
        }

        /** On the transfer's serial executor, as every change of its state. */
        private void checkIdle() {
            if (done.isDone()) {
                return;
            }
            long silent = nanoTime.getAsLong() - lastHeard;
            long timeout = TimeUnit.SECONDS.toNanos(IDLE_TIMEOUT_SECONDS);
            if (silent >= timeout) {
                fail("no data from " + from + " for " + IDLE_TIMEOUT_SECONDS + " s", false, true);
            } else {
                checkIdleIn(timeout - silent);
            }
        }

        void onData(Message.FetchData d) {
            if (done.isDone() || patcher == null) {
                return;
            }
            if (d.seq() != nextSeq) {
                fail("chunk " + d.seq() + " arrived, expected " + nextSeq, false, true);
                return;
            }
            nextSeq++;
            try {
                for (Message.DeltaOp op : d.ops()) {
                    op.match(new Message.OpCases<Void, IOException>() {
                        @Override
                        public Void literal(Message.Literal l) throws IOException {
                            patcher.literal(l.data(), 0, l.data().length);
                            bytesFetched.addAndGet(l.data().length);
                            return null;
                        }

                        @Override
                        public Void copyBlocks(Message.CopyBlocks c) throws IOException {
                            patcher.copy(c.firstBlock(), c.count());
                            return null;
                        }
                    });
                }
                if (d.last()) {
                    finish();
                } else {
                    armIdleTimer();
                    RateLimit limit = receiveLimit;
                    long wait = limit == null ? 0 : limit.reserve(literalBytes(d));
                    if (wait <= 0) {
                        grantOne();
                    } else { // max-receive: the source sends the next chunk when the cap allows it
                        timer.schedule(() -> serial.execute(this::grantOne), wait, TimeUnit.NANOSECONDS);
                    }
                }
            } catch (IOException e) {
                fail("rebuilding " + want.path() + ": " + e.getMessage(), false, true, DiskSpace.isNoSpace(e));
            } catch (RuntimeException e) { // the hash thread's failure (PipelinedSha256.finish)
                fail("rebuilding " + want.path() + ": " + e, false, true);
            }
        }

        /**
         * The source of a segmented delta asks for the block signatures of some basis segments:
         * they are read and signed, one after the other, and sent back. Once per transfer, before
         * any data, and only segments the basis has.
         */
        void onNeed(Message.FetchNeed n) {
            if (done.isDone() || patcher == null) {
                return;
            }
            java.util.BitSet need = n.segments();
            if (segments == null || needAnswered || nextSeq > 0) {
                fail(from + " asked for basis segments out of turn", false, true);
                return;
            }
            if (need.length() > segments.segmentCount()) {
                fail(from + " asked for basis segment " + (need.length() - 1) + " of " + segments.segmentCount(),
                        false, true);
                return;
            }
            needAnswered = true;
            try {
                Signature signed = new SignatureBuilder(segments.blockSize())
                        .build(segmentStream(basis, segments, need));
                armIdleTimer();
                outbox.send(from, new Message.FetchBasis(id, signed));
            } catch (IOException | RuntimeException e) {
                fail("signing the basis segments " + from + " asked for: " + e.getMessage(), false, true);
            }
        }

        private void grantOne() {
            if (!done.isDone()) {
                uncredited.decrementAndGet(); // before the credit goes: the next chunk may come at once
                outbox.send(from, new Message.FetchCredit(id, 1));
            }
        }

        void finish() throws IOException {
            out.flush();
            PatchedFile got = patcher.finish();
            if (got.length() != want.size() || !got.hash().equals(want.hash())) {
                if (basis != null) {
                    close();
                    // the delta rebuilt something else: once more, whole file, and never apply this one
                    Transfer retry = new Transfer(from, folder, want, temp, output, true, List.of(), done);
                    transfers.put(retry.id, retry);
                    retry.serial.execute(retry::start);
                    return;
                }
                fail("received content does not match: " + got.length() + " bytes, hash " + got.hash()
                        + ", expected " + want.size() + " bytes, hash " + want.hash(), false, false);
                return;
            }
            // not fsynced here: the installer fsyncs it with the batch (Applier.prepare), after its metadata
            close();
            done.complete(temp);
        }

        void fail(String why, boolean sourceChanged, boolean tellSource) {
            fail(why, sourceChanged, tellSource, false);
        }

        void fail(String why, boolean sourceChanged, boolean tellSource, boolean noSpace) {
            if (done.isDone()) {
                return;
            }
            close();
            if (tellSource) {
                outbox.send(from, new Message.FetchAbort(id, Message.AbortReason.CANCELLED, why));
            }
            done.completeExceptionally(new FetchFailedException("fetching " + want.path() + " from " + from
                    + ": " + why, sourceChanged, noSpace));
        }

        void close() {
            transfers.remove(id);
            if (hasher != null) {
                hasher.close();
            }
            ScheduledFuture<?> t = idle;
            if (t != null) {
                t.cancel(false);
            }
            if (basis != null) {
                basis.close();
            }
            try {
                if (out != null) {
                    out.flush();
                }
            } catch (IOException ignored) {
                // the content is judged by its hash, not by this flush
            }
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // a file we only wrote to; the caller commits, keeps or deletes it next
            }
        }
    }

    /** The bytes of the basis segments set in {@code need}, one after the other. */
    private static InputStream segmentStream(BasisReader basis, SegmentSums segments, java.util.BitSet need) {
        long[] starts = new long[need.cardinality()];
        long[] ends = new long[starts.length];
        int k = 0;
        for (int i = need.nextSetBit(0); i >= 0; i = need.nextSetBit(i + 1), k++) {
            starts[k] = i * segments.segmentSize();
            ends[k] = starts[k] + segments.segmentLength(i);
        }
        return new RangeStream(basis, starts, ends);
    }

    private long newId() {
        long id;
        do {
            id = RANDOM.nextLong();
        } while (id == 0 || transfers.containsKey(id));
        return id;
    }

    /**
     * Opens the file a transfer writes: {@code again} is false the first time, true for the
     * whole-file retry into the same file after a delta rebuilt other content (it is emptied).
     */
    @FunctionalInterface
    public interface Output {
        FileChannel open(Path file, boolean again) throws IOException;

        /** Opens a basis file for reading; by default by its path (the node's own work files). */
        default FileChannel read(Path file) throws IOException {
            return FileChannel.open(file, StandardOpenOption.READ);
        }
    }

    /** A file of the node's own work directory (not in a folder): created, or truncated if it exists. */
    public static final Output WORK_FILE = (file, again) -> FileChannel.open(file, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

    /**
     * Starts fetching {@code want} (a regular file record) from {@code from} into {@code temp}
     * (a file of the node's work directory, created, or truncated if it exists), as a delta
     * against {@code basisFiles} read in that order (empty: whole file).
     */
    public CompletableFuture<Path> fetch(String from, String folder, FileRecord want, Path temp, List<Path> basisFiles) {
        return fetch(from, folder, want, temp, WORK_FILE, basisFiles);
    }

    /**
     * As {@link #fetch(String, String, FileRecord, Path, List)}, with the file opened by
     * {@code output} (a folder's temp file: created O_EXCL, 0600, confined, see
     * {@link io.syncnode.node.apply.Applier#openTemp}).
     */
    public CompletableFuture<Path> fetch(String from, String folder, FileRecord want, Path temp, Output output,
                                         List<Path> basisFiles) {
        CompletableFuture<Path> done = new CompletableFuture<>();
        Transfer t = new Transfer(from, folder, want, temp, output, false, List.copyOf(basisFiles), done);
        transfers.put(t.id, t);
        t.serial.execute(t::start);
        return done;
    }

    public void onData(String from, Message.FetchData d) {
        Transfer t = transfers.get(d.transferId());
        if (t != null && t.from.equals(from)) {
            int allowed = Math.max(t.credit, INITIAL_CREDIT);
            if (t.uncredited.incrementAndGet() > allowed) {
                // a source that ignores the credit could queue any amount here: the transfer ends at
                // once, and nothing more of it is queued (later chunks find no transfer)
                if (transfers.remove(d.transferId(), t)) {
                    int seq = d.seq();
                    t.serial.execute(() -> t.fail(from + " sent chunk " + seq + " beyond the credit of "
                            + allowed + " chunks", false, true));
                }
                return;
            }
            t.serial.execute(() -> t.onData(d));
        }
    }

    public void onNeed(String from, Message.FetchNeed n) {
        Transfer t = transfers.get(n.transferId());
        if (t != null && t.from.equals(from)) {
            t.serial.execute(() -> t.onNeed(n));
        }
    }

    public void onAbort(String from, Message.FetchAbort a) {
        Transfer t = transfers.get(a.transferId());
        if (t != null && t.from.equals(from)) {
            boolean changed = a.reason() == Message.AbortReason.SOURCE_CHANGED
                    || a.reason() == Message.AbortReason.VERSION_GONE;
            t.serial.execute(() -> t.fail("source aborted: " + a.reason() + " " + a.detail(), changed, false));
        }
    }

    /**
     * A member left the view or restarted ({@code why} says which): its transfers fail now rather
     * than at the idle timeout.
     */
    public void memberLeft(String member, String why) {
        transfers.values().forEach(t -> {
            if (t.from.equals(member)) {
                t.serial.execute(() -> t.fail(member + " " + why, false, false));
            }
        });
    }

    /**
     * Shutdown: fails every open transfer and deletes its temp file now (the folder worker that
     * would otherwise do it may already be gone), so a stopped node leaves no temp files behind.
     */
    public void cancelAll() {
        for (Transfer t : List.copyOf(transfers.values())) {
            t.fail("node shutting down", false, true); // a chunk being written meanwhile fails harmlessly
            discard(t.temp);
        }
    }


    /** Removes a temp file quietly (after a failed fetch). */
    public static void discard(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temp file is removed at the next start
        }
    }
}
