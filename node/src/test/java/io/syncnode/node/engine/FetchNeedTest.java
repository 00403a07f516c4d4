package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.syncnode.node.control.StatusView;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FetchNeedTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong nanos = new AtomicLong(100 * S);
    private final FetchNeed need = new FetchNeed(nanos::get);

    @Test
    void countsWhatIsWantedOncePerPathAndForgetsWhatIsDropped() {
        need.wanted("a", 100);
        need.wanted("b", 50);
        need.wanted("a", 300); // a newer version of a replaces the one wanted
        assertEquals(new StatusView.Need(2, 350, 0, 0, null), need.snapshot());
        need.dropped("a");
        need.dropped("a"); // twice is harmless
        need.dropped("never-wanted");
        assertEquals(new StatusView.Need(1, 50, 0, 0, null), need.snapshot());
        need.dropped("b");
        assertEquals(StatusView.Need.NONE, need.snapshot());
    }

    @Test
    void thePaceIsTheLastTenSecondsAndTheEtaTheSlowerOfFilesAndBytes() {
        for (int i = 0; i < 100; i++) {
            need.wanted("f" + i, 1_000_000);
        }
        assertNull(need.snapshot().etaSeconds(), "no pace before the first completion");
        // 2 s into the seed: 10 files of 1 MB done, over 2 seconds
        for (int i = 0; i < 10; i++) {
            need.fetched(1_000_000);
            need.dropped("f" + i);
            if (i == 4) {
                nanos.addAndGet(S);
            }
        }
        StatusView.Need n = need.snapshot();
        assertEquals(90, n.files());
        assertEquals(90_000_000, n.bytes());
        assertEquals(5.0, n.filesPerSecond());
        assertEquals(5_000_000, n.bytesPerSecond());
        assertEquals(18L, n.etaSeconds()); // 90 files at 5/s, 90 MB at 5 MB/s
        // many small files: the files' pace is the slower one
        need.wanted("big", 0);
        nanos.addAndGet(20 * S); // the window moved past every completion
        assertNull(need.snapshot().etaSeconds(), "nothing completed in the last 10 s: no pace");
        assertEquals(0, need.snapshot().bytesPerSecond());
    }

    @Test
    void aNewSeedAfterAQuietSpellIsPacedOverItsOwnSeconds() {
        need.wanted("x", 10);
        need.fetched(10);
        need.dropped("x");
        nanos.addAndGet(60 * S);
        need.wanted("y", 10);
        need.wanted("z", 10);
        need.fetched(10);
        need.dropped("y");
        StatusView.Need n = need.snapshot();
        assertEquals(1.0, n.filesPerSecond(), "one file in its first second, not one in ten: " + n);
        assertEquals(1L, n.etaSeconds());
    }

    @Test
    void describeReadsAsOneLine() {
        assertEquals("1200 file(s) (3.4 GiB) from peers; 45.0 MB/s, 80.0 files/s; ETA 80 s",
                new StatusView.Need(1200, (long) (3.4 * (1L << 30)), 45_000_000, 80, 80L).describe());
        assertEquals("1 file(s) (5.0 MiB) from peers; 0.0 MB/s, 0.0 files/s; ETA unknown",
                new StatusView.Need(1, 5L << 20, 0, 0, null).describe());
    }
}
