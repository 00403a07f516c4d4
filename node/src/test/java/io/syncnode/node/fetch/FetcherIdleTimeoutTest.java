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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fetch whose source falls silent for {@value Fetcher#IDLE_TIMEOUT_SECONDS} s ends; one that keeps
 * receiving goes on however long it takes, and holds a single idle check on the timer, not one per
 * chunk (a cancelled timer stays queued until its time: a 512 MiB file left 2,048 of them, each
 * waking the node's scheduler in the 30 s after the copy). Timer and clock are a manual scheduler's.
 */
class FetcherIdleTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(Fetcher.IDLE_TIMEOUT_SECONDS);

    @TempDir
    Path tmp;

    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private final ManualScheduler io = new ManualScheduler();
    private final ManualScheduler timer = new ManualScheduler();
    private final Fetcher fetcher = new Fetcher(new RecordingOutbox(sent), io, timer, new AtomicLong(),
            timer::nanoTime);

    private CompletableFuture<Path> done;
    private long id;

    private void start() {
        FileRecord want = new FileRecord("big.bin", FileType.REGULAR, 0644, 0, 0, 1L, 64L << 20,
                ContentHash.of(new byte[32]), null, 0, VersionVector.of(Map.of(7L, 1L)), false, 7L);
        done = fetcher.fetch("n2", "web", want, tmp.resolve("big.bin.tmp"), List.of());
        io.runDue(); // the request goes out
        id = sent.stream().filter(m -> m instanceof Message.FetchRequest).map(m -> (Message.FetchRequest) m)
                .findFirst().orElseThrow().transferId();
    }

    private void chunk(int seq) {
        fetcher.onData("n2", new Message.FetchData(id, seq, List.of(new Message.Literal(new byte[1024])), false));
        io.runDue(); // written, credited back
    }

    /** Moves the timer's clock; an idle check that falls due hands its work to the I/O pool, run here too. */
    private void advance(Duration by) {
        timer.advance(by);
        io.runDue();
    }

    @Test
    void chunksEverySecondForTwoMinutesKeepTheFetchGoingOnOneTimer() {
        start();
        for (int seq = 0; seq < 120; seq++) {
            advance(Duration.ofSeconds(1));
            chunk(seq);
            assertEquals(1, timer.pending(), "one idle check waits on the timer after chunk " + seq);
        }
        assertFalse(done.isDone(), "a source heard from every second is not idle, 120 s after the start");
    }

    @Test
    void aSourceSilentForTheTimeoutEndsTheFetchAndNotBefore() {
        start();
        advance(Duration.ofSeconds(20));
        chunk(0); // heard 20 s after the request: the first check (due at 30 s) waits 20 s more
        advance(TIMEOUT.minusSeconds(1));
        assertFalse(done.isDone(), "silent for 29 s");
        assertEquals(1, timer.pending(), "the check re-armed itself for the rest");
        advance(Duration.ofSeconds(1));
        assertTrue(done.isCompletedExceptionally(), "silent for 30 s");
        ExecutionException e = assertThrows(ExecutionException.class, () -> done.get());
        assertTrue(e.getCause().getMessage().contains("no data from n2 for " + Fetcher.IDLE_TIMEOUT_SECONDS + " s"),
                e.getCause().getMessage());
        assertEquals(0, timer.pending(), "nothing left on the timer");
    }

    @Test
    void aSourceNeverHeardFromEndsTheFetchAtTheTimeout() {
        start();
        advance(TIMEOUT.minusNanos(1));
        assertFalse(done.isDone());
        advance(Duration.ofNanos(1));
        assertTrue(done.isCompletedExceptionally(), "no data at all for 30 s");
    }
}
