package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.wire.Message;
import io.syncnode.protocol.FileRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole index to a member, on a real index and worker: page by page in path order, never more
 * than the window ahead of the member's acknowledgements, ending with one batch marked last; a
 * member that stops acknowledging gets the next page after the stall time, and is given up after
 * long without progress.
 */
class FullIndexSenderTest {
    static final int RECORDS = 7_500; // 7.5 pages: the window (6 pages) and then some

    @TempDir
    Path tmp;
    EngineParts parts;
    final MovingClock clock = new MovingClock();
    FullIndexSender sender;
    /** Tasks the sender asked to run later (run by the test). */
    final List<Runnable> later = new ArrayList<>();

    @BeforeEach
    void index() throws Exception {
        parts = new EngineParts(tmp);
        sender = new FullIndexSender(clock.into(parts.context), r -> null, (delay, task) -> {
            synchronized (later) {
                later.add(task);
            }
        });
        parts.onWorker(() -> {
            for (int i = 0; i < RECORDS; i++) {
                FileRecord r = parts.file(String.format("d/f%05d", i), new byte[] {(byte) i}, 0644, 1,
                        EngineParts.PEER, 1);
                parts.buffer.put(IndexBuffer.Put.taken(r, null));
            }
            parts.buffer.flush();
            return null;
        });
        synchronized (parts.sent) {
            parts.sent.clear();
        }
    }

    @AfterEach
    void close() {
        parts.close();
    }

    private List<Message.IndexUpdate> updates() {
        List<Message.IndexUpdate> out = new ArrayList<>();
        synchronized (parts.sent) {
            for (Message m : parts.sent) {
                if (m instanceof Message.IndexUpdate u) {
                    out.add(u);
                }
            }
        }
        return out;
    }

    /** The one task the sender asked to run later (there must be exactly one), taken. */
    private Runnable takeLater() {
        synchronized (later) {
            assertEquals(1, later.size(), "one retry at a time: " + later);
            Runnable r = later.get(0);
            later.clear();
            return r;
        }
    }

    private int recordsSent() {
        return updates().stream().mapToInt(u -> u.files().size()).sum();
    }

    /** Waits until {@code n} records went out, then lets the worker finish what it queued. */
    private void awaitSent(int n) throws Exception {
        await(Duration.ofSeconds(30), () -> recordsSent() >= n, () -> n + " records sent, not " + recordsSent());
        parts.onWorker(() -> null);
        parts.onWorker(() -> null);
        assertEquals(n, recordsSent(), "no page beyond the window");
    }

    @Test
    void pagesGoOutAsTheMemberAcknowledgesAndTheLastBatchSaysSo() throws Exception {
        parts.onWorker(() -> {
            sender.start("beta", false);
            return null;
        });
        awaitSent(6_000); // six pages, then it waits
        parts.onWorker(() -> {
            sender.acknowledged("beta", 1_000);
            return null;
        });
        awaitSent(7_000);
        parts.onWorker(() -> {
            sender.acknowledged("beta", 1_000);
            return null;
        });
        awaitSent(RECORDS);
        assertEquals(0, (int) parts.onWorker(sender::running));

        List<Message.IndexUpdate> updates = updates();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            Message.IndexUpdate u = updates.get(i);
            assertTrue(u.full(), "every batch is part of the exchange");
            assertEquals(i == updates.size() - 1, u.last(), "only the final batch is last: " + i);
            u.files().forEach(a -> paths.add(a.record().path()));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add(String.format("d/f%05d", i));
        }
        assertEquals(expected, paths, "every record once, in path order");
    }

    @Test
    void aPageWaitsForRoomInTheMembersLaneInsteadOfBeingDropped() throws Exception {
        parts.laneWaiting.set(FullIndexSender.LANE_ROOM); // the lane is half full (e.g. file data)
        parts.onWorker(() -> {
            sender.start("beta", false);
            return null;
        });
        awaitSent(0);
        Runnable first = takeLater();
        parts.onWorker(() -> {
            sender.acknowledged("beta", 1); // an acknowledgement meanwhile queues no second attempt
            first.run(); // the lane is still full: tried again later
            return null;
        });
        awaitSent(0);
        Runnable retry = takeLater();
        assertEquals(1, (int) parts.onWorker(sender::running), "the exchange still runs");

        parts.laneWaiting.set(FullIndexSender.LANE_ROOM - 1); // the lane drained
        parts.onWorker(() -> {
            retry.run();
            return null;
        });
        awaitSent(6_000); // the window, from the first page on
        assertEquals("d/f00000", updates().get(0).files().get(0).record().path());
    }

    @Test
    void aMemberThatStopsAcknowledgingGetsThePagesSlowlyAndIsGivenUpAfterLong() throws Exception {
        parts.onWorker(() -> {
            sender.start("beta", false);
            return null;
        });
        awaitSent(6_000);
        parts.onWorker(() -> {
            sender.tick(); // nothing moved for less than the stall time: it waits
            return null;
        });
        awaitSent(6_000);
        clock.advance(FullIndexSender.STALL);
        parts.onWorker(() -> {
            sender.tick();
            return null;
        });
        awaitSent(7_000);

        parts.onWorker(() -> {
            sender.start("gamma", false);
            return null;
        });
        awaitSent(13_000);
        clock.advance(FullIndexSender.GIVE_UP);
        parts.onWorker(() -> {
            sender.tick();
            return null;
        });
        awaitSent(13_000);
        assertEquals(0, (int) parts.onWorker(sender::running), "both given up");
    }
}
