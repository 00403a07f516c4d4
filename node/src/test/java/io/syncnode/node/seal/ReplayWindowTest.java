package io.syncnode.node.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The anti-replay window: each counter once, reordering within the window, nothing older. */
class ReplayWindowTest {
    @ParameterizedTest(name = "after accepting {0}: {1} is {2}")
    @CsvSource({
            // accepted (space-separated) | probe | expected
            "'',              0,     true",
            "'0',             0,     false",
            "'0 1 2',         1,     false",
            "'0 2',           1,     true",
            "'5000',          904,   false",
            "'5000',          905,   true",
            "'5000',          4999,  true",
            "'5000',          5000,  false",
            "'5000',          9000,  true",
            "'0 9000',        4905,  true",
            "'0 9000',        4904,  false",
    })
    void table(String accepted, long probe, boolean expected) {
        ReplayWindow w = new ReplayWindow(0);
        for (String c : accepted.isBlank() ? new String[0] : accepted.split(" ")) {
            assertTrue(w.accept(Long.parseLong(c)), "first acceptance of " + c);
        }
        assertEquals(expected, w.mayAccept(probe));
        assertEquals(expected, w.accept(probe));
        assertFalse(w.accept(probe), "never twice");
    }

    @Test
    void theFloorIsTheFirstAcceptableCounter() {
        ReplayWindow w = new ReplayWindow(100);
        assertFalse(w.accept(99), "below the floor announced with the key");
        assertFalse(w.accept(-1));
        assertTrue(w.accept(100));
        assertTrue(w.accept(102));
        assertTrue(w.accept(101), "reordered inside the window");
    }

    @Test
    void aLongRunAcceptsEveryCounterOnceWhateverTheReorder() {
        ReplayWindow w = new ReplayWindow(0);
        java.util.Random r = new java.util.Random(11);
        long base = 0;
        for (int round = 0; round < 200; round++) {
            java.util.List<Long> batch = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                batch.add(base + i);
            }
            java.util.Collections.shuffle(batch, r);
            for (long c : batch) {
                assertTrue(w.accept(c), "counter " + c);
            }
            for (long c : batch) {
                assertFalse(w.mayAccept(c), "replay of " + c);
            }
            base += 64;
        }
    }
}
