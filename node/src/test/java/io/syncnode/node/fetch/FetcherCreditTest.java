package io.syncnode.node.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.RecordingOutbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import io.syncnode.testing.ManualScheduler;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source may have at most the receiver's credit of chunks out ({@value Fetcher#INITIAL_CREDIT},
 * {@value Fetcher#BIG_CREDIT} for a file of 8 MiB or more, one more per chunk the receiver has written); a chunk beyond it ends the transfer (the source is
 * told) instead of queueing, so a source that ignores the credit cannot fill the receiver's memory.
 * The I/O pool runs nothing until the test says so: the chunks pile up unwritten, as behind a slow disk.
 */
class FetcherCreditTest {
    @TempDir
    Path tmp;

    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private final ManualScheduler io = new ManualScheduler();
    private final Fetcher fetcher = new Fetcher(new RecordingOutbox(sent), io, new ManualScheduler(), new AtomicLong());

    private long start(CompletableFuture<?>[] done) {
        return start(done, 1 << 20);
    }

    private long start(CompletableFuture<?>[] done, long size) {
        FileRecord want = new FileRecord("big.bin", FileType.REGULAR, 0644, 0, 0, 1L, size,
                ContentHash.of(new byte[32]), null, 0, VersionVector.of(Map.of(7L, 1L)), false, 7L);
        done[0] = fetcher.fetch("n2", "web", want, tmp.resolve("big.bin.tmp"), List.of());
        io.runDue(); // the request goes out
        return request().transferId();
    }

    private Message.FetchRequest request() {
        return sent.stream().filter(m -> m instanceof Message.FetchRequest).map(m -> (Message.FetchRequest) m)
                .findFirst().orElseThrow();
    }

    private static Message.FetchData chunk(long id, int seq) {
        return new Message.FetchData(id, seq, List.of(new Message.Literal(new byte[1024])), false);
    }

    @Test
    void chunksWithinTheCreditAreTakenAndOneBeyondEndsTheTransfer() {
        CompletableFuture<?>[] done = new CompletableFuture<?>[1];
        long id = start(done);
        for (int seq = 0; seq < Fetcher.INITIAL_CREDIT; seq++) {
            fetcher.onData("n2", chunk(id, seq)); // none written yet: no credit went back
        }
        io.runDue();
        assertFalse(done[0].isDone(), "the credit's worth of chunks is fine");
        assertEquals(Fetcher.INITIAL_CREDIT, sent.stream().filter(m -> m instanceof Message.FetchCredit).count(),
                "one credit back per chunk written");

        for (int seq = Fetcher.INITIAL_CREDIT; seq < 2 * Fetcher.INITIAL_CREDIT; seq++) {
            fetcher.onData("n2", chunk(id, seq)); // the credits sent allow these
        }
        fetcher.onData("n2", chunk(id, 2 * Fetcher.INITIAL_CREDIT)); // one more than was credited
        io.runDue();
        assertTrue(done[0].isCompletedExceptionally(), "the transfer ended");
        ExecutionException e = assertThrows(ExecutionException.class, () -> done[0].get());
        assertTrue(e.getCause().getMessage().contains("beyond the credit"), e.getCause().getMessage());
        assertTrue(sent.stream().anyMatch(m -> m instanceof Message.FetchAbort a && a.transferId() == id
                && a.reason() == Message.AbortReason.CANCELLED), "the source is told");
    }

    @Test
    void aFileUnderEightMibIsAskedWithTheSmallCredit() {
        start(new CompletableFuture<?>[1], Fetcher.BIG_TRANSFER - 1);
        assertEquals(Fetcher.INITIAL_CREDIT, request().credit());
    }

    @Test
    void aBigFileIsAskedWithTheBigCreditWhichAlsoBoundsWhatTheSourceMaySend() {
        CompletableFuture<?>[] done = new CompletableFuture<?>[1];
        long id = start(done, 512L << 20);
        assertEquals(Fetcher.BIG_CREDIT, request().credit(), "8 MiB of chunks in flight for a big file");
        for (int seq = 0; seq < Fetcher.BIG_CREDIT; seq++) {
            fetcher.onData("n2", chunk(id, seq)); // none written yet: no credit went back
        }
        assertFalse(done[0].isDone(), "the big credit's worth of chunks is fine");
        fetcher.onData("n2", chunk(id, Fetcher.BIG_CREDIT)); // one more than was credited
        io.runDue();
        assertTrue(done[0].isCompletedExceptionally(), "the transfer ended");
        ExecutionException e = assertThrows(ExecutionException.class, () -> done[0].get());
        assertTrue(e.getCause().getMessage().contains("beyond the credit of " + Fetcher.BIG_CREDIT),
                e.getCause().getMessage());
    }
}
