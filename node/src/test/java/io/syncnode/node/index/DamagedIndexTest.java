package io.syncnode.node.index;

import static io.syncnode.node.index.Records.await;
import static io.syncnode.node.index.Records.regular;
import static io.syncnode.node.index.Records.stat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged index is said so, moved aside and rebuilt; a healthy one is kept as it is. Real SQLite
 * files, damaged the way disks and people damage them.
 */
class DamagedIndexTest {
    @TempDir
    Path stateDir;

    private long filledIndex(int rows) {
        try (SqliteIndexStore s = SqliteIndexStore.open(stateDir)) {
            await(s.write(w -> {
                for (int i = 0; i < rows; i++) {
                    w.put("data", regular("dir/file-" + i + "-" + "x".repeat(100), "content " + i), stat(i + 1));
                }
                return null;
            }));
            return s.nodeId();
        }
    }

    private List<Path> setAside() throws Exception {
        try (Stream<Path> files = Files.list(stateDir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("index.db.damaged-")).toList();
        }
    }

    @Test
    void aHealthyIndexKeepsItsNodeIdAndRecords() throws Exception {
        long id = filledIndex(500);
        try (SqliteIndexStore s = SqliteIndexStore.open(stateDir)) {
            assertEquals(id, s.nodeId());
            assertEquals(500, s.liveCount("data"));
        }
        assertEquals(List.of(), setAside());
    }

    @Test
    void aFileThatIsNotADatabaseIsMovedAsideAndANewIndexStarts() throws Exception {
        long id = filledIndex(10);
        Files.write(stateDir.resolve(SqliteIndexStore.FILE_NAME), "this is not an SQLite file at all, sorry".repeat(200).getBytes());
        try (SqliteIndexStore s = SqliteIndexStore.open(stateDir)) {
            assertNotEquals(id, s.nodeId(), "a new index, a new node id");
            assertEquals(0, s.liveCount("data"));
        }
        assertEquals(1, setAside().size(), "the damaged file is kept for an operator");
    }

    @Test
    void damagedPagesInsideAValidHeaderAreFoundAndTheIndexIsRebuilt() throws Exception {
        long id = filledIndex(3000);
        Path db = stateDir.resolve(SqliteIndexStore.FILE_NAME);
        long size = Files.size(db);
        assertTrue(size > 64 * 4096, "several pages: " + size);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            byte[] junk = new byte[4096 * 8];
            new java.util.Random(3).nextBytes(junk);
            f.seek(size / 2 / 4096 * 4096); // whole pages in the middle of the file, the header intact
            f.write(junk);
        }
        try (SqliteIndexStore s = SqliteIndexStore.open(stateDir)) {
            assertNotEquals(id, s.nodeId());
            assertEquals(0, s.liveCount("data"));
            await(s.write(w -> w.put("data", regular("a", "a"), stat(1))));
            assertEquals(1, s.liveCount("data"), "the new index works");
        }
        assertEquals(1, setAside().size());
    }
}
