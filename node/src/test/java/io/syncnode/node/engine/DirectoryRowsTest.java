package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DirectoryRows}: one directory's rows at once, read again after a write, none for a large subtree. */
class DirectoryRowsTest {
    private static final VersionVector V = VersionVector.of(Map.of(1L, 1L));
    @TempDir
    Path stateDir;

    @Test
    void rowsOfTheWalksDirectoryComeFromOneReadAndFollowEveryWrite() {
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            put(store, "f", "d/a");
            put(store, "f", "d/sub/deeper");
            put(store, "f", "top");
            put(store, "g", "d/b");
            DirectoryRows rows = new DirectoryRows(store, "f");
            assertEquals("d/a", rows.stored("d/a").orElseThrow().record().path());
            assertEquals(Optional.empty(), rows.stored("d/b"), "another folder's row is not this one's");
            assertEquals(Optional.empty(), rows.stored("d/new"));
            assertEquals("top", rows.stored("top").orElseThrow().record().path());
            assertEquals(Optional.empty(), rows.stored("d/sub"), "not indexed: d/sub/deeper is under it, not it");

            put(store, "f", "d/new"); // a write of the folder: what was read is read again
            assertEquals("d/new", rows.stored("d/new").orElseThrow().record().path());
            put(store, "g", "d/other"); // another folder's write changes nothing here
            assertEquals(Optional.empty(), rows.stored("d/other"));
        }
    }

    @Test
    void aDirectoryWithMoreThanTheLimitUnderItIsLeftToOneReadPerEntry() {
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            store.writeAndWait(w -> {
                for (int i = 0; i <= DirectoryRows.LIMIT; i++) {
                    w.put("f", record("big/s/f" + i), null);
                }
                w.put("f", record("big/x"), null);
                w.put("f", record("small/x"), null);
                return null;
            });
            DirectoryRows rows = new DirectoryRows(store, "f");
            assertNull(rows.stored("big/x"));
            assertNull(rows.stored("big/y"));
            assertEquals("small/x", rows.stored("small/x").orElseThrow().record().path());
            assertNull(rows.stored("big/x"), "still too many");
            rows.reset();
            assertNull(rows.stored("big/x"));
        }
    }

    private static void put(SqliteIndexStore store, String folder, String path) {
        store.writeAndWait(w -> w.put(folder, record(path), null));
    }

    private static FileRecord record(String path) {
        return new FileRecord(path, FileType.DIRECTORY, 0755, 0, 0, 0, 0, null, null, 0, V, false, 1L);
    }
}
