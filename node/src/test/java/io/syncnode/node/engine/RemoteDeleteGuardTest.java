package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.wire.Message;
import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.DeleteConflict;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.Reconciler;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote mass-delete guard on a real index: which tombstones count, that a member's batches
 * add up, that the tripping batch is held whole, and what {@code accept-deletes} and {@code check}
 * do with it.
 */
class RemoteDeleteGuardTest {
    @TempDir
    Path tmp;
    EngineParts parts;
    final List<String> halts = new ArrayList<>();
    final List<String> applied = new ArrayList<>();
    RemoteDeleteGuard guard;
    final List<FileRecord> live = new ArrayList<>();

    @BeforeEach
    void thirtyFiles() throws Exception {
        parts = new EngineParts(tmp);
        guard = guard(true);
        parts.onWorker(() -> {
            for (int i = 0; i < 120; i++) {
                FileRecord r = parts.file("f" + i, new byte[] {(byte) i}, 0644, 1, EngineParts.PEER, 1);
                live.add(r);
                parts.buffer.put(IndexBuffer.Put.taken(r, null));
            }
            parts.buffer.flush();
            return null;
        });
    }

    @AfterEach
    void close() {
        parts.close();
    }

    private RemoteDeleteGuard guard(boolean active) {
        return new RemoteDeleteGuard(parts.context,
                new Reconciler(ConflictPolicy.KEEP_BOTH, DeleteConflict.KEEP_MODIFIED, EngineParts.SELF), halts::add,
                (from, u) -> applied.add(from + ":" + u.files().size()), active);
    }

    /** Tombstones from the peer, newer than the index, for files {@code from} until {@code to} (exclusive). */
    private Message.IndexUpdate deletes(int from, int to) {
        return deletes(from, to, false, false);
    }

    /** As {@link #deletes(int, int)}, as a batch of an index exchange ({@code full}; {@code last}: its end). */
    private Message.IndexUpdate deletes(int from, int to, boolean full, boolean last) {
        List<Message.Announced> files = new ArrayList<>();
        for (int i = from; i < to; i++) {
            FileRecord r = live.get(i);
            files.add(new Message.Announced(r.asDeleted(VersionVector.of(Map.of(EngineParts.PEER, 2L)),
                    EngineParts.PEER), null));
        }
        return new Message.IndexUpdate(EngineParts.FOLDER, files, full, last);
    }

    @Test
    void announcementsAreJudgedAloneAndOneOverHalfTheFolderTripsTheGuard() throws Exception {
        assertTrue(parts.onWorker(() -> guard.admits("beta", deletes(0, 40))), "40 of 120: fine");
        assertTrue(parts.onWorker(() -> guard.admits("beta", deletes(40, 80))), "another 40, alone: fine");
        assertFalse(parts.onWorker(() -> guard.admits("gamma", deletes(0, 61))), "61 of 120 in one: too many");
        assertEquals(1, halts.size());
        assertTrue(halts.get(0).startsWith("gamma's announcements would delete 61 of 120 files (more than 50 %)"),
                halts.get(0));
    }

    @Test
    void theBatchesOfOneIndexExchangeAddUpUntilTheyTripTheGuard() throws Exception {
        assertTrue(parts.onWorker(() -> guard.admits("beta", deletes(0, 40, true, false))), "40 of 120: fine");
        assertTrue(halts.isEmpty());
        assertFalse(parts.onWorker(() -> guard.admits("beta", deletes(40, 61, true, true))),
                "61 of 120 in one exchange: too many");
        assertEquals(1, halts.size());
        assertTrue(halts.get(0).startsWith("beta's announcements would delete 61 of 120 files (more than 50 %)"),
                halts.get(0));
        assertTrue(halts.get(0).contains("`syncnode accept-deletes -c FILE --folder data`"), halts.get(0));

        assertEquals(21, (long) parts.onWorker(guard::applyHeld), "accept-deletes applies the held batch");
        assertEquals(List.of("beta:21"), applied);
        assertEquals(0, (long) parts.onWorker(guard::applyHeld), "nothing is held twice");
    }

    @Test
    void anExchangePacedOverMinutesAddsUpWhileItsBatchesKeepComingAndEndsAfterAMinuteOfSilence() throws Exception {
        MovingClock clock = new MovingClock();
        RemoteDeleteGuard paced = new RemoteDeleteGuard(clock.into(parts.context),
                new Reconciler(ConflictPolicy.KEEP_BOTH, DeleteConflict.KEEP_MODIFIED, EngineParts.SELF), halts::add,
                (from, u) -> applied.add(from + ":" + u.files().size()), true);
        assertTrue(parts.onWorker(() -> paced.admits("beta", deletes(0, 40, true, false))), "40 of 120: fine");
        for (int i = 0; i < 3; i++) { // pages without deletes, 50 s apart: the exchange goes on
            clock.advance(java.time.Duration.ofSeconds(50));
            assertTrue(parts.onWorker(() -> paced.admits("beta", deletes(0, 0, true, false))));
        }
        clock.advance(java.time.Duration.ofSeconds(50));
        assertFalse(parts.onWorker(() -> paced.admits("beta", deletes(40, 61, true, true))),
                "61 of 120 in one exchange, 200 s long: too many");
        assertEquals(1, halts.size(), halts.toString());

        halts.clear();
        parts.onWorker(paced::applyHeld);
        assertTrue(parts.onWorker(() -> paced.admits("gamma", deletes(0, 40, true, false))));
        clock.advance(java.time.Duration.ofSeconds(RemoteDeleteGuard.WINDOW_MILLIS / 1000));
        assertTrue(parts.onWorker(() -> paced.admits("gamma", deletes(40, 61, true, true))),
                "after a minute without a batch the window ended: 21 of 120");
        assertTrue(halts.isEmpty(), halts.toString());
    }

    @Test
    void eachMemberHasItsOwnCountAndStaleTombstonesDoNotCount() throws Exception {
        assertTrue(parts.onWorker(() -> guard.admits("beta", deletes(0, 60, true, false))));
        assertTrue(parts.onWorker(() -> guard.admits("gamma", deletes(60, 120, true, false))),
                "another member's exchange: 15 of its own");
        List<Message.Announced> stale = new ArrayList<>();
        for (FileRecord r : live) { // deletes the index's own versions already cover
            stale.add(new Message.Announced(r.asDeleted(VersionVector.of(Map.of(EngineParts.PEER, 1L)),
                    EngineParts.PEER), null));
        }
        assertTrue(parts.onWorker(() -> guard.admits("delta", new Message.IndexUpdate("data", stale, true, true))),
                "tombstones that lose to the index delete nothing");
        assertTrue(halts.isEmpty(), halts.toString());
    }

    @Test
    void aSendOnlyFolderIsNotGuarded() throws Exception {
        RemoteDeleteGuard sendOnly = guard(false);
        assertTrue(parts.onWorker(() -> sendOnly.admits("beta", deletes(0, 120))));
    }
}
