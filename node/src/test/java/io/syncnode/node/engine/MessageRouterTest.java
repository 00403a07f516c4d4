package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.WireCodec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member heard from for the first time through its digest is greeted with this node's digest
 * (so that it learns this node too, whose own digests may have reached it before it was ready);
 * once per member, and not for other messages. Real SQLite index.
 */
class MessageRouterTest {
    @TempDir
    Path tmp;

    @Test
    void aNewMembersDigestIsAnsweredOnceSoItLearnsThisNode() throws Exception {
        List<String> greeted = new ArrayList<>();
        try (SqliteIndexStore store = SqliteIndexStore.open(tmp)) {
            PeerDirectory peers = new PeerDirectory(store, store.nodeId(), Clock.systemUTC());
            MessageRouter router = new MessageRouter(Map.of(), peers, null, null, new NodeCounters(),
                    node(greeted), new ClockSkew(Clock.systemUTC()), Clock.systemUTC(), null);
            Message.Digest digest = new Message.Digest(List.of(new Message.FolderDigest("data", new byte[32], 0)));
            Message.Ack ack = new Message.Ack("data", List.of());

            router.onMessage("n2", WireCodec.encode(0x22L, "n2", ack));
            assertEquals(List.of(), greeted, "an ack is not answered with a digest");
            assertTrue(peers.knownIds().contains(0x22L), "n2 is known from its ack");
            router.onMessage("n3", WireCodec.encode(0x33L, "n3", digest));
            assertEquals(List.of("n3"), greeted);
            router.onMessage("n3", WireCodec.encode(0x33L, "n3", digest));
            router.onMessage("n2", WireCodec.encode(0x22L, "n2", digest));
            assertEquals(List.of("n3"), greeted, "members already known are not greeted again");
        }
    }

    @Test
    void aMemberClaimingAnotherMembersNodeIdOrThisNodesOwnIsRefused() throws Exception {
        try (SqliteIndexStore store = SqliteIndexStore.open(tmp)) {
            PeerDirectory peers = new PeerDirectory(store, store.nodeId(), Clock.systemUTC());
            NodeCounters counters = new NodeCounters();
            List<String> greeted = new ArrayList<>();
            MessageRouter router = new MessageRouter(Map.of(), peers, null, null, counters,
                    node(greeted), new ClockSkew(Clock.systemUTC()), Clock.systemUTC(), null);
            Message.Digest digest = new Message.Digest(List.of(new Message.FolderDigest("data", new byte[32], 0)));
            router.onMessage("n2", WireCodec.encode(0x22L, "n2", digest));
            assertEquals(0, counters.rejectedMessages.get());

            router.onMessage("n4", WireCodec.encode(0x22L, "n4", digest));
            assertEquals(1, counters.rejectedMessages.get(), "n4 claims n2's id");
            assertEquals("n2", peers.nameOf(0x22L), "n2 keeps its id");
            assertEquals(null, peers.idOf("n4"), "n4 is not recorded under n2's id");
            router.onMessage("n4", WireCodec.encode(store.nodeId(), "n4", digest));
            assertEquals(2, counters.rejectedMessages.get(), "n4 claims this node's own id");
            router.onMessage("n4", WireCodec.encode(0x44L, "n2", digest));
            assertEquals(3, counters.rejectedMessages.get(), "an envelope naming another sender than the transport's");
            assertEquals(List.of("n2"), greeted, "nothing refused reached the folders or was answered");

            router.onMessage("n2", WireCodec.encode(0x23L, "n2", digest));
            assertEquals(3, counters.rejectedMessages.get(), "n2 came back with a new id (its state was reset): accepted");
            assertEquals(0x23L, peers.idOf("n2"));
        }
    }

    @Test
    void aVersionFarAheadOfThisNodesClockIsRefused() throws Exception {
        Clock clock = Clock.fixed(java.time.Instant.parse("2026-12-05T00:00:00Z"), java.time.ZoneOffset.UTC);
        long now = clock.instant().getEpochSecond();
        try (SqliteIndexStore store = SqliteIndexStore.open(tmp)) {
            PeerDirectory peers = new PeerDirectory(store, store.nodeId(), clock);
            NodeCounters counters = new NodeCounters();
            MessageRouter router = new MessageRouter(Map.of(), peers, null, null, counters,
                    node(new ArrayList<>()), new ClockSkew(clock), clock, null);
            long edge = now + io.syncnode.protocol.VersionVector.MAX_AHEAD_SECONDS;
            router.onMessage("n2", WireCodec.encode(0x22L, "n2", update("f", edge)));
            router.onMessage("n2", WireCodec.encode(0x22L, "n2", ack("f", edge)));
            assertEquals(0, counters.rejectedMessages.get(), "a counter at the limit is accepted");

            router.onMessage("n2", WireCodec.encode(0x22L, "n2", update("f", edge + 1)));
            assertEquals(1, counters.rejectedMessages.get(), "a record one second beyond the limit");
            router.onMessage("n2", WireCodec.encode(0x22L, "n2", update("g", Long.MAX_VALUE)));
            assertEquals(2, counters.rejectedMessages.get(), "a record at 2^63 - 1 (a bump would overflow)");
            router.onMessage("n2", WireCodec.encode(0x22L, "n2", ack("f", Long.MAX_VALUE - 1)));
            assertEquals(3, counters.rejectedMessages.get(), "an acknowledgement");

            Message.IndexUpdate mixed = new Message.IndexUpdate("data", List.of(update("ok1", now).files().get(0),
                    update("bad", Long.MAX_VALUE).files().get(0), update("ok2", now).files().get(0)), false, false);
            router.onMessage("n2", WireCodec.encode(0x22L, "n2", mixed));
            assertEquals(4, counters.rejectedMessages.get(), "only the bad record of a batch is refused");
        }
    }

    /** The rest of the node, as far as these tests look: who was greeted. */
    private static MessageRouter.Node node(List<String> greeted) {
        return new MessageRouter.Node() {
            @Override
            public void viewChanged(List<String> members, boolean merge, java.util.Set<String> restarted) {
            }

            @Override
            public String addressOf(String member) {
                return "127.0.0.1:7800";
            }

            @Override
            public void greet(String member) {
                greeted.add(member);
            }

            @Override
            public void heardAgain(String member) {
            }
        };
    }

    private static io.syncnode.protocol.VersionVector version(long counter) {
        return io.syncnode.protocol.VersionVector.of(Map.of(0x22L, counter));
    }

    private static Message.IndexUpdate update(String path, long counter) {
        io.syncnode.protocol.FileRecord r = new io.syncnode.protocol.FileRecord(path,
                io.syncnode.protocol.FileType.REGULAR, 0644, 0, 0, 1L, 0,
                io.syncnode.protocol.ContentHash.of(new byte[32]), null, 0, version(counter), false, 0x22L);
        return new Message.IndexUpdate("data", List.of(new Message.Announced(r, null)), false, false);
    }

    private static Message.Ack ack(String path, long counter) {
        return new Message.Ack("data", List.of(new Message.AckEntry(path, version(counter))));
    }
}
