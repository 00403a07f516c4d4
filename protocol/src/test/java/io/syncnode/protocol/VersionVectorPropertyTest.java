package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.VersionVector.Ordering;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of {@link VersionVector}, each checked for 300 generated triples of vectors
 * (reproducible from the seed): merge is the least upper bound (commutative, associative,
 * idempotent, covering both sides), compare is antisymmetric and agrees with equals and with merge,
 * and a bump moves a vector strictly after itself. Vectors are drawn over a few node ids (negative
 * ones and the extremes included) so that they share nodes often.
 */
class VersionVectorPropertyTest {
    private static final long[] NODES = {1, 2, 3, -7, Long.MIN_VALUE, Long.MAX_VALUE};

    static LongStream seeds() {
        return LongStream.range(0, 300).map(i -> 0x3c6ef372L * (i + 1));
    }

    static VersionVector vector(SplittableRandom r) {
        Map<Long, Long> counters = new HashMap<>();
        for (int n = r.nextInt(7); n > 0; n--) {
            long value = switch (r.nextInt(3)) {
                case 0 -> r.nextLong(5);
                case 1 -> r.nextLong(Long.MAX_VALUE);
                default -> Long.MAX_VALUE;
            };
            counters.put(NODES[r.nextInt(NODES.length)], value);
        }
        return VersionVector.of(counters);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void mergeIsCommutativeAssociativeAndIdempotent(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        VersionVector a = vector(r);
        VersionVector b = vector(r);
        VersionVector c = vector(r);
        String context = a + " " + b + " " + c + " seed=" + seed;
        assertEquals(a.merge(b), b.merge(a), context);
        assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)), context);
        assertEquals(a, a.merge(a), context);
        assertEquals(a, a.merge(VersionVector.EMPTY), context);
        VersionVector m = a.merge(b);
        assertTrue(m.covers(a) && m.covers(b), context);
        assertEquals(m, m.merge(b), "merging again changes nothing: " + context);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void compareIsAntisymmetricAndAgreesWithEqualsAndMerge(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        VersionVector a = vector(r);
        VersionVector b = r.nextInt(4) == 0 ? a.merge(vector(r)) : vector(r);
        String context = a + " vs " + b + " seed=" + seed;
        Ordering ab = a.compare(b);
        assertEquals(switch (ab) {
            case BEFORE -> Ordering.AFTER;
            case AFTER -> Ordering.BEFORE;
            default -> ab;
        }, b.compare(a), context);
        assertEquals(a.equals(b), ab == Ordering.EQUAL, context);
        assertEquals(Ordering.EQUAL, a.compare(a), context);
        VersionVector m = a.merge(b);
        assertEquals(m.equals(b), b.covers(a), context);
        assertEquals(!m.equals(a) && !m.equals(b), ab == Ordering.CONCURRENT, context);
    }

    /** compare walks both sorted maps at once; the definition, node by node over both key sets, must agree. */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void compareAgreesWithTheCounterByCounterDefinition(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        VersionVector a = vector(r);
        VersionVector b = r.nextInt(4) == 0 ? a.merge(vector(r)) : vector(r);
        boolean less = false;
        boolean greater = false;
        Set<Long> nodes = new HashSet<>(a.counters().keySet());
        nodes.addAll(b.counters().keySet());
        for (long node : nodes) {
            less |= a.counter(node) < b.counter(node);
            greater |= a.counter(node) > b.counter(node);
        }
        Ordering expected = less && greater ? Ordering.CONCURRENT
                : less ? Ordering.BEFORE : greater ? Ordering.AFTER : Ordering.EQUAL;
        assertEquals(expected, a.compare(b), a + " vs " + b + " seed=" + seed);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void aBumpComesStrictlyAfter(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        VersionVector a = vector(r);
        long node = r.nextBoolean() ? NODES[r.nextInt(NODES.length)] : r.nextLong();
        long now = r.nextBoolean() ? r.nextLong(6) : r.nextLong(Long.MAX_VALUE);
        VersionVector bumped = a.bump(node, now);
        String context = a + " bumped for " + node + " at " + now + " seed=" + seed;
        if (a.counter(node) == Long.MAX_VALUE) {
            assertEquals(a, bumped, "a saturated counter stays: " + context);
        } else {
            assertEquals(Ordering.AFTER, bumped.compare(a), context);
            assertTrue(bumped.counter(node) >= now, context);
        }
    }
}
