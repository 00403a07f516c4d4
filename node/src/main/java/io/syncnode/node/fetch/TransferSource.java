package io.syncnode.node.fetch;

import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves fetch requests: streams a local file's content to the requesting member in chunks of
 * {@link #CHUNK} bytes, at most as many ahead as the receiver granted.
 *
 * <p>The file served must be the one the index records for the requested content hash, with the
 * stat signature recorded for it, before and after reading; otherwise the transfer is aborted
 * ({@code VERSION_GONE} or {@code SOURCE_CHANGED}) and the path is handed to
 * {@code onSourceChanged} for a rescan, which re-announces it.
 */
public final class TransferSource {
    private static final Logger LOG = Logger.getLogger(TransferSource.class.getName());
    public static final int CHUNK = 256 * 1024;
    private static final long CREDIT_TIMEOUT_SECONDS = 30;

    /** Where the content of (folder, path, hash) lives, and the signature it must still have. */
    public interface Lookup {
        Optional<Served> find(String folder, String path, ContentHash hash);
    }

    public record Served(Path file, StatSignature stat) {
    }

    private record Key(String member, long transferId) {
    }

    private final Outbox outbox;
    private final ExecutorService pool;
    private final Lookup lookup;
    private final BiConsumer<String, String> onSourceChanged;
    private final AtomicLong bytesServed;
    private final Map<Key, Semaphore> credits = new ConcurrentHashMap<>();

    public TransferSource(Outbox outbox, ExecutorService pool, Lookup lookup,
                          BiConsumer<String, String> onSourceChanged, AtomicLong bytesServed) {
        this.outbox = outbox;
        this.pool = pool;
        this.lookup = lookup;
        this.onSourceChanged = onSourceChanged;
        this.bytesServed = bytesServed;
    }

    public void onRequest(String from, Message.FetchRequest r) {
        Key key = new Key(from, r.transferId());
        Semaphore credit = new Semaphore(r.credit());
        if (credits.putIfAbsent(key, credit) != null) {
            outbox.send(from, new Message.FetchAbort(r.transferId(), Message.AbortReason.BAD_REQUEST,
                    "transfer id already in use"));
            return;
        }
        pool.execute(() -> {
            try {
                serve(from, r, credit);
            } finally {
                credits.remove(key);
            }
        });
    }

    public void onCredit(String from, Message.FetchCredit c) {
        Semaphore s = credits.get(new Key(from, c.transferId()));
        if (s != null) {
            s.release(c.chunks());
        }
    }

    /** The receiver gave up: the serving loop stops at its next chunk. */
    public void onAbort(String from, Message.FetchAbort a) {
        Semaphore s = credits.remove(new Key(from, a.transferId()));
        if (s != null) {
            s.release(Integer.MAX_VALUE / 2);
        }
    }

    /** A member left the view: stop serving it. */
    public void memberLeft(String member) {
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
        Path file = served.get().file();
        StatSignature expected = served.get().stat();
        try {
            if (!stillSame(file, expected)) {
                abort(to, r, Message.AbortReason.SOURCE_CHANGED, "changed since it was indexed");
                onSourceChanged.accept(r.folder(), r.path());
                return;
            }
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                int seq = 0;
                long sent = 0;
                while (true) {
                    byte[] chunk = in.readNBytes(CHUNK);
                    sent += chunk.length;
                    boolean last = chunk.length < CHUNK || sent == expected.size();
                    if (last && (sent != expected.size() || in.read() != -1 || !stillSame(file, expected))) {
                        abort(to, r, Message.AbortReason.SOURCE_CHANGED, "changed while it was read");
                        onSourceChanged.accept(r.folder(), r.path());
                        return;
                    }
                    if (!credit.tryAcquire(CREDIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        abort(to, r, Message.AbortReason.CANCELLED, "receiver granted no credit for "
                                + CREDIT_TIMEOUT_SECONDS + " s");
                        return;
                    }
                    if (credits.get(key) != credit) {
                        return; // aborted by the receiver or the receiver left
                    }
                    List<Message.DeltaOp> ops = chunk.length == 0 ? List.of() : List.of(new Message.Literal(chunk));
                    outbox.send(to, new Message.FetchData(r.transferId(), seq++, ops, last));
                    bytesServed.addAndGet(chunk.length);
                    if (last) {
                        return;
                    }
                }
            }
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

    private static boolean stillSame(Path file, StatSignature expected) throws IOException {
        Optional<EntryReader.Lstat> st = EntryReader.lstat(file);
        return st.isPresent() && st.get().normalised().equals(expected);
    }

    private void abort(String to, Message.FetchRequest r, Message.AbortReason reason, String detail) {
        outbox.send(to, new Message.FetchAbort(r.transferId(), reason, detail));
    }
}
