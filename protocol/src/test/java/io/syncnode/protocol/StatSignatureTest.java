package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatSignatureTest {
    private static final StatSignature SEEN = new StatSignature(64768, 1234, 4096, 1_700_000_000_123_456_789L,
            1_700_000_001_000_000_000L, 0100644, 0, 1234);

    @Test
    void anUnsettledSignatureEqualsNoLstatOfTheSameEntry() {
        StatSignature u = SEEN.unsettled();
        assertTrue(u.isUnsettled());
        assertFalse(SEEN.isUnsettled());
        assertNotEquals(SEEN, u);
        // everything but the ctime is kept: the scanner still compares mtime, inode and owner
        assertEquals(new StatSignature(SEEN.dev(), SEEN.ino(), SEEN.size(), SEEN.mtimeNs(), u.ctimeNs(), SEEN.mode(),
                SEEN.uid(), SEEN.gid()), u);
        assertTrue(u.ctimeNs() < 0, "a ctime before 1970: never set by the kernel");
    }

    @Test
    void aDirectoryKeepsTheMtimeTheNodeGaveIt() {
        StatSignature u = SEEN.withMtime(5L).unsettled();
        assertEquals(5L, u.mtimeNs());
        assertEquals(SEEN.ino(), u.ino());
        assertTrue(u.isUnsettled());
    }

    @Test
    void aVanishedEntryIsUnsettled() {
        assertTrue(StatSignature.vanished().isUnsettled());
        assertNotEquals(SEEN, StatSignature.vanished());
    }
}
