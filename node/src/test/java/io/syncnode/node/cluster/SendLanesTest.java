package io.syncnode.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A peer whose sends block (flow control waiting for its credits, a full TCP window) holds up only
 * its own lane: the caller returns at once, other members' messages leave, a full lane drops what
 * may be dropped (and says so) and makes bulk data wait, and a member that left takes its lane along.
 */
class SendLanesTest {
    private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch slowReleased = new CountDownLatch(1);
    private final AtomicLong sentBytes = new AtomicLong();
    private final List<String> overflows = Collections.synchronizedList(new ArrayList<>());

    private SendLanes lanes(long laneBytes) {
        return new SendLanes((member, bytes) -> {
            if ("slow".equals(member)) {
                slowReleased.await();
            }
            sent.add((member == null ? "all" : member) + ":" + bytes[0]);
            return true;
        }, sentBytes::addAndGet, m -> overflows.add(String.valueOf(m)), laneBytes);
    }

    @Test
    void aBlockedPeerHoldsUpOnlyItsOwnLane() throws Exception {
        try (SendLanes l = lanes(1000)) {
            assertTrue(l.offer("slow", msg(1, 100), "IndexUpdate", Duration.ZERO), "queued, not waited for");
            assertTrue(l.offer("fast", msg(2, 100), "Ack", Duration.ZERO));
            assertTrue(l.offer(null, msg(3, 100), "IndexUpdate", Duration.ZERO));
            await(() -> sent.containsAll(List.of("fast:2", "all:3")), "the other lanes send while one is blocked");
            assertFalse(sent.contains("slow:1"));
            slowReleased.countDown();
            await(() -> sent.contains("slow:1"), "the blocked lane sends once its peer takes it");
            await(() -> sentBytes.get() == 300, "every byte the wire took is counted");
        }
    }

    @Test
    void aFullLaneDropsAnnouncementsAndMakesDataWait() throws Exception {
        try (SendLanes l = lanes(1000)) {
            // the first is taken by the lane's thread and blocks in the wire; then fill the lane
            assertTrue(l.offer("slow", msg(1, 600), "IndexUpdate", Duration.ZERO));
            await(() -> l.queuedBytes() == 600, "the first message is in the lane");
            assertTrue(l.offer("slow", msg(2, 400), "IndexUpdate", Duration.ZERO));
            assertFalse(l.offer("slow", msg(3, 10), "Ack", Duration.ZERO), "no room: dropped");
            assertEquals(List.of("slow"), overflows, "the drop is reported with its member");
            assertEquals(1, l.dropped());

            CompletableFuture<Boolean> data = CompletableFuture.supplyAsync(() -> {
                try {
                    return l.offer("slow", msg(4, 500), "FetchData", null);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertFalse(waitFor(data), "file data waits for room instead of being dropped");
            slowReleased.countDown();
            assertTrue(data.get(10, TimeUnit.SECONDS), "queued once there is room");
            await(() -> sent.equals(List.of("slow:1", "slow:2", "slow:4")), "one lane keeps its order: " + sent);
        }
    }

    @Test
    void aFullLaneMakesAnnouncementsWaitBrieflyThenDropsThemAtOnceUntilItDrained() throws Exception {
        try (SendLanes l = lanes(1000)) {
            assertTrue(l.offer("slow", msg(1, 600), "IndexUpdate", Duration.ZERO));
            await(() -> l.queuedBytes() == 600, "the first message is in the lane");
            assertTrue(l.offer("slow", msg(2, 400), "IndexUpdate", Duration.ZERO));
            long t0 = System.nanoTime();
            assertFalse(l.offer("slow", msg(3, 10), "IndexUpdate", Duration.ofMillis(200)), "no room in time");
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200), "it waited for room first");
            long t1 = System.nanoTime();
            assertFalse(l.offer("slow", msg(4, 10), "IndexUpdate", Duration.ofSeconds(5)), "overflowing: dropped");
            assertTrue(System.nanoTime() - t1 < TimeUnit.SECONDS.toNanos(4), "at once, not after the wait");
            assertEquals(2, l.dropped());
            slowReleased.countDown();
            await(() -> l.queuedBytes() == 0, "the lane drains once its peer takes it");
            assertTrue(l.offer("slow", msg(5, 10), "IndexUpdate", Duration.ZERO), "drained: queued again");
            await(() -> sent.equals(List.of("slow:1", "slow:2", "slow:5")), "what was queued leaves in order: " + sent);
        }
    }

    @Test
    void aMemberThatLeftTakesItsLaneAlong() throws Exception {
        SendLanes l = lanes(1000);
        try {
            assertTrue(l.offer("slow", msg(1, 100), "IndexUpdate", Duration.ZERO));
            assertTrue(l.offer("slow", msg(2, 100), "IndexUpdate", Duration.ZERO));
            await(() -> l.queuedBytes() == 200, "both queued");
            l.retainMembers(Set.of("fast"));
            assertEquals(0, l.queuedBytes(), "what the lane held goes with it");
            assertTrue(overflows.isEmpty(), "leaving is not an overflow");
            assertTrue(l.offer("fast", msg(3, 100), "Ack", Duration.ZERO));
            await(() -> sent.contains("fast:3"), "the others go on");
        } finally {
            l.close();
            slowReleased.countDown();
        }
        assertFalse(l.offer("fast", msg(4, 10), "Ack", Duration.ZERO), "nothing is queued after close");
        assertTrue(overflows.isEmpty(), "a closed node reports no overflow");
    }

    private static byte[] msg(int tag, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) tag;
        return b;
    }

    /** Whether {@code f} completes within 300 ms (it must not: it waits for room). */
    private static boolean waitFor(CompletableFuture<?> f) {
        try {
            f.get(300, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
