package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.FakeControlHandler;
import io.syncnode.node.control.ScanProgress;
import io.syncnode.node.control.StatusView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control handler of a node that is still starting: progress, waits, refusals, hand-over. */
class StartingNodeTest {
    @TempDir
    Path dir;

    private static boolean parked(Thread t) {
        return t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING;
    }

    @Test
    void statusShowsThePhaseAndEachFoldersScanThenTheRunningNodesOwn() throws Exception {
        SyncnodeConfig config = TestConfigs.alpha(dir);
        StartingNode starting = new StartingNode(config);
        StatusView before = starting.status();
        assertEquals("starting", before.start().phase());
        assertEquals(List.of("starting"), before.folders().stream().map(StatusView.FolderStatus::state).distinct().toList());
        assertEquals(List.of(), before.members());
        assertTrue(before.degradedBecause().contains("starting: starting"), before.degradedBecause().toString());

        ScanProgress scan = new ScanProgress();
        String folder = config.folders().get(0).name();
        starting.scanProgress(Map.of(folder, scan));
        starting.scanning(List.of(folder));
        scan.began(100);
        for (int i = 0; i < 40; i++) {
            scan.entry();
        }
        scan.hashed(4096);
        StatusView scanning = starting.status();
        assertEquals("scanning", scanning.start().phase());
        StatusView.ScanView v = scanning.start().scans().get(0);
        assertEquals(folder, v.folder());
        assertEquals(40, v.entries());
        assertEquals(100, v.expected());
        assertEquals(4096, v.bytesHashed());
        assertTrue(v.running());
        assertTrue(v.etaSeconds() != null && v.etaSeconds() >= 0, "an ETA from the index's count: " + v);
        assertEquals("scanning", scanning.folders().get(0).state());
        assertEquals(40, scanning.folders().get(0).files());
        scan.ended();
        starting.joining("c");
        assertEquals("joining", starting.status().start().phase());
        assertEquals(0L, starting.status().start().scans().get(0).etaSeconds(), "a finished scan: ETA 0");

        FakeControlHandler node = new FakeControlHandler();
        starting.started(node);
        assertEquals(node.status, starting.status());
        assertNull(starting.status().start());
    }

    @Test
    void pauseResumeAndSyncWaitForTheStartOtherVerbsAreRefused() throws Exception {
        SyncnodeConfig config = TestConfigs.alpha(dir);
        StartingNode starting = new StartingNode(config);
        starting.scanning(List.of("ct101"));
        ControlHandler.NotStarted refused = assertThrows(ControlHandler.NotStarted.class, () -> starting.dirty(null));
        assertEquals("node alpha is starting (scanning); `syncnode status` shows its progress", refused.getMessage());
        assertThrows(ControlHandler.NotStarted.class, () -> starting.check(null, List.of()));
        assertThrows(ControlHandler.NotStarted.class, starting::peers);

        CompletableFuture<Boolean> resumed = new CompletableFuture<>();
        Thread resume = new Thread(() -> {
            try {
                resumed.complete(starting.resume("ct101"));
            } catch (Exception e) {
                resumed.completeExceptionally(e);
            }
        });
        resume.start();
        TestConfigs.await(Duration.ofSeconds(10), () -> parked(resume));
        assertTrue(!resumed.isDone(), "resume waits while the node starts");

        ControlHandler.ControlException gaveUp = assertThrows(ControlHandler.ControlException.class,
                () -> starting.sync(null, Duration.ofMillis(50), false));
        assertTrue(gaveUp.getMessage().endsWith("; gave up waiting after 0 s"), gaveUp.getMessage());

        FakeControlHandler node = new FakeControlHandler();
        starting.started(node);
        assertEquals(true, resumed.get(10, TimeUnit.SECONDS) != null);
        assertTrue(node.calls.contains("resume ct101"), node.calls.toString());
        starting.dirty(null);
        assertTrue(node.calls.contains("dirty null"), node.calls.toString());
    }

    @Test
    void aFailedStartEndsTheWaitsWithItsReason() throws Exception {
        StartingNode starting = new StartingNode(TestConfigs.alpha(dir));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread pause = new Thread(() -> {
            try {
                starting.pause("ct101");
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        pause.start();
        TestConfigs.await(Duration.ofSeconds(10), () -> parked(pause));
        starting.failed("state dir /var/lib/syncnode is in use by another syncnode process");
        Throwable e = outcome.get(10, TimeUnit.SECONDS);
        assertTrue(e instanceof ControlHandler.NotStarted, String.valueOf(e));
        assertEquals("node alpha failed to start: state dir /var/lib/syncnode is in use by another syncnode process",
                e.getMessage());
        assertEquals("failed: state dir /var/lib/syncnode is in use by another syncnode process",
                starting.status().start().phase());
    }
}
