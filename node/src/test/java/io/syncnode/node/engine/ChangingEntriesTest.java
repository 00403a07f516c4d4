package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An entry that keeps changing while it is read is read again later each time, capped, and shown. */
class ChangingEntriesTest {
    @Test
    void delaysDoubleFromTheSettleTimeUpToTheCapAndTheProblemShowsFromTheThirdAttempt() {
        Problems problems = new Problems();
        List<Duration> scheduled = new ArrayList<>();
        ChangingEntries c = new ChangingEntries(Duration.ofMillis(20), problems, (rel, d) -> scheduled.add(d));
        for (int i = 0; i < 14; i++) {
            c.changedWhileRead("var/log/app.log");
            if (i == 1) {
                assertEquals(0, problems.size(), "two attempts are ordinary");
            }
        }
        assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 51200L, 60000L, 60000L,
                60000L), scheduled.stream().map(Duration::toMillis).toList(), "the settle time (at least 50 ms), doubling, capped");
        assertEquals(new Problems.Problem(Problems.Kind.KEEPS_CHANGING,
                "keeps changing while it is read; read again in 60000 ms (attempt 14)"), problems.of("var/log/app.log"));
        c.readWhole("var/log/app.log");
        assertEquals(null, problems.of("var/log/app.log"), "read whole: the problem ends");
        scheduled.clear();
        c.changedWhileRead("var/log/app.log");
        assertEquals(List.of(50L), scheduled.stream().map(Duration::toMillis).toList(), "and the next change starts short again");
    }

    @Test
    void aReadWholeLeavesOtherProblemsOfThePathAlone() {
        Problems problems = new Problems();
        problems.put("a", Problems.Kind.APPLY_FAILED, "disk full");
        ChangingEntries c = new ChangingEntries(Duration.ofMillis(200), problems, (rel, d) -> { });
        c.readWhole("a");
        assertEquals("apply failed: disk full", problems.of("a").text());
        assertEquals(Duration.ofMillis(200), c.delay(1), "a settle time above 50 ms is the first delay");
    }

    @Test
    void aPathWaitsForItsScheduledReadSoThatEventsDoNotReadItSooner() {
        long[] now = {0};
        ChangingEntries c = new ChangingEntries(Duration.ofMillis(100), new Problems(), (rel, d) -> { },
                () -> now[0]);
        assertFalse(c.waiting("busy.log"), "never seen changing: read at once");
        c.changedWhileRead("busy.log"); // next read in 100 ms
        now[0] = Duration.ofMillis(99).toNanos();
        assertTrue(c.waiting("busy.log"), "an event's scan before the delay leaves it alone");
        now[0] = Duration.ofMillis(100).toNanos();
        assertFalse(c.waiting("busy.log"), "due: the scheduled read reads it");
        c.changedWhileRead("busy.log"); // next in 200 ms
        now[0] += Duration.ofMillis(150).toNanos();
        assertTrue(c.waiting("busy.log"));
        c.readWhole("busy.log");
        assertFalse(c.waiting("busy.log"), "read whole: no more waiting");
    }
}
