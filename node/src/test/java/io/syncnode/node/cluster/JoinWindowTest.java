package io.syncnode.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.JGroupsStack;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A node whose folders announce changes while it is still joining (a restart under a stream of
 * writes) must not lose its flow-control credits: a multicast sent in the join window would be
 * charged by MFC and then dropped by NAKACK2, which has no sending window before the first view,
 * and every later multicast would wait forever for credits that never come back. Sends before the
 * join are refused instead, and the node's traffic after the join flows.
 */
class JoinWindowTest {
    private static final int PAYLOAD = 64 * 1024;

    private static final class Counting implements JGroupsTransport.Listener {
        final AtomicInteger received = new AtomicInteger();

        @Override
        public void onMessage(String fromName, byte[] payload) {
            if (payload.length == PAYLOAD && payload[0] == 1) { // the traffic after the join, not the flood
                received.incrementAndGet();
            }
        }

        @Override
        public void onView(List<String> members, boolean merge, Set<String> restarted) {
        }
    }

    @Test
    void multicastsDuringTheJoinAreRefusedAndTrafficAfterItFlows() throws Exception {
        String cluster = "join-window-" + System.nanoTime();
        String stack = JGroupsStack.loopback(cluster);
        Counting atA = new Counting();
        try (JGroupsTransport a = new JGroupsTransport(stack, cluster, "a", atA, null);
             JGroupsTransport b = new JGroupsTransport(stack, cluster, "b", new Counting(), null)) {
            a.connect();
            byte[] payload = new byte[PAYLOAD];
            AtomicBoolean joining = new AtomicBoolean(true);
            AtomicLong acceptedWhileJoining = new AtomicLong();
            // floods from before the join starts until it is over: far more than MFC's 4 MB of credits
            CompletableFuture<Long> flood = CompletableFuture.supplyAsync(() -> {
                long attempts = 0;
                while (joining.get() && attempts < 50_000_000L) {
                    attempts++;
                    try {
                        // a send is accepted only once the join installed the view
                        if (b.multicast(payload) && !b.members().contains("b")) {
                            acceptedWhileJoining.incrementAndGet();
                        }
                    } catch (Exception e) {
                        // JGroups refuses a send before the channel starts connecting: not sent either
                    }
                }
                return attempts;
            });
            b.connect();
            joining.set(false);
            long attempts = flood.get(30, TimeUnit.SECONDS);
            assertTrue(attempts > 0, "the flood ran during the join");
            assertEquals(0, acceptedWhileJoining.get(), "nothing is sent before the node is in a view");
            assertEquals(List.of("a", "b"), b.members().stream().sorted().toList());

            int count = 200; // 12.5 MiB: three times MFC's credits, so credits must come back
            byte[] marked = payload.clone();
            marked[0] = 1;
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < count; i++) {
                    try {
                        assertTrue(b.multicast(marked), "a joined node sends");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            sending.get(30, TimeUnit.SECONDS); // without the fix: blocked in MFC for good
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (atA.received.get() < count && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertEquals(count, atA.received.get(), "every multicast after the join arrives");
            assertFalse(sending.isCompletedExceptionally());
        }
    }
}
