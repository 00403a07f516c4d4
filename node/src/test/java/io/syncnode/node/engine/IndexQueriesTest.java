package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IndexQueries} between two nodes joined by fake outboxes: the asker pulls an answer of
 * several pages from a real SQLite index, one page at a time; answers from another member, refusals,
 * timeouts and too many open queries end a query as PROTOCOL.md 5.7 says.
 */
class IndexQueriesTest {
    static final VersionVector V = VersionVector.of(Map.of(7L, 3L));
    static final ContentHash H = ContentHash.ofHex("11".repeat(32));
    static final int FILES = 2_500;

    @TempDir
    Path tmp;
    SqliteIndexStore store;
    ScheduledExecutorService scheduler;
    ExecutorService network;
    /** The queries b was sent, in order. */
    final List<Message.IndexQuery> queries = new CopyOnWriteArrayList<>();
    IndexQueries a;
    IndexQueries b;

    @BeforeEach
    void start() throws Exception {
        store = SqliteIndexStore.open(tmp.resolve("state"));
        store.write(w -> {
            for (int i = 0; i < FILES; i++) {
                w.put("data", new FileRecord(String.format("dir/f%05d", i), FileType.REGULAR, 0644, 0, 0, 1, 3, H,
                        null, 0, V, false, 7), null);
            }
            w.put("data", new FileRecord("gone", FileType.REGULAR, 0644, 0, 0, 1, 0, null, null, 0, V, true, 7), null);
            w.put("data", new FileRecord("top", FileType.REGULAR, 0644, 0, 0, 1, 3, H, null, 0, V, false, 7), null);
            return null;
        }).get(30, TimeUnit.SECONDS);
        scheduler = Executors.newScheduledThreadPool(1);
        network = Executors.newSingleThreadExecutor();
        // a -> b: queries; b -> a: answers; delivered on another thread, as JGroups would
        a = new IndexQueries(Map.of(), null, outbox("b", m -> {
            queries.add((Message.IndexQuery) m);
            b.onQuery("a", (Message.IndexQuery) m, true);
        }), network, scheduler, Duration.ofSeconds(10));
        b = new IndexQueries(Map.of(), store, outbox("a", m -> a.onAnswer("b", (Message.IndexAnswer) m)), network,
                scheduler);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        network.shutdownNow();
        store.close();
    }

    private Outbox outbox(String to, java.util.function.Consumer<Message> deliver) {
        return new Outbox() {
            @Override
            public boolean send(String member, Message message) {
                if (!member.equals(to)) {
                    return false;
                }
                network.execute(() -> deliver.accept(message));
                return true;
            }

            @Override
            public void multicast(Message message) {
                throw new AssertionError("index queries are never multicast");
            }
        };
    }

    @Test
    void aLargeAnswerArrivesPageByPageOneInFlight() throws Exception {
        List<Message.Announced> all = a.ask("b", "data", List.of(), false).get(30, TimeUnit.SECONDS);
        assertEquals(FILES + 2, all.size(), "every record, the tombstone included");
        assertEquals(List.of(0, 1, 2), queries.stream().map(Message.IndexQuery::page).toList());
        assertEquals(1, queries.stream().map(Message.IndexQuery::queryId).distinct().count(), "one query id");
        assertTrue(all.stream().anyMatch(x -> x.record().deleted()));
    }

    @Test
    void pathsLimitTheAnswerToThemAndWhatIsBelowThem() throws Exception {
        List<Message.Announced> some = a.ask("b", "data", List.of("top", "dir/f00007", "nothing"), false)
                .get(30, TimeUnit.SECONDS);
        assertEquals(List.of("top", "dir/f00007"), some.stream().map(x -> x.record().path()).toList());
        assertEquals(FILES, a.ask("b", "data", List.of("dir"), false).get(30, TimeUnit.SECONDS).size());
    }

    @Test
    void aPageOfAQueryTheMemberNoLongerKeepsIsRefusedAsExpired() throws Exception {
        CompletableFuture<Message.IndexAnswer> answer = new CompletableFuture<>();
        IndexQueries server = new IndexQueries(Map.of(), store, outbox("a", m -> answer.complete((Message.IndexAnswer) m)),
                network, scheduler);
        server.onQuery("a", new Message.IndexQuery(42, "data", List.of(), false, 3), true);
        assertTrue(answer.get(10, TimeUnit.SECONDS).refused().contains("expired"), answer.get().refused());
    }

