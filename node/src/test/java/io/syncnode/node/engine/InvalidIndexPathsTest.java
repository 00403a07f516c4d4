package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.FileRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An older version let a remote record make {@code .syncnode-tmp.x/y} (the temp prefix was only
 * reserved in the last component). This version refuses such paths on the wire, so such a record
 * left in the index must neither be sent (every member would refuse its whole batch) nor become a
 * tombstone: the start-up scan forgets it, and leaves what is on disk alone.
 */
class InvalidIndexPathsTest {
    @TempDir
    Path tmp;

    @Test
    void theStartUpScanForgetsRecordsUnderReservedNamesAndSendsNothingOfThem() throws Exception {
        try (EngineParts parts = new EngineParts(tmp)) {
            byte[] content = "from an older version".getBytes(StandardCharsets.UTF_8);
            Path onDisk = Files.createDirectories(parts.root.resolve(".syncnode-tmp.x")).resolve("y");
            Files.write(onDisk, content);
            FileRecord bad = parts.file(".syncnode-tmp.x/y", content, 0644, 1L, EngineParts.PEER, 5);
            parts.store.write(w -> {
                w.put(EngineParts.FOLDER, bad, null);
                w.markDirty(EngineParts.FOLDER, bad.path(), List.of(EngineParts.PEER), parts.clock.instant());
                return null;
            }).join();

            LocalScanner scanner = new LocalScanner(parts.context, new EntryReader(64 * 1024),
                    new ChangingEntries(Duration.ZERO, parts.problems, (rel, d) -> { }), why -> { });
            assertTrue(parts.onWorker(() -> scanner.fullScan(true)));
            parts.onWorker(() -> {
                parts.buffer.flush();
                return null;
            });

            assertTrue(parts.store.get(EngineParts.FOLDER, bad.path()).isEmpty(), "the record is forgotten");
            assertEquals(0, parts.store.dirtyCount(EngineParts.FOLDER), "and nothing of it is dirty");
            assertTrue(parts.sent.stream().noneMatch(m -> m.toString().contains(".syncnode-tmp.")), "nor sent");
            assertTrue(Files.exists(onDisk), "what is on disk stays");
        }
    }
}
