package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.index.IndexException;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A walk's batch handed to the index writer without waiting ({@link IndexBuffer#flushBehind}):
 * reads see it until it is committed, newer pending changes hide it, it is announced only once
 * committed, and a failed commit leaves it pending.
 */
class IndexBufferInFlightTest {
    @TempDir
    Path tmp;

    private static StatSignature stat(long ino) {
        return new StatSignature(7, ino, 1, 1, 1, 0100644, 0, 0);
    }

    private static List<String> announced(EngineParts parts) {
        synchronized (parts.sent) {
            return parts.sent.stream().filter(m -> m instanceof Message.IndexUpdate).map(m -> (Message.IndexUpdate) m)
                    .flatMap(u -> u.files().stream()).map(a -> a.record().path()).toList();
        }
    }

    /** A new local file of one byte at {@code path}, inode {@code ino}, buffered. */
    private static FileRecord putLocal(EngineParts parts, String path, int content, long ino) throws Exception {
        FileRecord r = parts.file(path, new byte[] {(byte) content}, 0644, 1, EngineParts.SELF, 1);
        parts.buffer.put(IndexBuffer.Put.local(r, stat(ino), null));
        return r;
    }

    private static List<String> paths(List<StoredFile> files) {
        return files.stream().map(f -> f.record().path()).toList();
    }

    @Test
    void aBatchInFlightIsReadUntilCommittedAndAnnouncedOnlyThen() throws Exception {
        try (EngineParts parts = new EngineParts(tmp)) {
            IndexBuffer buffer = parts.buffer;
            FileRecord a = putLocal(parts, "d/a", 1, 10);
            putLocal(parts, "d/b", 2, 11);

            // hold the writer thread so that the batch is certainly not committed while the reads run
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            CompletableFuture<Object> hold = parts.store.write(w -> {
                holding.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
            assertTrue(holding.await(30, TimeUnit.SECONDS));
            buffer.flushBehind();

            assertTrue(parts.store.get(EngineParts.FOLDER, "d/a").isEmpty(), "not committed yet");
            assertEquals(a, buffer.current("d/a").record(), "the batch in flight is read");
            assertEquals(List.of("d/a", "d/b"), paths(buffer.pendingUnder("d")));
            assertEquals(List.of("d/a"), paths(buffer.sameInode(7, 10)));
            assertEquals(List.of(), announced(parts), "nothing announced before its commit");

            // a newer pending change hides the one in flight
            VersionVector v2 = a.version().bump(EngineParts.SELF, 2);
            buffer.put(IndexBuffer.Put.local(a.asDeleted(v2, EngineParts.SELF), null, null));
            assertTrue(buffer.current("d/a").record().deleted());
            assertEquals(List.of("d/b"), paths(buffer.pendingUnder("d")));
            assertEquals(List.of(), paths(buffer.sameInode(7, 10)));

            release.countDown();
            hold.get(30, TimeUnit.SECONDS);
            buffer.settle();
            assertEquals(a, parts.store.get(EngineParts.FOLDER, "d/a").orElseThrow().record(), "committed");
            assertEquals(List.of("d/a", "d/b"), announced(parts), "announced once committed");
            assertTrue(buffer.current("d/a").record().deleted(), "the pending change still hides it");

            buffer.flush();
            assertTrue(parts.store.get(EngineParts.FOLDER, "d/a").orElseThrow().record().deleted());
            assertEquals(List.of("d/a", "d/b", "d/a"), announced(parts));
        }
    }

    @Test
    void aFailedCommitLeavesTheBatchPendingBehindNewerChanges() throws Exception {
        try (EngineParts parts = new EngineParts(tmp)) {
            IndexBuffer buffer = parts.buffer;
            putLocal(parts, "a", 1, 10);
            FileRecord c = putLocal(parts, "c", 3, 12);
            buffer.ack("peer", "x", VersionVector.of(Map.of(EngineParts.PEER, 1L)));
            parts.store.close(); // every write fails from now on
            buffer.flushBehind();

            FileRecord a2 = parts.file("a", new byte[] {4}, 0644, 2, EngineParts.SELF, 2);
            buffer.put(IndexBuffer.Put.local(a2, stat(10), null));
            assertThrows(IndexException.class, buffer::settle);

            assertEquals(a2, buffer.current("a").record(), "the newer change wins");
            assertEquals(c, buffer.current("c").record(), "the failed batch's other change is pending again");
            assertFalse(parts.sent.stream().anyMatch(m -> m instanceof Message.Ack), "its acks were not sent");
            buffer.settle(); // nothing in flight any more
            assertThrows(IndexException.class, buffer::flush, "still pending: the next flush writes it");
            assertEquals(c, buffer.current("c").record());
        }
    }
}
