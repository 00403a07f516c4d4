package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a long step (a scan) flushes between two entries: {@value IndexBuffer#FLUSH_AT} changes
 * pending, or the first of them buffered {@value IndexBuffer#FLUSH_AFTER_MS} ms ago, so a burst's
 * first files are committed and announced while the rest is still scanned.
 */
class IndexBufferFlushTest {
    @TempDir
    Path stateDir;

    private final MovingClock clock = new MovingClock();
    private final List<Message> sent = new ArrayList<>();
    private SqliteIndexStore store;
    private IndexBuffer buffer;

    @BeforeEach
    void open() {
        store = SqliteIndexStore.open(stateDir);
        Outbox outbox = new Outbox() {
            @Override
            public boolean send(String member, Message message) {
                sent.add(message);
                return true;
            }

            @Override
            public void multicast(Message message) {
                sent.add(message);
            }
        };
        buffer = new IndexBuffer("data", store, new PeerDirectory(store, 0x1111L, clock), node -> true, outbox, clock,
                new NodeCounters());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static IndexBuffer.Put local(String path) throws Exception {
        byte[] content = path.getBytes();
        ContentHash hash = ContentHash.of(MessageDigest.getInstance("SHA-256").digest(content));
        FileRecord r = new FileRecord(path, FileType.REGULAR, 0644, 0, 0, 1L, content.length, hash, null, 0,
                VersionVector.of(Map.of(0x1111L, 1L)), false, 0x1111L);
        return IndexBuffer.Put.local(r, null, content);
    }

    @Test
    void aChangeBufferedForTheFlushTimeMakesTheFlushDueAndTheFlushAnnouncesWhatWaited() throws Exception {
        assertFalse(buffer.flushDue(), "nothing pending");
        buffer.put(local("a"));
        clock.advance(Duration.ofMillis(60));
        buffer.put(local("b"));
        clock.advance(Duration.ofMillis(IndexBuffer.FLUSH_AFTER_MS - 61));
        assertFalse(buffer.flushDue(), "the first change waited 1 ms less than the flush time");
        clock.advance(Duration.ofMillis(1));
        assertTrue(buffer.flushDue(), "the first change waited the flush time");

        buffer.flush();
        assertFalse(buffer.flushDue(), "nothing pending after the flush");
        assertEquals(1, sent.size());
        Message.IndexUpdate u = (Message.IndexUpdate) sent.get(0);
        assertEquals(List.of("a", "b"), u.files().stream().map(f -> f.record().path()).toList());
        assertTrue(store.get("data", "b").isPresent(), "committed before it was announced");

        clock.advance(Duration.ofMillis(1_000));
        buffer.put(local("c"));
        assertFalse(buffer.flushDue(), "the wait counts from the first change after the last flush");
        clock.advance(Duration.ofMillis(IndexBuffer.FLUSH_AFTER_MS));
        assertTrue(buffer.flushDue());
    }

    @Test
    void manyChangesMakeTheFlushDueAtOnce() throws Exception {
        for (int i = 0; i < IndexBuffer.FLUSH_AT - 1; i++) {
            buffer.put(local("f" + i));
        }
        assertFalse(buffer.flushDue());
        buffer.put(local("last"));
        assertTrue(buffer.flushDue(), IndexBuffer.FLUSH_AT + " changes pending, no time passed");
    }
}
