package io.syncnode.node.fetch;

import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pulls the content of one version from a member into a temp file the caller created.
 *
 * <p>The returned future completes once the temp file holds exactly the requested content
 * (length and SHA-256 checked) and is fsynced; it fails with {@link FetchFailedException} on an
 * abort, a hash mismatch, an out-of-order chunk, the source leaving, or {@link #IDLE_TIMEOUT_SECONDS}
 * without data. The temp file is the caller's to commit or delete.
 */
public final class Fetcher {
    public static final int INITIAL_CREDIT = 8;
    public static final long IDLE_TIMEOUT_SECONDS = 30;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Outbox outbox;
    private final ExecutorService ioPool;
    private final ScheduledExecutorService timer;
    private final AtomicLong bytesFetched;
    private final Map<Long, Transfer> transfers = new ConcurrentHashMap<>();

    public Fetcher(Outbox outbox, ExecutorService ioPool, ScheduledExecutorService timer, AtomicLong bytesFetched) {
        this.outbox = outbox;
        this.ioPool = ioPool;
        this.timer = timer;
        this.bytesFetched = bytesFetched;
    }

    private final class Transfer {
        final long id;
        final String from;
        final FileRecord want;
        final Path temp;
        final FileChannel channel;
        final MessageDigest sha = EntryReader.sha256();
        final SerialExecutor serial = new SerialExecutor(ioPool);
        final CompletableFuture<Path> done = new CompletableFuture<>();
        int nextSeq;
        long written;
        volatile ScheduledFuture<?> idle;

        Transfer(long id, String from, FileRecord want, Path temp) throws IOException {
            this.id = id;
            this.from = from;
            this.want = want;
            this.temp = temp;
            this.channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }

        void armIdleTimer() {
            ScheduledFuture<?> old = idle;
            if (old != null) {
                old.cancel(false);
            }
            idle = timer.schedule(() -> serial.execute(() -> fail("no data from " + from + " for "
                    + IDLE_TIMEOUT_SECONDS + " s", false, true)), IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        void onData(Message.FetchData d) {
            if (done.isDone()) {
                return;
            }
            if (d.seq() != nextSeq) {
                fail("chunk " + d.seq() + " arrived, expected " + nextSeq, false, true);
                return;
            }
            nextSeq++;
            try {
                for (Message.DeltaOp op : d.ops()) {
                    if (!(op instanceof Message.Literal l)) {
                        fail("block copy offered but no basis was sent", false, true);
                        return;
                    }
                    sha.update(l.data());
                    ByteBuffer buf = ByteBuffer.wrap(l.data());
                    while (buf.hasRemaining()) {
                        channel.write(buf);
                    }
                    written += l.data().length;
                    bytesFetched.addAndGet(l.data().length);
                    if (written > want.size()) {
                        fail("more data than the announced size " + want.size(), false, true);
                        return;
                    }
                }
                if (d.last()) {
                    finish();
                } else {
                    armIdleTimer();
                    outbox.send(from, new Message.FetchCredit(id, 1));
                }
            } catch (IOException e) {
                fail("writing " + temp.getFileName() + ": " + e.getMessage(), false, true);
            }
        }

        void finish() throws IOException {
            ContentHash got = ContentHash.of(sha.digest());
            if (written != want.size() || !got.equals(want.hash())) {
                fail("received content does not match: " + written + " bytes, hash " + got + ", expected "
                        + want.size() + " bytes, hash " + want.hash(), false, false);
                return;
            }
            channel.force(true);
            close();
            done.complete(temp);
        }

        void fail(String why, boolean sourceChanged, boolean tellSource) {
            if (done.isDone()) {
                return;
            }
            close();
            if (tellSource) {
                outbox.send(from, new Message.FetchAbort(id, Message.AbortReason.CANCELLED, why));
            }
            done.completeExceptionally(new FetchFailedException("fetching " + want.path() + " from " + from
                    + ": " + why, sourceChanged));
        }

        void close() {
            transfers.remove(id);
            ScheduledFuture<?> t = idle;
            if (t != null) {
                t.cancel(false);
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a file we only wrote to; the caller deletes or commits it next
            }
        }
    }

    /** Starts fetching {@code want} (a regular file record) from {@code from} into {@code temp}. */
    public CompletableFuture<Path> fetch(String from, String folder, FileRecord want, Path temp) {
        long id;
        do {
            id = RANDOM.nextLong();
        } while (id == 0 || transfers.containsKey(id));
        Transfer t;
        try {
            t = new Transfer(id, from, want, temp);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        transfers.put(id, t);
        t.armIdleTimer();
        if (!outbox.send(from, new Message.FetchRequest(id, folder, want.path(), want.version(), want.hash(),
                INITIAL_CREDIT))) {
            t.serial.execute(() -> t.fail(from + " is not a member any more", false, false));
        }
        return t.done;
    }

    public void onData(String from, Message.FetchData d) {
        Transfer t = transfers.get(d.transferId());
        if (t != null && t.from.equals(from)) {
            t.serial.execute(() -> t.onData(d));
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

    /** A member left the view: its transfers fail now rather than at the idle timeout. */
    public void memberLeft(String member) {
        transfers.values().forEach(t -> {
            if (t.from.equals(member)) {
                t.serial.execute(() -> t.fail(member + " left the cluster", false, false));
            }
        });
    }

    /** Fails every open transfer (shutdown). */
    public void cancelAll() {
        transfers.values().forEach(t -> t.serial.execute(() -> t.fail("node shutting down", false, true)));
    }

    public int openTransfers() {
        return transfers.size();
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
