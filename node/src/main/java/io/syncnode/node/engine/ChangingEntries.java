package io.syncnode.node.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Entries that changed while they were being read (a log written to constantly, a file being
 * copied in): each is read again after a delay that doubles with every failed attempt, from the
 * folder's settle time (at least 50 ms) up to {@link #CAP}, instead of being hashed again every
 * 50 ms; from the third attempt it is a problem of the folder, shown in {@code status}, until a
 * read sees it whole. The attempts per path are a bounded Caffeine cache (a folder of millions of
 * changing files cannot grow it beyond {@value #MAX_PATHS} entries; a path forgotten starts again
 * from the short delay). Folder worker only, like the scanner that calls it.
 */
final class ChangingEntries {
    static final Duration CAP = Duration.ofSeconds(60);
    static final int SHOW_FROM = 3;
    static final int MAX_PATHS = 100_000;

    private final Duration base;
    private final Map<String, String> problems;
    private final BiConsumer<String, Duration> readAgainAfter;
    private final Cache<String, Integer> attempts = Caffeine.newBuilder().maximumSize(MAX_PATHS)
            .expireAfterWrite(Duration.ofHours(1)).build();

    /** @param readAgainAfter schedules a new read of a path after a delay */
    ChangingEntries(Duration settle, Map<String, String> problems, BiConsumer<String, Duration> readAgainAfter) {
        this.base = settle.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : settle;
        this.problems = problems;
        this.readAgainAfter = readAgainAfter;
    }

    /** {@code rel} changed while it was read: read it again later, later each time. */
    void changedWhileRead(String rel) {
        int n = attempts.asMap().merge(rel, 1, Integer::sum);
        Duration delay = delay(n);
        if (n >= SHOW_FROM) {
            problems.put(rel, "keeps changing while it is read; read again in " + delay.toMillis() + " ms (attempt " + n
                    + ")");
        }
        readAgainAfter.accept(rel, delay);
    }

    /** {@code rel} was read whole: its retries (and the problem they made) end. */
    void readWhole(String rel) {
        if (attempts.asMap().remove(rel) != null) {
            problems.computeIfPresent(rel, (k, v) -> v.startsWith("keeps changing") ? null : v);
        }
    }

    /** The delay before attempt {@code n + 1}: base, 2 x base, 4 x base, ..., at most {@link #CAP}. */
    Duration delay(int n) {
        long factor = 1L << Math.min(n - 1, 20);
        Duration d = base.multipliedBy(factor);
        return d.compareTo(CAP) > 0 ? CAP : d;
    }
}