    @Test
    void aFolderNotSharedIsRefusedWithoutReadingIt() throws Exception {
        CompletableFuture<Message.IndexAnswer> answer = new CompletableFuture<>();
        IndexQueries server = new IndexQueries(Map.of(), store, outbox("a", m -> answer.complete((Message.IndexAnswer) m)),
                network, scheduler);
        server.onQuery("a", new Message.IndexQuery(42, "data", List.of(), false, 0), false);
        Message.IndexAnswer refused = answer.get(10, TimeUnit.SECONDS);
        assertEquals("no folder data is shared with a on this node", refused.refused());
        assertTrue(refused.files().isEmpty());
        assertTrue(refused.last());
    }

    /** An asker whose queries go nowhere: the test answers by hand. */
    private IndexQueries silentAsker(List<Message.IndexQuery> sent, Duration timeout) {
        return new IndexQueries(Map.of(), null, outbox("b", m -> sent.add((Message.IndexQuery) m)), network, scheduler,
                timeout);
    }

    private static Message.Announced top() {
        return new Message.Announced(new FileRecord("top", FileType.REGULAR, 0644, 0, 0, 1, 3, H, null, 0, V, false, 7),
                null);
    }

    private static <T> void awaitSize(List<T> list, int n) {
        io.syncnode.testing.Await.await(Duration.ofSeconds(10), () -> list.size() == n, n + " queries sent");
    }

    @Test
    void anAnswerFromAnotherMemberOrFolderIsIgnored() throws Exception {
        List<Message.IndexQuery> sent = new CopyOnWriteArrayList<>();
        IndexQueries asker = silentAsker(sent, Duration.ofSeconds(10));
        CompletableFuture<List<Message.Announced>> result = asker.ask("b", "data", List.of(), false);
        awaitSize(sent, 1);
        long id = sent.get(0).queryId();
        asker.onAnswer("c", new Message.IndexAnswer(id, "data", List.of(top()), true, null));
        asker.onAnswer("b", new Message.IndexAnswer(id, "other", List.of(top()), true, null));
        asker.onAnswer("b", new Message.IndexAnswer(id + 1, "data", List.of(top()), true, null));
        assertFalse(result.isDone(), "only b's answer about data to this query counts");
        asker.onAnswer("b", new Message.IndexAnswer(id, "data", List.of(), true, null));
        assertEquals(List.of(), result.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aRefusalOrASilentMemberFailsTheQueryWithAMessage() throws Exception {
        List<Message.IndexQuery> sent = new CopyOnWriteArrayList<>();
        IndexQueries asker = silentAsker(sent, Duration.ofMillis(200));
        CompletableFuture<List<Message.Announced>> refused = asker.ask("b", "data", List.of(), false);
        awaitSize(sent, 1);
        asker.onAnswer("b", new Message.IndexAnswer(sent.get(0).queryId(), "data", List.of(), true, "busy"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IndexQueries.QueryFailed.class, e.getCause());
        assertEquals("b refused: busy", e.getCause().getMessage());

        ExecutionException silent = assertThrows(ExecutionException.class,
                () -> asker.ask("b", "data", List.of(), false).get(10, TimeUnit.SECONDS));
        assertEquals("no answer from b within 200 ms (page 0)", silent.getCause().getMessage());
        ExecutionException gone = assertThrows(ExecutionException.class,
                () -> asker.ask("x", "data", List.of(), false).get(10, TimeUnit.SECONDS));
        assertTrue(gone.getCause().getMessage().startsWith("x is not a member of the cluster now"),
                gone.getCause().getMessage());
    }

    @Test
    void atMostSixteenQueriesAreOpenAtOnce() throws Exception {
        List<Message.IndexQuery> sent = new CopyOnWriteArrayList<>();
        IndexQueries asker = silentAsker(sent, Duration.ofSeconds(30));
        for (int i = 0; i < IndexQueries.MAX_OPEN; i++) {
            assertFalse(asker.ask("b", "data", List.of(), false).isDone());
        }
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> asker.ask("b", "data", List.of(), false).get(1, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().startsWith("too many index queries open (16)"), e.getCause().getMessage());
    }
}
