package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.ConflictView;
import io.syncnode.node.control.DirtyView;
import io.syncnode.protocol.ConflictPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Real nodes in one JVM over SHARED_LOOPBACK; a partition made with DISCARD; both sides write the
 * same path; the partition heals. Every policy ends with the same tree on both nodes, nobody's
 * write silently lost where the policy keeps it, and no traffic afterwards. The cases run at the
 * same time (each starts a cluster of its own), as they mostly wait for a split and a merge.
 */
@Execution(ExecutionMode.CONCURRENT)
class SplitBrainTest {
    private static final Duration T = Duration.ofSeconds(40);
    private static final long OLD = 1_700_000_000_000_000_000L;
    private static final long NEW = 1_700_000_100_000_000_000L;

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start(ConflictPolicy policy, List<String> priority, Path script) throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of(), policy, priority, script);
        cluster.start(0);
        cluster.start(1);
        awaitMembers(2, 0, 1);
        Files.writeString(cluster.dir(0).resolve("f.txt"), "base\n");
        awaitSame();
    }

    private void awaitMembers(int n, int... nodes) {
        for (int i : nodes) {
            await(T, () -> cluster.node(i).controlHandler().status().members().size() == n,
                    () -> cluster.name(i) + " sees " + n + " members: " + cluster.node(i).controlHandler().status().members());
        }
    }

    private void awaitSame() {
        await(T, () -> NativeTree.snapshot(cluster.dir(0)).equals(NativeTree.snapshot(cluster.dir(1))),
                () -> "identical trees\n n0=" + NativeTree.snapshot(cluster.dir(0)) + "\n n1=" + NativeTree.snapshot(cluster.dir(1)));
    }

    /** Splits, lets each side write f.txt (n0 older, n1 newer), heals. */
    private void splitWriteHeal(String n0Content, String n1Content) throws Exception {
        cluster.partition(List.of(0), List.of(1));
        awaitMembers(1, 0, 1);
        write(0, n0Content, OLD);
        write(1, n1Content, NEW);
        // let each side record its own write before the heal
        awaitDirty(0, "f.txt");
        awaitDirty(1, "f.txt");
        cluster.heal();
        awaitMembers(2, 0, 1);
    }

    private void write(int i, String content, long mtimeNs) throws IOException {
        writeAt(i, "f.txt", content, mtimeNs);
    }

    private String read(int i, String name) throws IOException {
        return Files.readString(cluster.dir(i).resolve(name));
    }

    private List<String> copies(int i) throws IOException {
        try (Stream<Path> s = Files.list(cluster.dir(i))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".sync-conflict-")).sorted().toList();
        }
    }

    /**
     * No loop: after convergence the announcement and apply counters come to rest (unchanged for
     * 3 s) within the deadline. Bounded anti-entropy right after a heal is allowed; a loop never
     * comes to rest.
     */
    private void assertQuiet() {
        await(T, () -> cluster.node(0).controlHandler().dirty(null).isEmpty()
                && cluster.node(1).controlHandler().dirty(null).isEmpty(), () -> "dirty drained");
        long deadline = System.nanoTime() + T.toNanos();
        String last = activity();
        long stableSince = System.nanoTime();
        while (System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(3)) {
            assertTrue(System.nanoTime() < deadline, "counters never came to rest (a loop?): " + activity());
            LockSupport.parkNanos(100_000_000);
            String now = activity();
            if (!now.equals(last)) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
    }

    private String activity() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            var c = cluster.node(i).controlHandler().status().counters();
            sb.append(c.announcementsSent()).append('/').append(c.filesApplied()).append(' ');
        }
        return sb.toString();
    }

    @Test
    void keepBothKeepsTheLoserAsAConflictCopyOnEveryNode() throws Exception {
        start(ConflictPolicy.KEEP_BOTH, List.of(), null);
        splitWriteHeal("from n0\n", "from n1\n");
        await(T, () -> {
            try {
                return copies(0).size() == 1 && copies(1).size() == 1;
            } catch (IOException e) {
                return false;
            }
        }, () -> "one conflict copy on each node");
        awaitSame();
        assertEquals("from n1\n", read(0, "f.txt"), "the newer version keeps the path");
        String copy = copies(0).get(0);
        assertTrue(copy.matches("f\\.sync-conflict-\\d{8}-\\d{6}-n0\\.txt"), copy);
        assertEquals("from n0\n", read(1, copy), "the older version survives as the copy, on every node");
        Map<String, Long> seen = cluster.node(0).controlHandler().status().folders().get(0).sinceHeal();
        Map<String, Long> seen1 = cluster.node(1).controlHandler().status().folders().get(0).sinceHeal();
        assertTrue(seen.containsKey("kept-both") || seen1.containsKey("kept-both"), "split-brain counters: " + seen + seen1);
        assertQuiet();
    }

    /**
     * Issue 10: both sides of a split write byte-identical content (at different times, one also
     * with another mode): no conflict copy, no manual entry, no script run under any policy; the
     * policy's order settles the metadata the same way on both nodes.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(value = ConflictPolicy.class, names = {"KEEP_BOTH", "MANUAL", "SCRIPT"})
    void identicalContentWrittenOnBothSidesIsNoConflictUnderEveryPolicy(ConflictPolicy policy) throws Exception {
        // the policies that would leave a trace of a conflict (a copy, an entry, a script run); the
        // others are pinned by ReconcilerTest.sameContentWithOtherMetadataIsNoConflictUnderEveryPolicy
        Path script = Path.of("..", "scripts", "conflict", "merge-lines").toAbsolutePath().normalize();
        start(policy, List.of("n1", "n0"), policy == ConflictPolicy.SCRIPT ? script : null);
        cluster.partition(List.of(0), List.of(1));
        awaitMembers(1, 0, 1);
        write(0, "the same bytes on both sides\n", OLD);
        Files.setPosixFilePermissions(cluster.dir(0).resolve("f.txt"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        write(1, "the same bytes on both sides\n", NEW);
        awaitDirty(0, "f.txt");
        awaitDirty(1, "f.txt");
        cluster.heal();
        awaitMembers(2, 0, 1);
        awaitSame();
        assertQuiet();
        assertEquals(List.of(), copies(0), "no conflict copy of identical content");
        assertEquals(List.of(), copies(1));
        assertEquals(List.of(), cluster.node(0).controlHandler().conflicts(), "no manual entry, no script");
        assertEquals(List.of(), cluster.node(1).controlHandler().conflicts());
        assertEquals("the same bytes on both sides\n", read(0, "f.txt"));
        for (int i = 0; i < 2; i++) {
            Map<String, Long> since = cluster.node(i).controlHandler().status().folders().get(0).sinceHeal();
            assertTrue(!since.containsKey("kept-both") && !since.containsKey("manual") && !since.containsKey("script"),
                    "no conflict outcome counted on n" + i + ": " + since);
        }
    }

    @Test
    void newestTakesTheNewerVersionEverywhere() throws Exception {
        start(ConflictPolicy.NEWEST, List.of(), null);
        splitWriteHeal("from n0\n", "from n1\n");
        awaitSame();
        assertEquals("from n1\n", read(0, "f.txt"));
        assertEquals(List.of(), copies(0));
        assertQuiet();
    }

    @Test
    void oldestTakesTheOlderVersionEverywhere() throws Exception {
        start(ConflictPolicy.OLDEST, List.of(), null);
        splitWriteHeal("from n0\n", "from n1\n");
        await(T, () -> {
            try {
                return read(1, "f.txt").equals("from n0\n");
            } catch (IOException e) {
                return false;
            }
        }, () -> "n0's older version on n1");
        awaitSame();
        assertQuiet();
    }

    @Test
    void biggerAndSmallerCompareSizes() throws Exception {
        start(ConflictPolicy.BIGGER, List.of(), null);
        splitWriteHeal("from n0, the longer one\n", "n1\n");
        awaitSame();
        assertEquals("from n0, the longer one\n", read(1, "f.txt"));
        assertQuiet();
    }

    @Test
    void priorityPrefersTheListedNodeOverTheNewerWrite() throws Exception {
        start(ConflictPolicy.PRIORITY, List.of("n0", "n1"), null);
        splitWriteHeal("from n0\n", "from n1\n");
        awaitSame();
        assertEquals("from n0\n", read(1, "f.txt"), "n0 is first in the priority list");
        assertQuiet();
    }

    @Test
    void manualLeavesBothVersionsUntilResolveMakesOneWinEverywhere() throws Exception {
        start(ConflictPolicy.MANUAL, List.of(), null);
        splitWriteHeal("from n0\n", "from n1\n");
        await(T, () -> cluster.node(0).controlHandler().conflicts().size() == 1
                && cluster.node(1).controlHandler().conflicts().size() == 1, () -> "conflict listed on both nodes");
        assertEquals("from n0\n", read(0, "f.txt"), "nobody overwrites under manual");
        assertEquals("from n1\n", read(1, "f.txt"), "nobody overwrites under manual");
        ConflictView c = cluster.node(0).controlHandler().conflicts().get(0);
        assertEquals("f.txt", c.path());
        assertEquals("n0", c.local().node());
        assertEquals("n1", c.remote().node());
        cluster.node(0).controlHandler().resolve("data", "f.txt", "remote");
        awaitSame();
        assertEquals("from n1\n", read(0, "f.txt"));
        await(T, () -> cluster.node(0).controlHandler().conflicts().isEmpty()
                && cluster.node(1).controlHandler().conflicts().isEmpty(), () -> "conflict settled on both nodes");
        assertQuiet();
    }

    @Test
    void scriptMergesLineBasedFiles() throws Exception {
        Path script = Path.of("..", "scripts", "conflict", "merge-lines").toAbsolutePath().normalize();
        start(ConflictPolicy.SCRIPT, List.of(), script);
        splitWriteHeal("base\nfrom n0\n", "base\nfrom n1\n");
        await(T, () -> {
            try {
                String a = read(0, "f.txt");
                return a.contains("from n0") && a.contains("from n1") && a.equals(read(1, "f.txt"));
            } catch (IOException e) {
                return false;
            }
        }, () -> "merged content on both nodes");
        awaitSame();
        assertEquals("base\nfrom n0\nfrom n1\n".length(), read(0, "f.txt").length());
        await(T, () -> cluster.node(0).controlHandler().conflicts().isEmpty()
                && cluster.node(1).controlHandler().conflicts().isEmpty(), () -> "no open conflict");
        assertQuiet();
    }

    @Test
    void modificationBeatsAConcurrentDelete() throws Exception {
        start(ConflictPolicy.KEEP_BOTH, List.of(), null);
        cluster.partition(List.of(0), List.of(1));
        awaitMembers(1, 0, 1);
        Files.delete(cluster.dir(0).resolve("f.txt"));
        write(1, "kept\n", NEW);
        awaitDirty(0, "f.txt");
        awaitDirty(1, "f.txt");
        cluster.heal();
        awaitMembers(2, 0, 1);
        awaitSame();
        assertEquals("kept\n", read(0, "f.txt"));
        assertQuiet();
    }

    @Test
    void folderScopeGivesTheWholeFolderToTheSideWithTheNewestChange() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of(), ConflictPolicy.NEWEST, List.of(), null,
                io.syncnode.protocol.ConflictScope.FOLDER);
        cluster.start(0);
        cluster.start(1);
        awaitMembers(2, 0, 1);
        for (String p : List.of("a", "b", "c", "d")) {
            Files.writeString(cluster.dir(0).resolve(p), "base " + p + "\n");
        }
        awaitSame();
        cluster.partition(List.of(0), List.of(1));
        awaitMembers(1, 0, 1);
        writeAt(0, "a", "n0 a\n", OLD);
        writeAt(0, "b", "n0 b\n", OLD);
        // n0's change to c is newer than n1's to c: a per-file verdict would split the folder
        writeAt(0, "c", "n0 c\n", NEW + 5_000_000_000L);
        writeAt(1, "b", "n1 b\n", NEW);
        writeAt(1, "c", "n1 c\n", NEW);
        writeAt(1, "d", "n1 d\n", NEW + 9_000_000_000L);
        // the verdict weighs what each side recorded: every change, with its final mtime, before the heal
        awaitDirty(0, "a", "b", "c");
        awaitDirty(1, "b", "c", "d");
        cluster.heal();
        awaitMembers(2, 0, 1);
        awaitSame();
        assertEquals("n0 a\n", read(1, "a"), "a changed on one side only");
        assertEquals("n1 b\n", read(0, "b"), "n1's side wins the folder");
        assertEquals("n1 c\n", read(0, "c"), "n1's side wins the folder, even where n0's change was newer");
        assertEquals("n1 d\n", read(0, "d"));
        List<ConflictView> lost = cluster.node(0).controlHandler().conflicts();
        assertEquals(1, lost.size(), "the losing node lists the folder conflict: " + lost);
        assertEquals("folder", lost.get(0).scope());
        assertEquals("n1", lost.get(0).remote().node());
        Path saved = Path.of(lost.get(0).saved());
        assertTrue(saved.startsWith(cluster.stateDir(0).resolve("conflicts/data")), saved.toString());
        assertEquals("n0 b\n", Files.readString(saved.resolve("b")), "n0's losing versions are kept");
        assertEquals("n0 c\n", Files.readString(saved.resolve("c")));
        assertEquals(List.of(), cluster.node(1).controlHandler().conflicts(), "the winner lost nothing");
        assertQuiet();
    }

    /**
     * Puts {@code content} with mtime {@code mtimeNs} at {@code name} in one step: written and dated
     * beside the folder, then renamed into it. Written in place, the watcher may record the file
     * with the mtime of the write (now) before its mtime is set, and a heal that comes between the
     * two versions lets the verdict weigh the first one.
     */
    private void writeAt(int i, String name, String content, long mtimeNs) throws IOException {
        Path staged = cluster.dir(i).resolveSibling(name + ".staged");
        Files.writeString(staged, content);
        Files.setLastModifiedTime(staged, FileTime.from(mtimeNs, TimeUnit.NANOSECONDS));
        Files.move(staged, cluster.dir(i).resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits until node {@code i} has recorded a change of each of {@code paths} (dirty toward its peer). */
    private void awaitDirty(int i, String... paths) {
        await(T, () -> cluster.node(i).controlHandler().dirty(null).stream().map(DirtyView::path)
                        .collect(Collectors.toSet()).containsAll(List.of(paths)),
                () -> cluster.name(i) + " recorded " + List.of(paths) + "; dirty: " + cluster.node(i).controlHandler().dirty(null));
    }
}
