package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member back after more changes than one page of dirty records ({@link DigestResponder#DIRTY_PAGE})
 * were made without it gets every one, and the author's dirty entries toward it all clear: the
 * records dirty toward it go a page at a time, each when its send lane has room. Real inotify,
 * SQLite and JGroups (SHARED_LOOPBACK).
 */
class ReturningMemberTest {
    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void aMemberBackAfterThousandsOfChangesGetsThemAllAndTheDirtyEntriesClear() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 2, List.of())) {
            c.startAll(T);
            // changes are dirty only toward peers this node knows (their id came in a greeting): wait for it
            await(T, () -> c.node(0).controlHandler().peers().stream().anyMatch(p -> p.name().equals("n1")),
                    () -> "n0 knows n1: " + c.node(0).controlHandler().peers());
            c.stop(1);
            int files = 2 * DigestResponder.DIRTY_PAGE + 500;
            Path staged = Files.createDirectory(tmp.resolve("staged"));
            for (int i = 0; i < files; i++) {
                Files.writeString(staged.resolve("f" + i), "file " + i);
            }
            Files.move(staged, c.dir(0).resolve("d"));
            await(T, () -> dirty(c) >= files, () -> "n0 recorded every file dirty toward n1: " + dirty(c));

            c.start(1);
            c.awaitSame(T);
            await(T, () -> dirty(c) == 0, () -> "n1 acknowledged everything: " + dirty(c) + " left");
            assertTrue(Files.isRegularFile(c.dir(1).resolve("d/f" + (files - 1))));
        }
    }

    /** n0's paths dirty toward a peer. */
    private static long dirty(LocalCluster c) {
        return c.node(0).controlHandler().status().folders().get(0).dirty();
    }
}
