package io.syncnode.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which kept versions of a folder go, by the folder's {@link VersionPolicy}. Pure: the caller
 * passes the versions and the time.
 *
 * <p>Implementation notes. Rules, applied in this order:
 * <ol>
 * <li>age: a version kept longer ago than {@code maxAge} goes (trash, staggered; simple when set);</li>
 * <li>{@link VersionsMode#SIMPLE}: per path, only the newest {@code keep} stay;</li>
 * <li>{@link VersionsMode#STAGGERED}, per path, as Syncthing's staggered versioner: the versions are
 *     walked newest first and one is kept per interval of its age band — 30 s in the first hour, an
 *     hour in the first day, a day in the first 30 days, a week after that — a version closer than
 *     the band's interval to the last one kept (newer) goes;</li>
 * <li>size: while the folder's total is above the cap, the oldest remaining version goes, whatever
 *     its path.</li>
 * </ol>
 * Ties in time are broken by id, so the result does not depend on the input order.
 *
 * <p>Thread-safety: stateless, any thread.
 */
public final class VersionRetention {
    private VersionRetention() {
    }

    /**
     * One kept version as retention sees it.
     *
     * @param id        its id, unique in the folder
     * @param path      the folder-relative path it was kept from
     * @param keptAtMs  when it was kept (epoch milliseconds)
     * @param bytes     the bytes it takes
     */
    public record Kept(String id, String path, long keptAtMs, long bytes) {
    }

    /** The band boundaries of the staggered rule: up to this age, one version per interval. */
    private static final long[][] BANDS = {
            {Duration.ofHours(1).toMillis(), Duration.ofSeconds(30).toMillis()},
            {Duration.ofDays(1).toMillis(), Duration.ofHours(1).toMillis()},
            {Duration.ofDays(30).toMillis(), Duration.ofDays(1).toMillis()},
            {Long.MAX_VALUE, Duration.ofDays(7).toMillis()},
    };

    /**
     * The ids of the versions that go at {@code nowMs}, with {@code capBytes} the folder's size cap
     * ({@link VersionPolicy#capOf}). With {@link VersionsMode#NONE} every version goes.
     */
    public static Set<String> expired(VersionPolicy policy, List<Kept> versions, long nowMs, long capBytes) {
        Set<String> gone = new HashSet<>();
        if (!policy.mode().keeps()) {
            versions.forEach(v -> gone.add(v.id()));
            return gone;
        }
        Comparator<Kept> newestFirst = Comparator.comparingLong(Kept::keptAtMs).reversed()
                .thenComparing(Kept::id, Comparator.reverseOrder());
        Map<String, List<Kept>> byPath = new LinkedHashMap<>();
        versions.stream().sorted(newestFirst).forEach(v -> byPath.computeIfAbsent(v.path(), p -> new ArrayList<>()).add(v));
        for (List<Kept> path : byPath.values()) {
            long lastKept = Long.MIN_VALUE; // keptAtMs of the last one staggered kept, newer than the next
            int kept = 0;
            for (Kept v : path) {
                long age = nowMs - v.keptAtMs();
                if (policy.maxAge() != null && age > policy.maxAge().toMillis()) {
                    gone.add(v.id());
                } else if (policy.mode() == VersionsMode.SIMPLE && kept >= policy.keep()) {
                    gone.add(v.id());
                } else if (policy.mode() == VersionsMode.STAGGERED && lastKept != Long.MIN_VALUE
                        && lastKept - v.keptAtMs() < interval(age)) {
                    gone.add(v.id());
                } else {
                    kept++;
                    lastKept = v.keptAtMs();
                }
            }
        }
        long total = versions.stream().filter(v -> !gone.contains(v.id())).mapToLong(Kept::bytes).sum();
        List<Kept> oldestFirst = versions.stream().filter(v -> !gone.contains(v.id()))
                .sorted(newestFirst.reversed()).toList();
        for (int i = 0; i < oldestFirst.size() && total > capBytes; i++) {
            gone.add(oldestFirst.get(i).id());
            total -= oldestFirst.get(i).bytes();
        }
        return gone;
    }

    /** The staggered interval for a version of age {@code ageMs}. */
    static long interval(long ageMs) {
        for (long[] band : BANDS) {
            if (ageMs <= band[0]) {
                return band[1];
            }
        }
        return BANDS[BANDS.length - 1][1];
    }
}
