package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A member's clock offset is measured from its send times and warned about beyond 30 s, once an hour. */
class ClockSkewTest {
    private final List<String> warnings = new ArrayList<>();
    private final Logger log = Logger.getLogger(ClockSkew.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            warnings.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stop() {
        log.removeHandler(capture);
    }

    private static final class Manual extends Clock {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId z) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void anHourAheadIsWarnedOnceAnHourAndShownPerPeer() {
        Manual clock = new Manual();
        ClockSkew skew = new ClockSkew(clock);
        assertNull(skew.offsetMs("beta"));
        skew.observe("beta", clock.millis() + 3_600_000);
        assertEquals(3_600_000L, skew.offsetMs("beta"));
        assertEquals(1, warnings.size());
        assertEquals(true, warnings.get(0).contains("beta's clock is 3600 s ahead"), warnings.get(0));
        clock.now = clock.now.plus(Duration.ofMinutes(30));
        skew.observe("beta", clock.millis() + 3_600_000);
        assertEquals(1, warnings.size(), "not again within the hour");
        clock.now = clock.now.plus(Duration.ofMinutes(31));
        skew.observe("beta", clock.millis() + 3_600_000);
        assertEquals(2, warnings.size(), "again after an hour");
    }

    @Test
    void smallOffsetsAndMissingTimesAreNotWarned() {
        Manual clock = new Manual();
        ClockSkew skew = new ClockSkew(clock);
        skew.observe("gamma", clock.millis() - 29_000);
        skew.observe("delta", 0);
        assertEquals(-29_000L, skew.offsetMs("gamma"));
        assertNull(skew.offsetMs("delta"), "an old node that does not send its time");
        assertEquals(List.of(), warnings);
        skew.observe("gamma", clock.millis() - 31_000);
        assertEquals(-29_000L, skew.offsetMs("gamma"), "a message that waited on its way does not count as skew");
        assertEquals(List.of(), warnings);
    }

    @Test
    void aClockBehindIsBelievedFromSeveralSamplesOfAWindow() {
        Manual clock = new Manual();
        ClockSkew skew = new ClockSkew(clock);
        skew.observe("gamma", clock.millis() - 29_000);
        clock.now = clock.now.plus(ClockSkew.WINDOW); // a new window
        skew.observe("gamma", clock.millis() - 31_000);
        skew.observe("gamma", clock.millis() - 31_500);
        assertEquals(List.of(), warnings, "two samples could both have waited");
        skew.observe("gamma", clock.millis() - 32_000);
        assertEquals(-31_000L, skew.offsetMs("gamma"), "the sample that waited least");
        assertEquals(1, warnings.size());
        assertEquals(true, warnings.get(0).contains("31 s behind"), warnings.get(0));
    }
}
