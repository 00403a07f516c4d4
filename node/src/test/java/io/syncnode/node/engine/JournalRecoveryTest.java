package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.index.ApplyIntent;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash between writing a remote version into the folder and recording it leaves a journal row;
 * the next start records the version it was (not a local change of unknown origin), and drops rows
 * whose write did not happen. Real node, real SQLite; the crash is the state it leaves.
 */
class JournalRecoveryTest {
    private static final long PEER = 0x7777_0000_1111L;

    @TempDir
    Path tmp;

    @Test
    void anInterruptedApplyIsRecordedAsTheVersionItWasAndAnUnwrittenOneIsDropped() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 1, List.of())) {
            c.start(0);
            c.stop(0);
            long mtime = 1_790_000_000_123_456_789L;
            byte[] content = "written by the apply, then the node crashed".getBytes();
            Path f = c.dir(0).resolve("applied.txt");
            Files.write(f, content);
            Files.setLastModifiedTime(f, FileTime.from(java.time.Instant.ofEpochSecond(0, mtime)));
            int mode = Files.getAttribute(f, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) instanceof Integer m
                    ? m & 07777 : 0644;
            int uid = (Integer) Files.getAttribute(f, "unix:uid");
            int gid = (Integer) Files.getAttribute(f, "unix:gid");
            VersionVector v = VersionVector.of(Map.of(PEER, 1_790_000_000L));
            FileRecord applied = new FileRecord("applied.txt", FileType.REGULAR, mode, uid, gid, mtime, content.length,
                    ContentHash.of(java.security.MessageDigest.getInstance("SHA-256").digest(content)), null, 0, v,
                    false, PEER);
            FileRecord never = new FileRecord("never.txt", FileType.REGULAR, 0644, uid, gid, mtime, 3,
                    ContentHash.of(new byte[32]), null, 0, v, false, PEER);
            try (SqliteIndexStore store = SqliteIndexStore.open(c.stateDir(0))) {
                store.write(w -> {
                    w.putIntent(new ApplyIntent("data", applied, false));
                    w.putIntent(new ApplyIntent("data", never, false));
                    return null;
                }).join();
            }

            c.start(0); // returns once the journal is settled and the first scan done
            c.stop(0);
            try (SqliteIndexStore store = SqliteIndexStore.open(c.stateDir(0))) {
                StoredFile got = store.get("data", "applied.txt").orElseThrow();
                assertEquals(v, got.record().version(), "recorded as the version it was, not a new local one");
                assertEquals(PEER, got.record().modifiedBy());
                assertTrue(store.get("data", "never.txt").isEmpty(), "an apply that never reached the disk leaves nothing");
                assertEquals(List.of(), store.intents("data"), "the journal is empty again");
                assertEquals(0, store.dirtyCount("data"), "nothing of it is this node's to announce");
            }
        }
    }
}
