package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.Rate;
import io.syncnode.node.control.StatusView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, the bulk path: a new node pulls from several peers at once when more than one has the
 * content. Two members hold the same versions of files too big to come inline; a third, empty one
 * joins and gets the whole index from each; its fetches are spread over both. Both sources are held
 * to a send cap, so the fetches outlast the arrival of the second index (without the cap, the first
 * index could be fetched whole before the second one is read). Real inotify, SQLite and JGroups
 * (SHARED_LOOPBACK).
 */
class MultiSourceSeedTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final int FILES = 200;
    private static final int SIZE = 80 * 1024; // over the 64 KiB inline limit: each one is fetched
    private static final long CAP = 8_000_000;

    @TempDir
    Path tmp;

    @Test
    void anEmptyNodeFetchesFromBothMembersThatHoldTheContent() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 3, List.of())) {
            c.bandwidth(0, new Rate(CAP), null).bandwidth(1, new Rate(CAP), null);
            c.start(0);
            c.start(1);
            writeFiles(c, 0);
            long servedBefore0 = counters(c, 0).bytesServed();
            long servedBefore1 = counters(c, 1).bytesServed();

            c.start(2);
            await(T, () -> NativeTree.snapshot(c.dir(0)).equals(NativeTree.snapshot(c.dir(2))),
                    () -> "n2 holds every file");
            long total = (long) FILES * SIZE;
            assertEquals(total, counters(c, 2).bytesFetched(), "n2 fetched each file once");
            long from0 = counters(c, 0).bytesServed() - servedBefore0;
            long from1 = counters(c, 1).bytesServed() - servedBefore1;
            assertEquals(total, from0 + from1, "n0 and n1 served n2's fetches between them");
            assertTrue(from0 >= total / 5 && from1 >= total / 5, "both members served a good share: n0 "
                    + from0 + " bytes, n1 " + from1 + " of " + total);
        }
    }

    @Test
    void fetchesFromAMemberThatLeavesGoOnFromTheOtherAtOnce() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 3, List.of())) {
            c.bandwidth(0, new Rate(CAP / 8), null).bandwidth(1, new Rate(CAP), null); // n0's transfers are slow
            c.start(0);
            c.start(1);
            writeFiles(c, 1); // n1 sends them to n0 at n1's rate
            long servedBefore0 = counters(c, 0).bytesServed();
            long servedBefore1 = counters(c, 1).bytesServed();

            c.start(2);
            // both serve: n2 has both indexes, so each path has two sources when n0 goes
            await(T, () -> counters(c, 0).bytesServed() > servedBefore0 && counters(c, 1).bytesServed() > servedBefore1,
                    () -> "n0 and n1 serve some of n2's fetches");
            c.stop(0);
            // a fetch that failed without another source is reported (FETCH_FAILED) and retried 2 s later;
            // one that goes on from the other member at once never shows a problem
            long[] mostProblems = {0};
            await(T, () -> {
                mostProblems[0] = Math.max(mostProblems[0], c.node(2).controlHandler().status().folders().get(0).problems());
                return NativeTree.snapshot(c.dir(1)).equals(NativeTree.snapshot(c.dir(2)));
            }, () -> "n2 holds every file");
            assertEquals(0, mostProblems[0], "no fetch of n2 waited for a retry");
            assertEquals(0, c.node(2).controlHandler().status().folders().get(0).problems());
        }
    }

    @Test
    void aNewNodeGetsEachSmallFileInlineFromOneMemberOnly() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 3, List.of())) {
            c.start(0);
            c.start(1);
            // half written on each: each member has announced records to the other, so each knows the other holds some
            Random rnd = new Random(17);
            long small = 0;
            for (int n = 0; n < 2; n++) {
                Path staged = Files.createDirectory(tmp.resolve("small" + n));
                for (int i = 0; i < 150; i++) {
                    byte[] content = new byte[1 + rnd.nextInt(4096)];
                    rnd.nextBytes(content);
                    Files.write(staged.resolve("s" + i), content);
                    small += content.length;
                }
                Files.move(staged, c.dir(n).resolve("from-n" + n));
            }
            await(T, () -> NativeTree.snapshot(c.dir(0)).equals(NativeTree.snapshot(c.dir(1))), () -> "n0 and n1 agree");
            await(T, () -> c.node(0).controlHandler().dirty(null).isEmpty()
                    && c.node(1).controlHandler().dirty(null).isEmpty(), () -> "n0 and n1 have nothing dirty");
            long sentBefore0 = counters(c, 0).inlineBytesSent();
            long sentBefore1 = counters(c, 1).inlineBytesSent();

            c.start(2);
            await(T, () -> NativeTree.snapshot(c.dir(0)).equals(NativeTree.snapshot(c.dir(2))),
                    () -> "n2 holds every file");
            long sent0 = counters(c, 0).inlineBytesSent() - sentBefore0;
            long sent1 = counters(c, 1).inlineBytesSent() - sentBefore1;
            StatusView.Counters n2 = counters(c, 2);
            // a record from the member that sends none inline may come first: that file is fetched, and the inline
            // copy from the other member may then arrive anyway or, on a loaded machine, not at all (n2 holds the
            // version by then); so how each file came depends on the timing, and only its bounds are asserted
            assertTrue(n2.inlineBytesReceived() < 2 * small, "no small file came inline twice: " + n2
                    + " (small files: " + small + " bytes)");
            assertTrue(n2.inlineBytesReceived() + n2.bytesFetched() >= small, "every small file came inline or"
                    + " fetched: " + n2 + " (small files: " + small + " bytes)");
            assertFalse(sent0 > 0 && sent1 > 0, "one member at most sent the content inline: n0 " + sent0
                    + " bytes, n1 " + sent1 + " (small files: " + small + " bytes)");
        }
    }

    /**
     * {@value #FILES} files of {@value #SIZE} random bytes, moved into node {@code into}'s folder at
     * once; back when n0 and n1 both hold them and have nothing dirty.
     */
    private void writeFiles(LocalCluster c, int into) throws Exception {
        Path staged = Files.createDirectory(tmp.resolve("staged"));
        Random rnd = new Random(13);
        for (int i = 0; i < FILES; i++) {
            byte[] content = new byte[SIZE];
            rnd.nextBytes(content);
            Files.write(staged.resolve("f" + i), content);
        }
        Files.move(staged, c.dir(into).resolve("d"));
        await(T, () -> NativeTree.snapshot(c.dir(0)).equals(NativeTree.snapshot(c.dir(1))), () -> "n1 holds n0's files");
        await(T, () -> c.node(0).controlHandler().dirty(null).isEmpty()
                && c.node(1).controlHandler().dirty(null).isEmpty(), () -> "n0 and n1 have nothing dirty");
    }

    private static StatusView.Counters counters(LocalCluster c, int i) {
        return c.node(i).controlHandler().status().counters();
    }
}
