package io.syncnode.it;

import io.syncnode.testing.Await;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real Debian root file system, {@code debootstrap --variant=minbase bookworm}, made once and
 * cached between runs in {@code $SYNCNODE_IT_ROOTFS_CACHE} (default {@value #DEFAULT_CACHE}) as the
 * directory {@value #NAME}. It is built under an exclusive file lock ({@value #NAME}.lock, so
 * concurrent test JVMs build it once) into {@value #NAME}.partial and renamed into place when
 * debootstrap succeeded: a present directory is always complete. Delete it to rebuild.
 * {@code $SYNCNODE_IT_DEBIAN_MIRROR} overrides the mirror (default {@value #DEFAULT_MIRROR}).
 *
 * <p>Tests only read the cache (they copy it with {@code rsync -aHAXS --numeric-ids}).
 */
public final class DebianRootfs {
    public static final String CACHE_ENV = "SYNCNODE_IT_ROOTFS_CACHE";
    public static final String MIRROR_ENV = "SYNCNODE_IT_DEBIAN_MIRROR";
    static final String DEFAULT_CACHE = "/var/cache/syncnode-it";
    static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";
    static final String SUITE = "bookworm";
    static final String NAME = "debian-" + SUITE + "-minbase";
    static final Duration DEBOOTSTRAP = Duration.ofMinutes(10);
    static final Duration LOCK_WAIT = Duration.ofMinutes(15);

    private DebianRootfs() {
    }

    /** The cache directory: {@code $SYNCNODE_IT_ROOTFS_CACHE} or {@value #DEFAULT_CACHE}. */
    public static Path cacheDir() {
        String env = System.getenv(CACHE_ENV);
        return Path.of(env == null || env.isBlank() ? DEFAULT_CACHE : env);
    }

    /**
     * The cached rootfs, debootstrapped first if it is not there (printing how long that took).
     * Fails with debootstrap's output and log when debootstrap fails (e.g. no network).
     */
    public static Path cached() throws IOException {
        Path cache = cacheDir();
        Files.createDirectories(cache);
        Path done = cache.resolve(NAME);
        try (FileChannel ch = FileChannel.open(cache.resolve(NAME + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            AtomicReference<FileLock> lock = new AtomicReference<>();
            Await.await(LOCK_WAIT, Duration.ofSeconds(1), () -> {
                try {
                    lock.set(ch.tryLock());
                } catch (IOException e) {
                    throw new AssertionError("locking " + cache.resolve(NAME + ".lock"), e);
                }
                return lock.get() != null;
            }, () -> "the lock " + cache.resolve(NAME + ".lock") + " (another test run is building the rootfs)");
            try {
                if (Files.isDirectory(done)) {
                    System.out.println("DebianRootfs: reusing " + done + " (delete it to rebuild)");
                    return done;
                }
                build(done);
                return done;
            } finally {
                lock.get().release();
            }
        }
    }

    private static void build(Path done) throws IOException {
        Path partial = done.resolveSibling(NAME + ".partial");
        Host.ok(Duration.ofMinutes(2), "rm", "-rf", "--", partial.toString());
        String mirror = System.getenv(MIRROR_ENV);
        mirror = mirror == null || mirror.isBlank() ? DEFAULT_MIRROR : mirror;
        long t0 = System.nanoTime();
        Host.Result r = Host.run(DEBOOTSTRAP, java.util.Map.of("LC_ALL", "C"), List.of("debootstrap", "--variant=minbase",
                SUITE, partial.toString(), mirror));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (r.exit() != 0) {
            Path log = partial.resolve("debootstrap/debootstrap.log");
            String tail = Files.isRegularFile(log)
                    ? Host.run(Duration.ofSeconds(10), "tail", "-n", "30", log.toString()).text() : "(no " + log + ")";
            throw new AssertionError("debootstrap --variant=minbase " + SUITE + " " + partial + " " + mirror + " failed after "
                    + Math.round(seconds) + " s (network? set " + MIRROR_ENV + " for another mirror): " + r
                    + "\n--- tail of debootstrap.log:\n" + tail);
        }
        Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("DebianRootfs: debootstrap --variant=minbase %s took %.1f s; cached in %s%n", SUITE, seconds, done);
    }
}
