package io.syncnode.node.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Entries that changed while they were being read (a log written to constantly, a file being
 * copied in): each is read again after a delay that doubles with every failed attempt, from the
 * folder's settle time (at least 50 ms) up to {@link #CAP}, instead of being hashed again every
 * 50 ms; from the third attempt it is a problem of the folder, shown in {@code status}, until a
 * read sees it whole. The attempts per path are a bounded Caffeine cache (a folder of millions of
 * changing files cannot grow it beyond {@value #MAX_PATHS} entries; a path forgotten starts again
 * from the short delay). Until its next read is due, a path is {@link #waiting}: the scans that
 * inotify events of the still-changing file cause leave it alone, so the delays hold. Folder worker
 * only, like the scanner that calls it.
 */
final class ChangingEntries {
    static final Duration CAP = Duration.ofSeconds(60);
    static final int SHOW_FROM = 3;
    static final int MAX_PATHS = 100_000;

    private final Duration base;
    private final Problems problems;
    private final BiConsumer<String, Duration> readAgainAfter;
    private final Cache<String, Integer> attempts = Caffeine.newBuilder().maximumSize(MAX_PATHS)
            .expireAfterWrite(Duration.ofHours(1)).executor(Runnable::run).build(); // upkeep here (see RowCache)
    /** When the next read of a path is due (System.nanoTime). */
    private final Cache<String, Long> due = Caffeine.newBuilder().maximumSize(MAX_PATHS)
            .expireAfterWrite(CAP.multipliedBy(2)).executor(Runnable::run).build(); // upkeep here (see RowCache)
    private final java.util.function.LongSupplier nanoTime;

    /** @param readAgainAfter schedules a new read of a path after a delay */
    ChangingEntries(Duration settle, Problems problems, BiConsumer<String, Duration> readAgainAfter) {
        this(settle, problems, readAgainAfter, System::nanoTime);
    }

    ChangingEntries(Duration settle, Problems problems, BiConsumer<String, Duration> readAgainAfter,
                    java.util.function.LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.base = settle.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : settle;
        this.problems = problems;
        this.readAgainAfter = readAgainAfter;
    }

    /** {@code rel} changed while it was read: read it again later, later each time. */
    void changedWhileRead(String rel) {
        int n = attempts.asMap().merge(rel, 1, Integer::sum);
        Duration delay = delay(n);
        if (n >= SHOW_FROM) {
            problems.put(rel, Problems.Kind.KEEPS_CHANGING, "read again in " + delay.toMillis() + " ms (attempt " + n
                    + ")");
        }
        due.put(rel, nanoTime.getAsLong() + delay.toNanos());
        readAgainAfter.accept(rel, delay);
    }

    /** Whether {@code rel} waits for its next read (scheduled): a scan now leaves it alone. */
    boolean waiting(String rel) {
        Long at = due.getIfPresent(rel);
        return at != null && nanoTime.getAsLong() - at < 0;
    }

    /** {@code rel} was read whole: its retries (and the problem they made) end. */
    void readWhole(String rel) {
        due.invalidate(rel);
        if (attempts.asMap().remove(rel) != null) {
            problems.clear(rel, Problems.Kind.KEEPS_CHANGING);
        }
    }

    /** The delay before attempt {@code n + 1}: base, 2 x base, 4 x base, ..., at most {@link #CAP}. */
    Duration delay(int n) {
        long factor = 1L << Math.min(n - 1, 20);
        Duration d = base.multipliedBy(factor);
        return d.compareTo(CAP) > 0 ? CAP : d;
    }
}
