package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InotifyTest {
    private static final int MASK = Inotify.IN_CREATE | Inotify.IN_CLOSE_WRITE | Inotify.IN_DELETE
            | Inotify.IN_MOVED_FROM | Inotify.IN_MOVED_TO | Inotify.IN_ONLYDIR | Inotify.IN_DONT_FOLLOW;

    @TempDir
    Path dir;

    @Test
    void missingPathAndNonDirectoryAreNormalRaces() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        try (Inotify inotify = Inotify.open()) {
            assertEquals(-1, inotify.addWatch(dir.resolve("missing"), MASK));
            assertEquals(-1, inotify.addWatch(file, MASK));
            assertTrue(inotify.addWatch(dir, MASK) >= 0);
        }
    }

    @Test
    void errnoMapping() {
        Path p = Path.of("/some/dir");
        assertNull(Inotify.addWatchFailure(p, LibC.ENOENT));
        assertNull(Inotify.addWatchFailure(p, LibC.ENOTDIR));
        IOException limit = Inotify.addWatchFailure(p, LibC.ENOSPC);
        assertInstanceOf(WatchLimitException.class, limit);
        assertTrue(limit.getMessage().contains("fs.inotify.max_user_watches"), limit.getMessage());
        assertTrue(limit.getMessage().contains("/some/dir"), limit.getMessage());
        IOException denied = Inotify.addWatchFailure(p, 13);
        assertFalse(denied instanceof WatchLimitException);
        assertTrue(denied.getMessage().contains("/some/dir") && denied.getMessage().contains("errno 13"), denied.getMessage());
    }

    @Test
    void readsRenameAsMovedFromAndMovedToWithOneCookie() throws IOException {
        try (Inotify inotify = Inotify.open()) {
            int wd = inotify.addWatch(dir, MASK);
            Files.writeString(dir.resolve("a"), "x");
            Files.move(dir.resolve("a"), dir.resolve("b"));
            List<InotifyEvent> events = new ArrayList<>();
            while (events.stream().noneMatch(e -> e.has(Inotify.IN_MOVED_TO))) {
                assertTrue(inotify.readEvents(events::add));
            }
            InotifyEvent from = events.stream().filter(e -> e.has(Inotify.IN_MOVED_FROM)).findFirst().orElseThrow();
            InotifyEvent to = events.stream().filter(e -> e.has(Inotify.IN_MOVED_TO)).findFirst().orElseThrow();
            assertEquals(new InotifyEvent(wd, Inotify.IN_CREATE, 0, "a"), events.get(0));
            assertEquals("a", from.name());
            assertEquals("b", to.name());
            assertEquals(from.cookie(), to.cookie());
            assertTrue(inotify.rmWatch(wd));
            assertFalse(inotify.rmWatch(wd));
        }
    }

    @Test
    void closeFromAnotherThreadWakesAReaderBlockedInPoll() throws Exception {
        List<Long> wakeMicros = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            Inotify inotify = Inotify.open();
            inotify.addWatch(dir, MASK);
            CompletableFuture<Boolean> result = new CompletableFuture<>();
            long[] returnedAt = new long[1];
            Thread reader = new Thread(() -> {
                try {
                    boolean open = inotify.readEvents(e -> { });
                    returnedAt[0] = System.nanoTime();
                    result.complete(open);
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            }, "inotify-test-reader");
            reader.start();
            awaitInPoll(reader);
            long start = System.nanoTime();
            inotify.close();
            assertFalse(result.get(2, TimeUnit.SECONDS));
            wakeMicros.add(TimeUnit.NANOSECONDS.toMicros(returnedAt[0] - start));
            reader.join(2_000);
            assertFalse(reader.isAlive());
            inotify.close();
            assertEquals(-1, inotify.addWatch(dir, MASK));
            assertFalse(inotify.readEvents(e -> { }));
        }
        List<Long> sorted = new ArrayList<>(wakeMicros);
        sorted.sort(null);
        System.out.printf("close() -> reader blocked in poll() returns (includes the kernel close of the fd), 20 rounds:"
                + " median %d us, max %d us, all %s%n",
                sorted.get(10), sorted.get(19), wakeMicros);
    }

    @Test
    void closingAnIdleInstanceReleasesItsFdsAtOnce() throws IOException {
        List<Long> closeMicros = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            Inotify inotify = Inotify.open();
            inotify.addWatch(dir, MASK);
            long start = System.nanoTime();
            inotify.close();
            closeMicros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
        }
        closeMicros.sort(null);
        System.out.printf("close() with no reader (kernel close of the inotify fd), 20 rounds: median %d us, max %d us%n",
                closeMicros.get(10), closeMicros.get(19));
    }

    private static void awaitInPoll(Thread reader) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Arrays.stream(reader.getStackTrace()).noneMatch(f -> f.getMethodName().equals("poll"))) {
            assertTrue(System.nanoTime() < deadline, "reader never reached poll()");
            LockSupport.parkNanos(1_000_000);
        }
    }
}
