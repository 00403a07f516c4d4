package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.os.NativeFs;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user changes an entry the instant the node's apply of it is visible (as an operator who sees
 * the file arrive and at once chowns it): the change is the user's, a new version, and reaches the
 * other node. The node must not take the state it finds after its own write for its own write.
 * Real inotify, SQLite and JGroups (SHARED_LOOPBACK).
 */
class ChangeRightAfterApplyTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int ROUNDS = 24;

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of());
        cluster.startAll(T);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aChangeMadeAsSoonAsAnApplyLandsIsAChangeOfItsOwn() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        Files.writeString(b.resolve("target"), "t");
        awaitSame();
        for (int i = 0; i < ROUNDS; i++) {
            String name = "e" + i;
            Path onB = b.resolve(name);
            switch (i % 3) {
                case 0 -> NativeFs.symlink("target".getBytes(), onB);
                case 1 -> Files.writeString(onB, "content " + i);
                default -> Files.createDirectory(onB);
            }
            StatSignature written = lstat(onB).orElseThrow();
            Path onA = a.resolve(name);
            awaitApplied(onA, written);
            long mtime = 1_500_000_000_000_000_000L + i * 1_000_003L;
            NativeFs.setMtimeNoFollow(onA, mtime); // the user's touch, right after the apply
            String what = "round " + i + " (" + (i % 3 == 0 ? "symlink" : i % 3 == 1 ? "file" : "directory") + ")";
            await(T, () -> lstat(onB).map(s -> s.mtimeNs() == mtime).orElse(false),
                    () -> what + ": the touch on node 0 reaches node 1; node 1 has " + lstat(onB));
        }
        awaitSame();
        assertEquals(NativeTree.snapshot(a), NativeTree.snapshot(b));
        assertTrue(Files.isSymbolicLink(a.resolve("e0")));
    }

    @Test
    void anEntryRemovedAsSoonAsItsApplyLandsStaysRemoved() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        for (int i = 0; i < ROUNDS; i++) {
            String name = "r" + i;
            Path onB = b.resolve(name);
            if (i % 2 == 0) {
                NativeFs.symlink("elsewhere".getBytes(), onB);
            } else {
                Files.writeString(onB, "content " + i);
            }
            StatSignature written = lstat(onB).orElseThrow();
            Path onA = a.resolve(name);
            awaitApplied(onA, written);
            Files.delete(onA); // the user's rm, right after the apply
            String what = "round " + i + " (" + (i % 2 == 0 ? "symlink" : "file") + ")";
            await(T, () -> lstat(onB).isEmpty(), () -> what + ": the removal on node 0 reaches node 1");
        }
        awaitSame();
        try (var names = Files.list(a)) {
            assertEquals(List.of(), names.toList(), "nothing came back");
        }
    }

    /** Spins (bounded) until the entry shows the mtime and mode it was written with on the other node. */
    private static void awaitApplied(Path p, StatSignature written) {
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<StatSignature> s = lstat(p);
            if (s.isPresent() && s.get().mtimeNs() == written.mtimeNs() && s.get().mode() == written.mode()) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(p + " not applied within " + T + ": " + lstat(p));
    }

    private static Optional<StatSignature> lstat(Path p) {
        try {
            return EntryReader.lstat(p).map(EntryReader.Lstat::signature);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void awaitSame() {
        cluster.awaitSame(T);
    }
}
