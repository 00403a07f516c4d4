package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncnode.protocol.VersionRetention.Kept;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The retention rules of {@link VersionRetention}, with the time passed in (a manual clock). */
class VersionRetentionTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long NO_CAP = Long.MAX_VALUE;

    private static Kept at(String id, String path, Duration ago, long bytes) {
        return new Kept(id, path, NOW - ago.toMillis(), bytes);
    }

    private static Set<String> sorted(Set<String> s) {
        return new TreeSet<>(s);
    }

    @Test
    void noneDropsEverything() {
        List<Kept> v = List.of(at("a", "f", Duration.ZERO, 1));
        assertEquals(Set.of("a"), VersionRetention.expired(VersionPolicy.NONE, v, NOW, NO_CAP));
    }

    @Test
    void simpleKeepsTheNewestNPerPath() {
        VersionPolicy p = new VersionPolicy(VersionsMode.SIMPLE, 2, null, 0, 0);
        List<Kept> v = List.of(at("f1", "f", Duration.ofDays(3), 1), at("f2", "f", Duration.ofDays(2), 1),
                at("f3", "f", Duration.ofDays(1), 1), at("g1", "g", Duration.ofDays(400), 1));
        assertEquals(Set.of("f1"), VersionRetention.expired(p, v, NOW, NO_CAP));
    }

    @Test
    void simpleWithMaxAgeAlsoDropsOld() {
        VersionPolicy p = new VersionPolicy(VersionsMode.SIMPLE, 5, Duration.ofDays(7), 0, 0);
        List<Kept> v = List.of(at("old", "f", Duration.ofDays(8), 1), at("new", "f", Duration.ofDays(6), 1));
        assertEquals(Set.of("old"), VersionRetention.expired(p, v, NOW, NO_CAP));
    }

    @Test
    void trashKeepsEverythingYoungerThanMaxAge() {
        VersionPolicy p = new VersionPolicy(VersionsMode.TRASH, 0, Duration.ofDays(30), 0, 0);
        List<Kept> v = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            v.add(at("v" + i, "f", Duration.ofSeconds(i), 1));
        }
        v.add(at("edge", "f", Duration.ofDays(30), 1));
        v.add(at("past", "f", Duration.ofDays(30).plusMillis(1), 1));
        assertEquals(Set.of("past"), VersionRetention.expired(p, v, NOW, NO_CAP));
    }

    @Test
    void staggeredThinsOutByAgeBand() {
        VersionPolicy p = new VersionPolicy(VersionsMode.STAGGERED, 0, Duration.ofDays(365), 0, 0);
        List<Kept> v = List.of(
                // first hour: one per 30 s
                at("s0", "f", Duration.ofSeconds(0), 1), at("s10", "f", Duration.ofSeconds(10), 1),
                at("s40", "f", Duration.ofSeconds(40), 1),
                // first day: one per hour
                at("h2", "f", Duration.ofHours(2), 1), at("h2m30", "f", Duration.ofMinutes(150), 1),
                at("h4", "f", Duration.ofHours(4), 1),
                // first 30 days: one per day
                at("d3", "f", Duration.ofDays(3), 1), at("d3h5", "f", Duration.ofDays(3).plusHours(5), 1),
                // after: one per week
                at("d40", "f", Duration.ofDays(40), 1), at("d43", "f", Duration.ofDays(43), 1),
                at("d48", "f", Duration.ofDays(48), 1),
                at("d366", "f", Duration.ofDays(366), 1));
        assertEquals(sorted(Set.of("s10", "h2m30", "d3h5", "d43", "d366")),
                sorted(VersionRetention.expired(p, v, NOW, NO_CAP)));
    }

    @Test
    void staggeredThinsEachPathOnItsOwn() {
        VersionPolicy p = new VersionPolicy(VersionsMode.STAGGERED, 0, Duration.ofDays(365), 0, 0);
        List<Kept> v = List.of(at("a", "f", Duration.ofSeconds(1), 1), at("b", "g", Duration.ofSeconds(2), 1));
        assertEquals(Set.of(), VersionRetention.expired(p, v, NOW, NO_CAP));
    }

    @Test
    void theSizeCapDropsTheOldestOfTheFolderFirst() {
        VersionPolicy p = new VersionPolicy(VersionsMode.TRASH, 0, Duration.ofDays(30), 250, 0);
        List<Kept> v = List.of(at("g-old", "g", Duration.ofHours(5), 100), at("f-mid", "f", Duration.ofHours(3), 100),
                at("f-new", "f", Duration.ofHours(1), 100));
        assertEquals(Set.of("g-old"), VersionRetention.expired(p, v, NOW, p.capOf(0)));
    }

    @Test
    void aShareCapIsAPartOfTheFileSystem() {
        VersionPolicy p = new VersionPolicy(VersionsMode.SIMPLE, 5, null, 0, 1000);
        assertEquals(100, p.capOf(1000));
        assertEquals(NO_CAP, new VersionPolicy(VersionsMode.SIMPLE, 5, null, 0, 0).capOf(1000));
    }

    @Test
    void staggeredIntervals() {
        assertEquals(30_000, VersionRetention.interval(Duration.ofMinutes(59).toMillis()));
        assertEquals(3_600_000, VersionRetention.interval(Duration.ofHours(23).toMillis()));
        assertEquals(86_400_000, VersionRetention.interval(Duration.ofDays(29).toMillis()));
        assertEquals(7 * 86_400_000L, VersionRetention.interval(Duration.ofDays(31).toMillis()));
    }
}
