package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.ControlHandler.ControlException;
import io.syncnode.node.control.StatusView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping a node does not wait for the folder worker's long steps: a full scan of a large tree
 * ends at the next entry, and the next start scans the whole tree again (nothing is lost). Real
 * inotify, SQLite and JGroups (SHARED_LOOPBACK).
 */
class PromptStopTest {
    static final int DIRS = 50;
    static final int PER_DIR = 400;

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void stoppingDuringAFullScanEndsItAtOnceAndTheNextStartScansEverything() throws Exception {
        cluster = new LocalCluster(tmp, 1, List.of());
        cluster.start(0);
        // paused: the files below are not scanned as they are written; the resume scans them all
        assertTrue(cluster.node(0).controlHandler().pause("data"));
        Path dir = cluster.dir(0);
        for (int d = 0; d < DIRS; d++) {
            Path sub = Files.createDirectory(dir.resolve("d" + d));
            for (int f = 0; f < PER_DIR; f++) {
                Files.writeString(sub.resolve("f" + f), "file " + f + " of " + d);
            }
        }
        CompletableFuture<Boolean> resume = CompletableFuture.supplyAsync(() -> {
            try {
                return cluster.node(0).controlHandler().resume("data");
            } catch (ControlException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        await(Duration.ofSeconds(20), () -> "scanning".equals(folder().state()) && folder().files() > 0,
                () -> "the resume's scan is under way (" + folder().state() + ", " + folder().files() + " files)");

        long t0 = System.nanoTime();
        cluster.stop(0);
        long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> resume.get(10, TimeUnit.SECONDS), "the scan was cut short, not finished");
        assertTrue(e.getCause().getMessage().contains("stopping"), e.getCause().getMessage());
        System.out.printf("PromptStopTest: node stopped %d ms into a full scan of %d entries%n", stopMs,
                DIRS * (PER_DIR + 1));

        cluster.start(0);
        assertEquals(DIRS * (PER_DIR + 1), folder().files(), "the next start scanned every entry");
        assertEquals("idle", folder().state());
    }

    private StatusView.FolderStatus folder() {
        return cluster.node(0).controlHandler().status().folders().get(0);
    }
}
