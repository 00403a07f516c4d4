package io.syncnode.node.watch;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The watcher on real inotify. Isolated: {@code closeStopsTheThreadPromptlyAndReleasesTheFd} counts
 * the process's inotify descriptors, so no other test may open or close one meanwhile (once, in a
 * whole-suite run, it counted 3 more than its own, opened by tests running beside it).
 */
@Isolated
class InotifyWatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger ROOTS = new AtomicInteger();

    @TempDir
    Path base;
    Path root;
    Path outside;
    final RecordingListener events = new RecordingListener();
    final List<InotifyWatcher> watchers = new ArrayList<>();

    @BeforeEach
    void dirs() throws IOException {
        root = Files.createDirectory(base.resolve("root-" + ROOTS.incrementAndGet()));
        outside = Files.createDirectory(base.resolve("outside"));
    }

    @AfterEach
    void closeWatchers() {
        watchers.forEach(InotifyWatcher::close);
    }

    private InotifyWatcher start(Predicate<String> ignored, WatchListener listener) throws IOException {
        InotifyWatcher watcher = new InotifyWatcher(root, ignored, listener);
        watchers.add(watcher);
        watcher.start();
        return watcher;
    }

    private InotifyWatcher start() throws IOException {
        return start(p -> false, events);
    }

    private void awaitSeen(String path) {
        await(WAIT, () -> events.saw(path), "a report of \"" + path + "\" in " + events.changes);
    }

    /** Everything queued before the marker has been delivered once the marker is seen. */
    private void drain() throws IOException {
        String marker = "marker-" + System.nanoTime();
        Files.writeString(root.resolve(marker), "m");
        awaitSeen(marker);
    }

    @Test
    void fileCreateModifyChmodRenameDeleteAreReported() throws IOException {
        Files.createDirectory(root.resolve("sub"));
        start();

        Path f = Files.writeString(root.resolve("f"), "one");
        awaitSeen("f");
        events.clear();
        Files.writeString(f, "two", StandardOpenOption.APPEND);
        awaitSeen("f");
        events.clear();
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        awaitSeen("f");
        events.clear();
        Files.move(f, root.resolve("g"));
        awaitSeen("f");
        awaitSeen("g");
        events.clear();
        Files.delete(root.resolve("g"));
        awaitSeen("g");
        Files.writeString(root.resolve("sub/x"), "x");
        awaitSeen("sub/x");
        assertTrue(events.changes.stream().noneMatch(RecordingListener.Change::recursive), events.changes.toString());
    }

    @Test
    void mkdirThenFilesInsideImmediatelyAreAllReported() throws IOException {
        InotifyWatcher watcher = start();
        int dirs = 20;
        for (int i = 0; i < dirs; i++) {
            Path c = Files.createDirectories(root.resolve("a" + i + "/b/c"));
            Files.writeString(c.resolve("file"), "x");
        }
        for (int i = 0; i < dirs; i++) {
            String file = "a" + i + "/b/c/file";
            await(WAIT, () -> events.covered(file), file + " covered by " + events.changes);
        }
        await(WAIT, () -> watcher.watchCount() == 1 + 3 * dirs, "all directories watched");
        Files.writeString(root.resolve("a7/b/c/later"), "x");
        awaitSeen("a7/b/c/later");
    }

    @Test
    void directoryMovedInIsReportedRecursiveAndWatched() throws IOException {
        Files.createDirectories(outside.resolve("x/sub"));
        Files.writeString(outside.resolve("x/sub/f"), "x");
        InotifyWatcher watcher = start();
        assertEquals(1, watcher.watchCount());

        Files.move(outside.resolve("x"), root.resolve("x"), StandardCopyOption.ATOMIC_MOVE);
        await(WAIT, () -> events.sawRecursive("x"), "x reported recursive");
        assertTrue(events.covered("x/sub/f"));
        await(WAIT, () -> watcher.watchCount() == 3, "x and x/sub watched");

        Files.writeString(root.resolve("x/sub/g"), "x");
        awaitSeen("x/sub/g");
    }

    @Test
    void directoryMovedOutStopsReporting() throws IOException {
        Files.createDirectories(root.resolve("y/z"));
        InotifyWatcher watcher = start();
        assertEquals(3, watcher.watchCount());

        Files.move(root.resolve("y"), outside.resolve("y"), StandardCopyOption.ATOMIC_MOVE);
        awaitSeen("y");
        Files.writeString(outside.resolve("y/f"), "x");
        Files.writeString(outside.resolve("y/z/f"), "x");
        drain();

        assertFalse(events.sawRecursive("y"));
        assertTrue(events.changes.stream().noneMatch(c -> c.path().startsWith("y/")), events.changes.toString());
        assertEquals(1, watcher.watchCount());
    }

    @Test
    void directoryRenamedInsideTheRootReportsUnderTheNewPathOnly() throws IOException {
        Files.createDirectories(root.resolve("m/n"));
        InotifyWatcher watcher = start();

        Files.move(root.resolve("m"), root.resolve("m2"), StandardCopyOption.ATOMIC_MOVE);
        awaitSeen("m");
        await(WAIT, () -> events.sawRecursive("m2"), "m2 reported recursive");
        events.clear();
        Files.writeString(root.resolve("m2/n/f"), "x");
        awaitSeen("m2/n/f");
        drain();

        assertTrue(events.changes.stream().noneMatch(c -> c.path().startsWith("m/")), events.changes.toString());
        assertEquals(3, watcher.watchCount());
    }

    @Test
    void symlinkIsReportedAndNotFollowed() throws IOException {
        Path target = Files.createDirectory(outside.resolve("target"));
        Files.createSymbolicLink(root.resolve("old-link"), target);
        InotifyWatcher watcher = start();
        assertEquals(1, watcher.watchCount());

        Files.createSymbolicLink(root.resolve("link"), target);
        awaitSeen("link");
        Files.writeString(target.resolve("f"), "x");
        drain();

        assertFalse(events.sawRecursive("link"));
        assertTrue(events.changes.stream().noneMatch(c -> c.path().contains("link/")), events.changes.toString());
        assertEquals(1, watcher.watchCount());
    }

    @Test
    void ignoredPathsAreNeverReportedAndIgnoredDirectoriesNotWatched() throws IOException {
        Files.createDirectories(root.resolve("ignored/deep"));
        Files.createDirectories(root.resolve("kept"));
        List<String> asked = new CopyOnWriteArrayList<>();
        Predicate<String> ignored = p -> {
            asked.add(p);
            return p.equals("ignored") || p.startsWith("ignored/") || p.endsWith(".tmp");
        };
        InotifyWatcher watcher = start(ignored, events);
        assertEquals(2, watcher.watchCount());

        Files.writeString(root.resolve("ignored/new"), "x");
        Files.writeString(root.resolve("ignored/deep/new"), "x");
        Files.writeString(root.resolve("x.tmp"), "x");
        Files.writeString(root.resolve("kept/y.tmp"), "x");
        Files.createDirectories(root.resolve("dir.tmp/inner"));
        Files.writeString(root.resolve("dir.tmp/inner/f"), "x");
        Files.writeString(root.resolve("kept/f"), "x");
        awaitSeen("kept/f");
        drain();

        assertTrue(events.changes.stream().allMatch(c -> c.path().equals("kept/f") || c.path().startsWith("marker-")),
                events.changes.toString());
        assertEquals(2, watcher.watchCount());
        assertFalse(asked.contains(""), "ignored predicate called with the root");
    }

    @Test
    void queueOverflowIsReportedAndTheWatchTreeResynced() throws Exception {
        int maxQueued = Integer.parseInt(
                Files.readAllLines(Path.of("/proc/sys/fs/inotify/max_queued_events")).get(0).trim());
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WatchListener blocking = new WatchListener() {
            @Override
            public void changed(String relPath, boolean recursive) {
                events.changed(relPath, recursive);
                if (relPath.equals("block")) {
                    blocked.countDown();
                    try {
                        release.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void overflow(String reason) {
                events.overflow(reason);
            }

            @Override
            public void limitReached(String message) {
                events.limitReached(message);
            }
        };
        Path many = Files.createDirectory(root.resolve("many")); // watched from the start
        InotifyWatcher watcher = start(p -> false, blocking);
        Files.writeString(root.resolve("block"), "x");
        assertTrue(blocked.await(10, TimeUnit.SECONDS), "watcher thread never reached the blocking listener");

        for (int i = 0; i < maxQueued + 100; i++) {
            Files.createFile(many.resolve(Integer.toString(i)));
        }
        Files.createDirectories(root.resolve("made-while-overflowing/inner")); // its events are lost
        release.countDown();

        await(Duration.ofSeconds(30), () -> events.overflows.stream().anyMatch(r -> r.startsWith("inotify queue overflow")),
                "overflow report");
        await(WAIT, () -> watcher.watchCount() == 4, "resync watches the directories whose events were lost");
        Files.writeString(root.resolve("made-while-overflowing/inner/f"), "x");
        awaitSeen("made-while-overflowing/inner/f");
        System.out.printf("overflow after %d creates (max_queued_events %d), %d changes delivered before it%n",
                maxQueued + 100, maxQueued, events.changes.size());
    }

    @Test
    void rootDeletedIsReportedAsOverflow() throws IOException {
        start();
        Files.delete(root);
        await(WAIT, () -> events.overflows.contains("folder root moved or deleted"), "root deletion report");
    }

    @Test
    void closeStopsTheThreadPromptlyAndReleasesTheFd() throws Exception {
        long before = inotifyFds();
        InotifyWatcher watcher = new InotifyWatcher(root, p -> false, events);
        watcher.start();
        assertEquals(before + 1, inotifyFds());
        String name = "inotify-" + root.getFileName();
        Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
        assertTrue(thread.isDaemon());

        long start = System.nanoTime();
        watcher.close();
        thread.join(2_000);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(thread.isAlive(), "watcher thread still running after close()");
        assertTrue(millis < 2_000, "close took " + millis + " ms");
        assertEquals(before, inotifyFds());
        watcher.close();

        List<Long> again = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            InotifyWatcher next = new InotifyWatcher(root, p -> false, events);
            next.start();
            long t0 = System.nanoTime();
            next.close();
            again.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
        }
        assertEquals(before, inotifyFds());
        System.out.printf("close() stopped the idle watcher thread in %d ms (first), then %s us%n", millis, again);
    }

    @Test
    void writeToListenerLatency() throws IOException {
        start();
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String name = "lat-" + i;
            long t0 = System.nanoTime();
            Files.writeString(root.resolve(name), "x");
            awaitSeen(name);
            micros.add(TimeUnit.NANOSECONDS.toMicros(events.firstSeen.get(name) - t0));
        }
        Collections.sort(micros);
        System.out.printf("file write -> listener call over 100 writes: median %d us, p90 %d us, max %d us%n",
                micros.get(50), micros.get(90), micros.get(99));
    }

    @Test
    void missingRootFailsStart() {
        InotifyWatcher watcher = new InotifyWatcher(root.resolve("missing"), p -> false, events);
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, watcher::start);
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        watcher.close();
    }

    private static long inotifyFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Set.of("anon_inode:inotify").contains(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    return false; // the fd of the listing itself, closed meanwhile
                }
            }).count();
        }
    }
}
