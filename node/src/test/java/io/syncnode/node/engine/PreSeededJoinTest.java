package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.StatusView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a new node whose folder was seeded before its first start (here with {@code cp -a},
 * as with {@code rsync -a} or a restored backup) joins a running 3-node cluster and adopts the
 * cluster's versions of its identical files (csync2 {@code -cIr}): no content transferred, no
 * conflict copy, nothing dirty either way afterwards. Real nodes in one JVM (inotify, SQLite,
 * JGroups SHARED_LOOPBACK).
 */
class PreSeededJoinTest {
    private static final Duration T = Duration.ofSeconds(40);

    @TempDir
    Path tmp;

    @Test
    void aPreSeededNodeAdoptsTheClustersVersionsWithoutTransfersOrCopies() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 3, List.of())) {
            c.start(0);
            c.start(1);
            await(T, () -> c.node(0).controlHandler().status().members().size() == 2, () -> "n0 and n1 joined");
            Random rnd = new Random(15);
            for (int d = 0; d < 4; d++) {
                Path dir = Files.createDirectories(c.dir(0).resolve("etc" + d));
                for (int f = 0; f < 25; f++) {
                    Files.writeString(dir.resolve("conf" + f), "setting " + d + "." + f + " = " + rnd.nextLong());
                }
            }
            byte[] big = new byte[2 << 20];
            rnd.nextBytes(big);
            Files.write(c.dir(0).resolve("image.bin"), big);
            Files.writeString(c.dir(1).resolve("from-n1.txt"), "written on n1");
            c.awaitSame(T);
            await(T, () -> c.node(0).controlHandler().dirty(null).isEmpty() && c.node(1).controlHandler().dirty(null).isEmpty(),
                    () -> "n0 and n1 in sync");

            // the operator seeds n2's folder from n0's (owner, mode, times kept), then starts it
            Files.delete(c.dir(2));
            Process cp = new ProcessBuilder("cp", "-a", c.dir(0).toString(), c.dir(2).toString()).inheritIO().start();
            assertTrue(cp.waitFor(60, TimeUnit.SECONDS) && cp.exitValue() == 0, "cp -a");
            c.start(2);
            await(T, () -> c.node(0).controlHandler().status().members().size() == 3, () -> "n2 joined");
            await(T, () -> dirtyNowhere(c), () -> "nothing dirty on any node: "
                    + c.node(0).controlHandler().dirty(null) + c.node(2).controlHandler().dirty(null));
            // adopted: n2's index holds the cluster's versions (equal folder digests: path, version, deleted)
            await(T, () -> sameDigest(c), () -> "the three nodes' digests of data are equal");
            assertEquals(NativeTree.snapshot(c.dir(0)), NativeTree.snapshot(c.dir(2)));
            StatusView.Counters n2 = c.node(2).controlHandler().status().counters();
            assertEquals(0, n2.bytesFetched(), "n2 fetched no content: " + n2);
            assertEquals(0, n2.inlineBytesReceived(), "no file's content came inline: " + n2);
            for (int i = 0; i < 3; i++) {
                assertEquals(List.of(), copies(c.dir(i)), "no conflict copy on n" + i);
                assertEquals(List.of(), c.node(i).controlHandler().conflicts(), "no open conflict on n" + i);
            }
            // the versions are the cluster's: a change on n2 now is a plain successor everywhere
            Files.writeString(c.dir(2).resolve("etc1/conf3"), "changed on n2 after the join");
            await(T, () -> read(c.dir(0).resolve("etc1/conf3")).equals("changed on n2 after the join")
                    && read(c.dir(1).resolve("etc1/conf3")).equals("changed on n2 after the join"), () -> "n2's change");
            await(T, () -> dirtyNowhere(c), () -> "acknowledged");
            for (int i = 0; i < 3; i++) {
                assertEquals(List.of(), copies(c.dir(i)), "still no conflict copy on n" + i);
            }
        }
    }

    private static boolean dirtyNowhere(LocalCluster c) {
        for (int i = 0; i < 3; i++) {
            if (!c.node(i).controlHandler().dirty(null).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameDigest(LocalCluster c) {
        try {
            byte[] first = c.node(0).folder("data").digestLater().get().digest();
            for (int i = 1; i < 3; i++) {
                if (!java.util.Arrays.equals(first, c.node(i).folder("data").digestLater().get().digest())) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> copies(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".sync-conflict-")).sorted().toList();
        }
    }
}
