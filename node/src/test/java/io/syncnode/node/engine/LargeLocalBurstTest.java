package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of local changes larger than one prefetch of index rows ({@link FolderScans#PREFETCH_ROWS}):
 * rewritten, removed and new files in one directory, written as fast as the test can, so the
 * watcher reports most of them to one drain. Every change reaches the other node, none is taken for
 * unchanged because of a row read ahead of the scan. Real inotify, SQLite and JGroups
 * (SHARED_LOOPBACK).
 */
class LargeLocalBurstTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final int FILES = FolderScans.PREFETCH_ROWS + 476;

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of());
        cluster.startAll(Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void everyChangeOfABurstBeyondOnePrefetchReachesTheOtherNode() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        Path dir = Files.createDirectory(a.resolve("d"));
        for (int i = 0; i < FILES; i++) {
            Files.writeString(dir.resolve(name(i)), "first " + i);
        }
        cluster.awaitSame(T);
        for (int i = 0; i < FILES; i++) {
            switch (i % 3) {
                case 0 -> Files.writeString(dir.resolve(name(i)), "again " + i); // the same size
                case 1 -> Files.delete(dir.resolve(name(i)));
                default -> Files.writeString(dir.resolve("new-" + name(i)), "new " + i);
            }
        }
        cluster.awaitSame(T);
        for (int i = 0; i < FILES; i++) {
            Path onB = b.resolve("d").resolve(name(i));
            switch (i % 3) {
                case 0 -> assertEquals("again " + i, Files.readString(onB), onB.toString());
                case 1 -> assertFalse(Files.exists(onB), onB + " removed");
                default -> {
                    assertEquals("first " + i, Files.readString(onB), onB.toString());
                    assertEquals("new " + i, Files.readString(b.resolve("d").resolve("new-" + name(i))));
                }
            }
        }
    }

    private static String name(int i) {
        return String.format("f%05d", i);
    }
}
