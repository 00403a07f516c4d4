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
                    (members, merge, restarted) -> { }, m -> "127.0.0.1:7800", greeted::add, new ClockSkew(Clock.systemUTC()),
                    m -> { });
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
                    (members, merge, restarted) -> { }, m -> "127.0.0.1:7800", greeted::add, new ClockSkew(Clock.systemUTC()),
                    m -> { });
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
}
