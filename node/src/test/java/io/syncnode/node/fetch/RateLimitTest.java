package io.syncnode.node.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    private static final long MS = 1_000_000;
    private final AtomicLong nanos = new AtomicLong(1_000 * MS);
    private final RateLimit limit = new RateLimit(1_000_000, nanos::get); // 1 MB/s: 1 byte per µs

    @Test
    void aQuietLinkLetsOneBurstGoThenPacesAtTheCap() {
        assertEquals(0, limit.reserve(100_000), "100 KB of the 250 KB burst");
        assertEquals(0, limit.reserve(150_000), "the rest of the burst");
        assertEquals(0, limit.reserve(200_000), "the timeline reaches now");
        assertEquals(200 * MS, limit.reserve(1_000_000), "then each byte waits its microsecond");
        assertEquals(1_200 * MS, limit.reserve(1));
    }

    @Test
    void overAnyLongSpellTheBytesBookedMatchTheCap() {
        long sent = 0;
        long start = nanos.get();
        for (int i = 0; i < 1000; i++) {
            long wait = limit.reserve(256 * 1024);
            nanos.addAndGet(wait); // the caller waits its turn
            sent += 256 * 1024;
        }
        double seconds = (nanos.get() - start) / 1e9;
        assertEquals(1_000_000, sent / seconds, 10_000, "bytes per second over " + seconds + " s");
    }

    @Test
    void aQuietSpellOwesAtMostOneBurst() {
        limit.reserve(5_000_000);
        nanos.addAndGet(60_000 * MS); // a minute without traffic
        assertEquals(0, limit.reserve(250_000));
        assertEquals(0, limit.reserve(100_000), "the burst is used up: these bytes start now");
        assertEquals(100 * MS, limit.reserve(0), "no more than one burst at once");
    }

    @Test
    void aRateMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, nanos::get));
    }
}
