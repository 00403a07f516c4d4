package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.AcceptFilter;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.FolderType;
import io.syncnode.protocol.Plan;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.Xattrs;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link RemoteTrust} lets through, what it counts once, and how it logs: rate-limited, escaped. */
class RemoteTrustTest {
    private final NodeCounters counters = new NodeCounters();
    private final Problems problems = new Problems();
    private final MovableClock clock = new MovableClock();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger(RemoteTrust.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(capture);
    }

    private RemoteTrust trust(FolderType type, AcceptFilter accept) {
        return new RemoteTrust("www", type, accept, counters, problems, clock);
    }

    private static FileRecord file(String path, int mode, long counter, Map<String, byte[]> xattrs) {
        return new FileRecord(path, FileType.REGULAR, mode, 33, 33, 0, 0, ContentHash.of(new byte[32]), null, 0,
                VersionVector.of(Map.of(7L, counter)), false, 7, Xattrs.of(xattrs), null);
    }

    private static Plan take(FileRecord r) {
        return new Plan.TakeRemote(r, false, false);
    }

    @Test
    void everythingPassesByDefaultAndNothingIsCounted() {
        RemoteTrust t = trust(FolderType.SEND_RECEIVE, AcceptFilter.ALL);
        FileRecord r = file("bin/su", 04755, 1, Map.of("security.capability", new byte[] {1}));
        assertTrue(t.admits("beta", r, take(r)));
        assertEquals(0, counters.remoteRefused.get() + counters.remoteIgnored.get());
        assertTrue(lines.isEmpty());
    }

    @Test
    void aRefusedVersionIsCountedLoggedAndKeptAsAProblemOnceAndTheNextVersionIsJudgedAgain() {
        RemoteTrust t = trust(FolderType.SEND_RECEIVE, new AcceptFilter(true, false, null, null));
        FileRecord v1 = file("bin/su", 04755, 1, Map.of());
        for (int i = 0; i < 3; i++) { // an index exchange offers it again and again
            assertFalse(t.admits("beta", v1, take(v1)));
        }
        assertEquals(1, counters.remoteRefused.get(), "one version, counted once");
        assertEquals(1, lines.size(), lines.toString());
        assertEquals("refused: beta's version carries the setuid bit (mode 4755; accept.setuid = false)",
                problems.of("bin/su").text());
        FileRecord v2 = file("bin/su", 0755, 2, Map.of());
        assertTrue(t.admits("beta", v2, take(v2)), "the next version, without the bit");
        FileRecord v3 = file("bin/su", 04755, 3, Map.of());
        assertFalse(t.admits("beta", v3, take(v3)));
        assertEquals(2, counters.remoteRefused.get(), "a new refused version counts again");
    }

    @Test
    void aPlanThatChangesNothingHereIsNeverJudged() {
        RemoteTrust t = trust(FolderType.SEND_ONLY, new AcceptFilter(false, false, null, List.of()));
        FileRecord r = file("x", 04755, 1, Map.of("user.a", new byte[] {1}));
        assertTrue(t.admits("beta", r, new Plan.Acknowledge()));
        assertTrue(t.admits("beta", r, new Plan.KeepLocal()));
        assertEquals(0, counters.remoteRefused.get() + counters.remoteIgnored.get());
    }

    @Test
    void aSendOnlyFolderIgnoresEveryChangeAndLogsAtMostOnceAMinutePerMember() {
        RemoteTrust t = trust(FolderType.SEND_ONLY, AcceptFilter.ALL);
        for (int i = 0; i < 5; i++) {
            FileRecord r = file("f" + i, 0644, 1, Map.of());
            assertFalse(t.admits("beta", r, take(r)));
        }
        assertEquals(5, counters.remoteIgnored.get());
        assertEquals(1, lines.size(), "one line for the burst: " + lines);
        clock.advance(RemoteTrust.LOG_EVERY_MILLIS);
        FileRecord r = file("f9", 0644, 1, Map.of());
        assertFalse(t.admits("beta", r, take(r)));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).endsWith("(and 4 more from beta since the last line)"), lines.get(1));
        FileRecord other = file("g", 0644, 1, Map.of());
        assertFalse(t.admits("gamma", other, take(other)));
        assertEquals(3, lines.size(), "another member has its own limit");
        assertTrue(problems.size() == 0, "ignoring is the folder's type, not a problem of the path");
    }

    @Test
    void peerSuppliedNamesAreEscapedInLogsAndProblems() {
        RemoteTrust t = trust(FolderType.SEND_RECEIVE, new AcceptFilter(true, true, null, List.of("user.*")));
        FileRecord r = file("evil\nFAKE LOG LINE", 0644, 1, Map.of("trusted.\u001b[31mred", new byte[] {1}));
        assertFalse(t.admits("beta", r, take(r)));
        assertEquals(1, lines.size());
        assertFalse(lines.get(0).contains("\n") || lines.get(0).contains("\u001b"), lines.get(0));
        assertTrue(lines.get(0).contains("evil\\x0aFAKE LOG LINE"), lines.get(0));
        String problem = problems.of("evil\nFAKE LOG LINE").text();
        assertTrue(problem.contains("xattr trusted.\\x1b[31mred") && !problem.contains("\u001b"), problem);
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private long millis = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();

        void advance(long by) {
            millis += by;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }
}
