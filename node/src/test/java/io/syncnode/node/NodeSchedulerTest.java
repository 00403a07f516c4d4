package io.syncnode.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The node's timer thread drops a cancelled task from its queue at once: left there (the JDK's
 * default), each one would wake the thread at its time and keep what it refers to until then.
 */
class NodeSchedulerTest {
    @Test
    void aCancelledTimerLeavesTheQueueAtOnce() {
        ScheduledThreadPoolExecutor scheduler = NodeStartup.scheduler();
        try {
            for (int i = 0; i < 100; i++) {
                ScheduledFuture<?> t = scheduler.schedule(() -> { }, 30, TimeUnit.SECONDS);
                t.cancel(false);
            }
            ScheduledFuture<?> kept = scheduler.schedule(() -> { }, 30, TimeUnit.SECONDS);
            assertEquals(1, scheduler.getQueue().size(), "only the timer not cancelled waits");
            kept.cancel(false);
            assertEquals(0, scheduler.getQueue().size());
        } finally {
            scheduler.shutdownNow();
        }
    }
}
