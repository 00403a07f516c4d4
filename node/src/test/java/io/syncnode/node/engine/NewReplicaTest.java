package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.StatusView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new, empty replica gets the small files of a populated folder inside the index exchange (no
 * fetch per file); large ones are fetched. Real inotify, SQLite and JGroups (SHARED_LOOPBACK).
 */
class NewReplicaTest {
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
    void anEmptyNodeReceivesSmallFilesInlineWithTheIndexAndFetchesOnlyTheLargeOne() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of());
        Path a = cluster.dir(0);
        Random rnd = new Random(11);
        long smallBytes = 0;
        for (int d = 0; d < 5; d++) {
            Path dir = Files.createDirectory(a.resolve("d" + d));
            for (int f = 0; f < 60; f++) {
                byte[] content = new byte[1 + rnd.nextInt(8192)];
                rnd.nextBytes(content);
                Files.write(dir.resolve("f" + f), content);
                smallBytes += content.length;
            }
        }
        byte[] large = new byte[200_000]; // over the 64 KiB inline limit
        rnd.nextBytes(large);
        Files.write(a.resolve("large.bin"), large);
        cluster.start(0);
        cluster.start(1);

        await(Duration.ofSeconds(30), () -> NativeTree.snapshot(cluster.dir(0)).equals(NativeTree.snapshot(cluster.dir(1))),
                () -> "identical trees\n a=" + NativeTree.snapshot(cluster.dir(0)) + "\n b=" + NativeTree.snapshot(cluster.dir(1)));
        StatusView.Counters b = cluster.node(1).controlHandler().status().counters();
        assertEquals(large.length, b.bytesFetched(), "only the large file was fetched: " + b);
        assertTrue(b.inlineBytesReceived() >= smallBytes, "the small files came inline: " + b + " (small files: "
                + smallBytes + " bytes)");
    }
}
