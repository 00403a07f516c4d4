package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which member each fetch of a wanted version starts from ({@link FetchSources}). */
class FetchSourcesTest {
    @Test
    void fetchesOfContentOfferedByTwoMembersAreSpreadOverBoth() {
        FetchSources s = new FetchSources();
        Map<String, Integer> started = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            s.first("f" + i, "a");
            s.also("f" + i, "b");
        }
        for (int i = 0; i < 10; i++) {
            started.merge(s.start("f" + i, "a"), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 5, "b", 5), started, "ten running fetches, two sources");
    }

    @Test
    void aFetchStartsFromTheSourceWithFewestRunningAndTiesGoToTheEarliestOffer() {
        FetchSources s = new FetchSources();
        s.first("x", "b");
        s.also("x", "a");
        assertEquals("b", s.start("x", "b"), "nothing running anywhere: the first offer");
        s.first("y", "b");
        s.also("y", "a");
        assertEquals("a", s.start("y", "b"), "b runs one fetch, a none");
        s.first("z", "b");
        s.also("z", "a");
        s.finished("a");
        assertEquals("a", s.start("z", "b"), "a finished its fetch: fewer running than b");
        assertEquals("c", s.start("unknown", "c"), "no offer recorded: the given member");
    }

    @Test
    void aFailedSourceIsDroppedForThatPathAndAnotherOfferIsNamed() {
        FetchSources s = new FetchSources();
        s.first("p", "a");
        s.also("p", "b");
        s.also("p", "c");
        assertEquals("a", s.start("p", "a"));
        s.finished("a");
        assertEquals("b", s.failed("p", "a"));
        assertEquals(Set.of("b", "c"), s.of("p"));
        assertEquals("b", s.start("p", "a"), "the failed member is no source any more, even with none running");
        s.finished("b");
        assertEquals("c", s.failed("p", "b"));
        assertNull(s.failed("p", "c"), "no source left: the caller retries later");
        assertEquals(Set.of(), s.of("p"));
    }

    @Test
    void newContentAtAPathReplacesItsOffersAndAForgottenPathHasNone() {
        FetchSources s = new FetchSources();
        s.first("p", "a");
        s.also("p", "b");
        s.first("p", "c"); // other content is wanted at p now, offered by c alone
        assertEquals(Set.of("c"), s.of("p"));
        s.forget("p");
        assertEquals(Set.of(), s.of("p"));
        assertNull(s.failed("p", "c"));
    }
}
