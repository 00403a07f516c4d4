package io.syncnode.protocol;

import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A version vector: node id to counter.
 *
 * <p>Implementation notes. A local change sets the node's own counter to
 * {@code max(old + 1, nowSeconds)} (see {@link #bump}). Counters are therefore "clock-based":
 * a node whose database was wiped starts again near the current time rather than at 1, so its
 * new versions are not silently dominated by stale ones that other nodes still hold. Counters of
 * zero are never stored; the empty vector is the version of "nothing known".
 *
 * <p>Immutable; the entries are kept sorted by node id (unsigned order is not needed: ids are
 * compared as signed longs everywhere, which is a total order and the same on every node).
 */
public final class VersionVector {
    public static final VersionVector EMPTY = new VersionVector(new TreeMap<>());
    /**
     * How far (in seconds) a counter may run ahead of the receiving node's clock: a node's counter
     * passes its clock only by its changes within one second (one more each), so 2^32 s (136
     * years) is beyond any node's reach, and bumps from there never overflow. A record with a
     * counter further ahead is refused ({@link #plausibleAt}): it could otherwise freeze its path.
     */
    public static final long MAX_AHEAD_SECONDS = 1L << 32;

    /** How two vectors relate. */
    public enum Ordering {
        EQUAL, BEFORE, AFTER, CONCURRENT
    }

    private final SortedMap<Long, Long> counters;

    private VersionVector(SortedMap<Long, Long> counters) {
        this.counters = counters;
    }

    /** Builds a vector from a map; zero counters are dropped, negative ones rejected. */
    public static VersionVector of(Map<Long, Long> counters) {
        TreeMap<Long, Long> copy = new TreeMap<>();
        counters.forEach((node, value) -> {
            if (value < 0) {
                throw new IllegalArgumentException("negative counter " + value + " for node " + Long.toHexString(node));
            }
            if (value > 0) {
                copy.put(node, value);
            }
        });
        return new VersionVector(copy);
    }

    /** The vector after a local change by {@code node} at {@code nowSeconds} (epoch seconds). */
    public VersionVector bump(long node, long nowSeconds) {
        TreeMap<Long, Long> copy = new TreeMap<>(counters);
        long old = counters.getOrDefault(node, 0L);
        copy.put(node, Math.max(old == Long.MAX_VALUE ? old : old + 1, nowSeconds));
        return new VersionVector(copy);
    }

    /** False when a counter is more than {@link #MAX_AHEAD_SECONDS} ahead of {@code nowSeconds}. */
    public boolean plausibleAt(long nowSeconds) {
        for (long value : counters.values()) {
            if (value - Math.max(0, nowSeconds) > MAX_AHEAD_SECONDS) {
                return false;
            }
        }
        return true;
    }

    /** The element-wise maximum: a vector that dominates or equals both. */
    public VersionVector merge(VersionVector other) {
        TreeMap<Long, Long> copy = new TreeMap<>(counters);
        other.counters.forEach((node, value) -> copy.merge(node, value, Math::max));
        return new VersionVector(copy);
    }

    public long counter(long node) {
        return counters.getOrDefault(node, 0L);
    }

    public boolean isEmpty() {
        return counters.isEmpty();
    }

    /** Sorted, unmodifiable view of the counters. */
    public SortedMap<Long, Long> counters() {
        return Collections.unmodifiableSortedMap(counters);
    }

    /**
     * How {@code this} relates to {@code other}: BEFORE means other dominates this.
     *
     * <p>One walk over both sorted counter maps at once, without copying them (every announced
     * record is compared with the stored one): a node only one side has counts for that side,
     * since no counter is zero. Stops at the first sign of concurrency.
     */
    public Ordering compare(VersionVector other) {
        boolean less = false;
        boolean greater = false;
        Iterator<Map.Entry<Long, Long>> mine = counters.entrySet().iterator();
        Iterator<Map.Entry<Long, Long>> theirs = other.counters.entrySet().iterator();
        Map.Entry<Long, Long> a = mine.hasNext() ? mine.next() : null;
        Map.Entry<Long, Long> b = theirs.hasNext() ? theirs.next() : null;
        while (a != null || b != null) {
            int order = a == null ? 1 : b == null ? -1 : Long.compare(a.getKey(), b.getKey());
            if (order == 0) {
                long x = a.getValue();
                long y = b.getValue();
                less |= x < y;
                greater |= x > y;
            } else if (order < 0) {
                greater = true;
            } else {
                less = true;
            }
            if (less && greater) {
                return Ordering.CONCURRENT;
            }
            if (order <= 0) {
                a = mine.hasNext() ? mine.next() : null;
            }
            if (order >= 0) {
                b = theirs.hasNext() ? theirs.next() : null;
            }
        }
        if (less) {
            return Ordering.BEFORE;
        }
        return greater ? Ordering.AFTER : Ordering.EQUAL;
    }

    /** True when this vector equals or dominates {@code other}. */
    public boolean covers(VersionVector other) {
        Ordering o = compare(other);
        return o == Ordering.EQUAL || o == Ordering.AFTER;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionVector other && counters.equals(other.counters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(counters);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        counters.forEach((node, value) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(Long.toHexString(node), 0, Math.min(6, Long.toHexString(node).length())).append(':').append(value);
        });
        return sb.append('}').toString();
    }
}
