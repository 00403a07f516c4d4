package io.syncnode.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One full collection once the node is quiet after work and its heap is still big; none while it
 * works, none when it never worked, none for a small heap, and one per stretch of work.
 */
class IdleTrimTest {
    private final AtomicLong work = new AtomicLong();
    private final AtomicLong committed = new AtomicLong(500L << 20);
    private final AtomicInteger collections = new AtomicInteger();
    private final AtomicInteger releases = new AtomicInteger();
    private final IdleTrim trim = new IdleTrim(work::get, committed::get, collections::incrementAndGet,
            releases::incrementAndGet);

    @Test
    void aQuietNodeAfterWorkCollectsOnceAndAgainOnlyAfterMoreWork() {
        assertFalse(trim.check(), "never worked: nothing to give back");
        assertFalse(trim.check());
        work.addAndGet(1000);
        assertFalse(trim.check(), "working");
        work.addAndGet(1000);
        assertFalse(trim.check(), "still working");
        assertFalse(trim.check(), "one quiet check is not yet quiet");
        assertTrue(trim.check(), "quiet for two checks after work");
        assertEquals(1, collections.get());
        assertEquals(1, releases.get(), "the index's caches are freed with it");
        for (int i = 0; i < 10; i++) {
            assertFalse(trim.check(), "no more work, no more collections");
        }
        work.incrementAndGet();
        trim.check();
        trim.check();
        assertTrue(trim.check(), "the next stretch of work gets its own");
        assertEquals(2, collections.get());
    }

    @Test
    void aSmallHeapIsLeftAlone() {
        committed.set(IdleTrim.COMMITTED_MIB << 20);
        work.incrementAndGet();
        for (int i = 0; i < 5; i++) {
            assertFalse(trim.check());
        }
        assertEquals(0, collections.get());
        assertEquals(1, releases.get(), "the index's caches are freed whatever the heap");
        committed.set(200L << 20); // the quiet stretch is over: it waits for work again
        assertFalse(trim.check());
        assertEquals(0, collections.get());
    }
}
