package io.syncnode.node.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.VersionVector;
import io.syncnode.testing.ManualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One member may have at most {@value TransferSource#MAX_REQUESTS_PER_MEMBER} requests of one folder
 * queued or served at once; more are refused at once with {@code BAD_REQUEST}, so a flood of
 * requests cannot fill the serving pool's queue. The pool here runs nothing until the test says so.
 */
class TransferSourceLimitsTest {
    private final List<Message.FetchAbort> aborts = new ArrayList<>();
    private final ManualScheduler pool = new ManualScheduler();
    private final TransferSource source = new TransferSource(new Outbox() {
        @Override
        public boolean send(String member, Message message) {
            if (message instanceof Message.FetchAbort a) {
                aborts.add(a);
            }
            return true;
        }

        @Override
        public void multicast(Message message) {
        }
    }, pool, (folder, path, hash) -> Optional.empty(), (folder, path) -> { }, new AtomicLong());

    private static Message.FetchRequest request(long id, String folder) {
        return new Message.FetchRequest(id, folder, "f" + id, VersionVector.of(Map.of(1L, 1L)),
                ContentHash.of(new byte[32]), null, 8);
    }

    @Test
    void aMembersRequestsBeyondTheLimitAreRefusedAtOnce() {
        int limit = TransferSource.MAX_REQUESTS_PER_MEMBER;
        for (int i = 0; i < limit + 10; i++) {
            source.onRequest("n2", request(i, "web"));
        }
        assertEquals(limit, pool.pending(), "queued for the serving pool");
        assertEquals(10, aborts.size());
        assertTrue(aborts.stream().allMatch(a -> a.reason() == Message.AbortReason.BAD_REQUEST
                && a.detail().contains("more than " + limit)), aborts.toString());

        source.onRequest("n3", request(1_000, "web"));
        source.onRequest("n2", request(1_001, "db"));
        assertEquals(limit + 2, pool.pending(), "other members and other folders are not held back");

        pool.runDue(); // every queued request is served (here: answered VERSION_GONE) and ends
        aborts.clear();
        source.onRequest("n2", request(2_000, "web"));
        assertEquals(1, pool.pending(), "finished requests no longer count");
        assertEquals(List.of(), aborts);
    }
}
