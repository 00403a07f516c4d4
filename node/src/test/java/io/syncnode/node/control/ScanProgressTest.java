package io.syncnode.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What {@code status} shows of a starting node's scan ({@link ScanProgress#view}). */
class ScanProgressTest {
    @Test
    void aScanThatHasWalkedNothingYetHasNoEtaInsteadOfFailing() {
        ScanProgress p = new ScanProgress();
        p.began(1000);
        StatusView.ScanView v = p.view("data");
        assertTrue(v.running());
        assertEquals(0, v.entries());
        assertNull(v.etaSeconds(), "no pace yet: no ETA");
    }

    @Test
    void aScanOfAnUnknownSizeHasNoEtaAndAnEndedOneHasZero() {
        ScanProgress p = new ScanProgress();
        p.began(0);
        p.entry();
        assertNull(p.view("data").etaSeconds(), "nothing to measure the rest against");
        p.ended();
        StatusView.ScanView v = p.view("data");
        assertFalse(v.running());
        assertEquals(0L, v.etaSeconds());
    }

    @Test
    void aScanUnderWayWithAKnownSizeHasAnEta() {
        ScanProgress p = new ScanProgress();
        p.began(1_000_000);
        for (int i = 0; i < 10; i++) {
            p.entry();
        }
        Long eta = p.view("data").etaSeconds();
        assertNotNull(eta);
        assertTrue(eta >= 0, "eta " + eta);
    }
}
