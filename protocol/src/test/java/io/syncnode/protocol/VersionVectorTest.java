package io.syncnode.protocol;

import static io.syncnode.protocol.VersionVector.Ordering.AFTER;
import static io.syncnode.protocol.VersionVector.Ordering.BEFORE;
import static io.syncnode.protocol.VersionVector.Ordering.CONCURRENT;
import static io.syncnode.protocol.VersionVector.Ordering.EQUAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import io.syncnode.protocol.VersionVector.Ordering;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VersionVectorTest {
    static final long A = 0x0a0a0a0a0a0a0a0aL;
    static final long B = 0x0b0b0b0b0b0b0b0bL;
    static final long C = 0x0c0c0c0c0c0c0c0cL;
    /** A negative id: ids are compared as signed longs. */
    static final long NEG = 0xf00d000000000001L;
    static final long NOW = 1_800_000_000L;

    /** Builds a vector from node, counter pairs. */
    static VersionVector vv(long... pairs) {
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return VersionVector.of(m);
    }

    static Stream<Arguments> comparisons() {
        return Stream.of(
                row("empty vs empty", vv(), vv(), EQUAL),
                row("{a:1} vs {}", vv(A, 1), vv(), AFTER),
                row("{} vs {a:1}", vv(), vv(A, 1), BEFORE),
                row("{a:1} vs {a:1}", vv(A, 1), vv(A, 1), EQUAL),
                row("{a:1} vs {b:1}", vv(A, 1), vv(B, 1), CONCURRENT),
                row("{a:2,b:1} vs {a:1,b:1}", vv(A, 2, B, 1), vv(A, 1, B, 1), AFTER),
                row("{a:1,b:1} vs {a:2,b:1}", vv(A, 1, B, 1), vv(A, 2, B, 1), BEFORE),
                row("{a:2,b:1} vs {a:1,b:2}", vv(A, 2, B, 1), vv(A, 1, B, 2), CONCURRENT),
                row("{a:1,b:1} vs {a:1}: extra node dominates", vv(A, 1, B, 1), vv(A, 1), AFTER),
                row("{a:1} vs {a:1,b:1}", vv(A, 1), vv(A, 1, B, 1), BEFORE),
                row("{a:2} vs {a:1,b:1}", vv(A, 2), vv(A, 1, B, 1), CONCURRENT),
                row("{a:1,b:1,c:1} vs {a:1,b:1,c:1}", vv(A, 1, B, 1, C, 1), vv(A, 1, B, 1, C, 1), EQUAL),
                row("{a:1,b:2,c:3} vs {a:1,b:2,c:4}", vv(A, 1, B, 2, C, 3), vv(A, 1, B, 2, C, 4), BEFORE),
                row("{a:3,c:1} vs {b:5,c:1}", vv(A, 3, C, 1), vv(B, 5, C, 1), CONCURRENT),
                row("negative id {neg:1} vs {neg:1,a:1}", vv(NEG, 1), vv(NEG, 1, A, 1), BEFORE),
                row("zero counter is absent: {a:1,b:0} vs {a:1}", vv(A, 1, B, 0), vv(A, 1), EQUAL),
                row("large counters {a:MAX} vs {a:MAX-1}", vv(A, Long.MAX_VALUE), vv(A, Long.MAX_VALUE - 1), AFTER),
                row("stale {a:5} vs a wiped node's fresh bump under a new id",
                        vv(A, 5), VersionVector.EMPTY.bump(B, NOW), CONCURRENT),
                row("stale {a:5} vs a wiped node's fresh bump under the same id",
                        vv(A, 5), VersionVector.EMPTY.bump(A, NOW), BEFORE));
    }

    static Arguments row(String name, VersionVector left, VersionVector right, Ordering expected) {
        return Arguments.of(named(name, left), right, expected);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("comparisons")
    void compare(VersionVector left, VersionVector right, Ordering expected) {
        assertEquals(expected, left.compare(right));
        assertEquals(mirror(expected), right.compare(left), "the mirror comparison");
        assertEquals(expected == EQUAL || expected == AFTER, left.covers(right), "covers");
    }

    static Ordering mirror(Ordering o) {
        return switch (o) {
            case BEFORE -> AFTER;
            case AFTER -> BEFORE;
            default -> o;
        };
    }

    static Stream<Arguments> bumps() {
        return Stream.of(
                Arguments.of(named("first change at now: counter = now", vv()), A, NOW, vv(A, NOW)),
                Arguments.of(named("clock ahead of counter: counter = now", vv(A, 7, B, 3)), A, NOW,
                        vv(A, NOW, B, 3)),
                Arguments.of(named("counter ahead of clock: counter = old + 1", vv(A, NOW + 5)), A, NOW - 100,
                        vv(A, NOW + 6)),
                Arguments.of(named("counter equals clock: old + 1", vv(A, NOW)), A, NOW, vv(A, NOW + 1)),
                Arguments.of(named("clock at 0 (no clock): plain increment", vv(A, 1)), A, 0L, vv(A, 2)),
                Arguments.of(named("other node's counter is kept", vv(B, NOW + 9)), A, NOW, vv(A, NOW, B, NOW + 9)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bumps")
    void bumpIsMaxOfOldPlusOneAndNow(VersionVector before, long node, long now, VersionVector expected) {
        Map<Long, Long> original = Map.copyOf(before.counters());
        VersionVector after = before.bump(node, now);
        assertEquals(expected, after);
        assertEquals(AFTER, after.compare(before), "a bump dominates the old version");
        assertEquals(original, before.counters(), "bump leaves the original unchanged");
    }

    @Test
    void aWipedNodeIsNotDominatedByItsStaleVersion() {
        VersionVector stale = vv(A, 5, B, 2);
        VersionVector fresh = VersionVector.EMPTY.bump(A, NOW);
        assertEquals(CONCURRENT, fresh.compare(stale),
                "the clock-based counter beats the stale counter of the same node");
        assertFalse(stale.covers(fresh));
    }

    static Stream<Arguments> merges() {
        return Stream.of(
                Arguments.of(named("empty + empty", vv()), vv(), vv()),
                Arguments.of(named("{a:1} + {}", vv(A, 1)), vv(), vv(A, 1)),
                Arguments.of(named("{a:1} + {b:1}", vv(A, 1)), vv(B, 1), vv(A, 1, B, 1)),
                Arguments.of(named("{a:2,b:1} + {a:1,b:3}", vv(A, 2, B, 1)), vv(A, 1, B, 3), vv(A, 2, B, 3)),
                Arguments.of(named("{a:1,b:1} + {b:1,c:4}", vv(A, 1, B, 1)), vv(B, 1, C, 4), vv(A, 1, B, 1, C, 4)),
                Arguments.of(named("dominated: {a:5} + {a:3}", vv(A, 5)), vv(A, 3), vv(A, 5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("merges")
    void mergeIsElementWiseMaxAndCoversBoth(VersionVector left, VersionVector right, VersionVector expected) {
        VersionVector merged = left.merge(right);
        assertEquals(expected, merged);
        assertEquals(merged, right.merge(left), "merge is commutative");
        assertTrue(merged.covers(left), "covers left");
        assertTrue(merged.covers(right), "covers right");
    }

    @Test
    void ofDropsZeroCounters() {
        VersionVector v = vv(A, 0, B, 2);
        assertEquals(Map.of(B, 2L), v.counters());
        assertEquals(0, v.counter(A));
        assertEquals(VersionVector.EMPTY, vv(A, 0));
        assertTrue(vv(A, 0).isEmpty());
    }

    @Test
    void ofRejectsNegativeCounters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vv(A, 1, B, -1));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }

    @Test
    void ofCopiesItsInput() {
        Map<Long, Long> source = new HashMap<>(Map.of(A, 1L));
        VersionVector v = VersionVector.of(source);
        source.put(A, 9L);
        assertEquals(1, v.counter(A));
        assertThrows(UnsupportedOperationException.class, () -> v.counters().put(B, 1L));
    }

    @Test
    void countersAreSortedBySignedNodeId() {
        VersionVector v = vv(B, 1, NEG, 1, A, 1);
        assertEquals(List.of(NEG, A, B), List.copyOf(v.counters().keySet()));
    }

    static Stream<Arguments> equalities() {
        return Stream.of(
                Arguments.of(named("same counters, different insertion order", vv(A, 1, B, 2)), vv(B, 2, A, 1), true),
                Arguments.of(named("zero counter is the same as none", vv(A, 1, C, 0)), vv(A, 1), true),
                Arguments.of(named("empty vs EMPTY", vv()), VersionVector.EMPTY, true),
                Arguments.of(named("different value", vv(A, 1)), vv(A, 2), false),
                Arguments.of(named("different node", vv(A, 1)), vv(B, 1), false),
                Arguments.of(named("extra node", vv(A, 1)), vv(A, 1, B, 1), false));
    }

    @ParameterizedTest(name = "{0}: equal = {2}")
    @MethodSource("equalities")
    void equalsAndHashCode(VersionVector left, VersionVector right, boolean equal) {
        assertEquals(equal, left.equals(right));
        assertEquals(equal, right.equals(left));
        if (equal) {
            assertEquals(left.hashCode(), right.hashCode());
        } else {
            assertNotEquals(left, right);
        }
        assertNotEquals(left, "not a vector");
    }

    @Test
    void aCounterAtTheTopNeverWrapsToANegativeOrSmallerVersion() {
        VersionVector top = VersionVector.of(Map.of(1L, Long.MAX_VALUE));
        VersionVector bumped = top.bump(1L, 1_700_000_000L);
        assertEquals(Long.MAX_VALUE, bumped.counter(1L));
        assertTrue(bumped.covers(top));
    }

    @Test
    void aCounterMoreThan2To32SecondsAheadOfTheClockIsImplausible() {
        long now = 1_700_000_000L;
        assertTrue(VersionVector.of(Map.of(1L, now + VersionVector.MAX_AHEAD_SECONDS, 2L, 5L)).plausibleAt(now));
        assertFalse(VersionVector.of(Map.of(1L, 3L, 2L, now + VersionVector.MAX_AHEAD_SECONDS + 1)).plausibleAt(now));
        assertFalse(VersionVector.of(Map.of(1L, Long.MAX_VALUE)).plausibleAt(now));
        assertTrue(VersionVector.EMPTY.plausibleAt(now));
        assertTrue(VersionVector.of(Map.of(1L, 7L)).plausibleAt(-5), "a clock before 1970 counts as 0");
    }
}
