package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncnode.node.control.StatusView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SeedLogTest {
    private static final long S = 1_000_000_000L;
    private final Logger logger = Logger.getLogger(SeedLog.class.getName());
    private final List<String> lines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final AtomicLong nanos = new AtomicLong();
    private final SeedLog log = new SeedLog(nanos::get);
    private final Map<String, StatusView.Need> needs = new HashMap<>();

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
    }

    private void tick() {
        log.report(List.of("ct101", "etc"), needs::get);
        nanos.addAndGet(SeedLog.EVERY_SECONDS * S);
    }

    @Test
    void aSeedIsReportedEveryCallAndItsEndOnce() {
        needs.put("ct101", new StatusView.Need(1200, 1 << 30, 45_000_000, 80, 80L));
        needs.put("etc", StatusView.Need.NONE);
        tick(); // first sighting: a single fetch under way would end here, silently
        assertEquals(List.of(), lines);
        tick();
        tick();
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("ct101: needs 1200 file(s) (1.0 GiB) from peers; 45.0 MB/s, 80.0 files/s; ETA 80 s", lines.get(0));
        needs.put("ct101", StatusView.Need.NONE);
        tick();
        tick();
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("ct101: has caught up with its peers (needed content for about 30 s)", lines.get(2));
    }

    @Test
    void aNeedSeenOnceSaysNothing() {
        needs.put("ct101", new StatusView.Need(1, 100, 0, 0, null));
        tick();
        needs.put("ct101", StatusView.Need.NONE);
        tick();
        tick();
        assertEquals(List.of(), lines);
    }
}
