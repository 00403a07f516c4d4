package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.VersionVector.Ordering;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * jqwik properties of {@link VersionVector}: merge is the least upper bound (commutative,
 * associative, idempotent, covering both sides), compare is antisymmetric and agrees with equals and
 * with merge, and a bump moves a vector strictly after itself. Vectors are drawn over a few node ids
 * (negative ones and the extremes included) so that they share nodes often.
 */
class VersionVectorProperties {

    @Provide
    Arbitrary<VersionVector> vectors() {
        Arbitrary<Long> nodes = Arbitraries.of(1L, 2L, 3L, -7L, Long.MIN_VALUE, Long.MAX_VALUE);
        Arbitrary<Long> counters = Arbitraries.oneOf(Arbitraries.longs().between(0, 4),
                Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.just(Long.MAX_VALUE));
        return Arbitraries.maps(nodes, counters).ofMaxSize(6).map(VersionVector::of);
    }

    @Property(tries = 300)
    void mergeIsCommutative(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
        assertEquals(a.merge(b), b.merge(a));
    }

    @Property(tries = 300)
    void mergeIsAssociative(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b,
                            @ForAll("vectors") VersionVector c) {
        assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)));
    }

    @Property(tries = 300)
    void mergeIsIdempotentAndCoversBothSides(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
        assertEquals(a, a.merge(a));
        assertEquals(a, a.merge(VersionVector.EMPTY));
        VersionVector m = a.merge(b);
        assertTrue(m.covers(a) && m.covers(b), m + " covers " + a + " and " + b);
        assertEquals(m, m.merge(b), "merging again changes nothing");
    }

    @Property(tries = 300)
    void compareIsAntisymmetricAndAgreesWithEquals(@ForAll("vectors") VersionVector a,
                                                   @ForAll("vectors") VersionVector b) {
        Ordering ab = a.compare(b);
        Ordering ba = b.compare(a);
        assertEquals(switch (ab) {
            case BEFORE -> Ordering.AFTER;
            case AFTER -> Ordering.BEFORE;
            default -> ab;
        }, ba, a + " vs " + b);
        assertEquals(a.equals(b), ab == Ordering.EQUAL, a + " vs " + b);
        assertEquals(Ordering.EQUAL, a.compare(a));
    }

    @Property(tries = 300)
    void compareAgreesWithMerge(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
        VersionVector m = a.merge(b);
        assertEquals(m.equals(b), b.covers(a), a + " vs " + b);
        assertEquals(!m.equals(a) && !m.equals(b), a.compare(b) == Ordering.CONCURRENT, a + " vs " + b);
    }

    @Property(tries = 300)
    void aBumpComesStrictlyAfter(@ForAll("vectors") VersionVector a,
                                 @ForAll("nodeIds") long node, @ForAll("clocks") long now) {
        VersionVector bumped = a.bump(node, now);
        if (a.counter(node) == Long.MAX_VALUE) {
            assertEquals(a, bumped, "a saturated counter stays");
        } else {
            assertEquals(Ordering.AFTER, bumped.compare(a), a + " bumped for " + node + " at " + now);
            assertTrue(bumped.counter(node) >= now);
        }
    }

    @Provide
    Arbitrary<Long> nodeIds() {
        return Arbitraries.of(1L, 2L, -7L, Long.MIN_VALUE, Long.MAX_VALUE, 42L);
    }

    @Provide
    Arbitrary<Long> clocks() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 5), Arbitraries.longs().between(0, Long.MAX_VALUE));
    }
}
