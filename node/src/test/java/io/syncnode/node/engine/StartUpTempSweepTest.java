package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.scan.EntryReader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The temp entries a crashed or killed node left behind are removed by the start-up scan's own
 * walk (no second walk of the tree), tolerating anything found, never emptying a directory, never
 * following a link; later scans leave temp names alone (an apply may be writing them).
 */
class StartUpTempSweepTest {
    @TempDir
    Path tmp;

    @Test
    void theStartUpScanRemovesLeftoversAndLaterScansLeaveTempNamesAlone(@TempDir Path outside) throws Exception {
        try (EngineParts parts = new EngineParts(tmp)) {
            Path root = parts.root;
            Files.writeString(outside.resolve("keep.txt"), "not the folder's");
            Path tempDir = Files.createDirectories(root.resolve("a/.syncnode-tmp.x/y/z"));
            Files.writeString(tempDir.resolve("f"), "under a temp-named directory (an old remote record's)");
            Files.createSymbolicLink(root.resolve("a/.syncnode-tmp.link"), outside);
            Files.createDirectories(root.resolve("b/.syncnode-tmp.empty"));
            Files.writeString(root.resolve("a/.syncnode-tmp.f.1a2b3c"), "a crashed apply's temp file");
            Files.writeString(root.resolve(".syncnode-tmp.top.000000000000"), "at the root");
            Files.writeString(root.resolve("a/kept.txt"), "the user's");

            LocalScanner scanner = new LocalScanner(parts.context, new EntryReader(64 * 1024),
                    new ChangingEntries(Duration.ZERO, parts.problems, (rel, d) -> { }), why -> { });
            scanner.sweepLeftoverTemps();
            assertTrue(parts.onWorker(() -> scanner.fullScan(true)));

            assertFalse(Files.exists(root.resolve("a/.syncnode-tmp.f.1a2b3c")));
            assertFalse(Files.exists(root.resolve(".syncnode-tmp.top.000000000000")));
            assertFalse(Files.exists(root.resolve("a/.syncnode-tmp.link"), LinkOption.NOFOLLOW_LINKS),
                    "the link itself is removed");
            assertFalse(Files.exists(root.resolve("b/.syncnode-tmp.empty")));
            assertTrue(Files.exists(tempDir.resolve("f")), "a non-empty temp-named directory is left, not emptied");
            assertTrue(Files.exists(root.resolve("a/kept.txt")));
            assertTrue(Files.exists(outside.resolve("keep.txt")), "nothing behind the symlink was touched");
            assertTrue(parts.store.get(EngineParts.FOLDER, "a/kept.txt").isPresent(), "the scan itself ran");
            assertTrue(parts.store.get(EngineParts.FOLDER, "a/.syncnode-tmp.x").isEmpty(), "temp names are not indexed");

            Path inFlight = root.resolve("a/.syncnode-tmp.g.0123456789ab"); // an apply's, after the start
            Files.writeString(inFlight, "being written");
            assertTrue(parts.onWorker(() -> scanner.fullScan(true)));
            assertTrue(Files.exists(inFlight), "only the start-up scan sweeps");
            assertEquals(java.util.Optional.empty(), parts.store.get(EngineParts.FOLDER, "a/.syncnode-tmp.g.0123456789ab"));
        }
    }
}
