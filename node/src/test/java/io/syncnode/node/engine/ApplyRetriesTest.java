package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A remote version whose apply failed is applied again by the node itself, after 2 s doubling to
 * 60 s, one retry per path at a time, without its inline content (it takes the fetch path, which
 * waits for disk space); a success starts the waits over.
 */
class ApplyRetriesTest {
    private record Scheduled(Duration delay, Runnable task) {
    }

    private final List<Scheduled> timers = new ArrayList<>();
    private final List<String> redelivered = new ArrayList<>();
    private final ApplyRetries retries = new ApplyRetries("data", (d, t) -> timers.add(new Scheduled(d, t)),
            (from, a) -> {
                assertNull(a.inlineContent(), "no content is kept while it waits");
                redelivered.add(from + ":" + a.record().path());
            });

    private static FileRecord file(String path) {
        return new FileRecord(path, FileType.REGULAR, 0644, 0, 0, 1L, 0, ContentHash.of(new byte[32]), null, 0,
                VersionVector.of(Map.of(1L, 1L)), false, 1L);
    }

    @Test
    void failedAppliesComeBackAfterDoublingWaitsOnePerPath() {
        retries.failed("n1", file("a"));
        retries.failed("n1", file("a")); // failed again before its retry ran: still one retry
        assertEquals(1, timers.size());
        assertEquals(Duration.ofSeconds(2), timers.get(0).delay());
        assertEquals(1, retries.pending());

        timers.get(0).task().run();
        assertEquals(List.of("n1:a"), redelivered);
        assertEquals(0, retries.pending());

        retries.failed("n1", file("a"));
        assertEquals(Duration.ofSeconds(8), timers.get(1).delay(), "2 s, 4 s (the failure while waiting), 8 s");
        for (int i = 0; i < 10; i++) {
            timers.get(timers.size() - 1).task().run();
            retries.failed("n1", file("a"));
        }
        assertEquals(ApplyRetries.MAX, timers.get(timers.size() - 1).delay(), "capped");

        retries.succeeded("a");
        timers.get(timers.size() - 1).task().run();
        retries.failed("n2", file("a"));
        assertEquals(Duration.ofSeconds(2), timers.get(timers.size() - 1).delay(), "a success starts over");
    }

    @Test
    void aVersionThisNodeSettledItselfIsNotRetried() {
        retries.failed(null, file("b"));
        assertEquals(0, timers.size());
    }

    @Test
    void theRedeliveredVersionIsTheOneThatFailed() {
        retries.failed("n3", file("c"));
        timers.get(0).task().run();
        assertEquals(List.of("n3:c"), redelivered);
    }
}
