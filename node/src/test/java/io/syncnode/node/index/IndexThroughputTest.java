package io.syncnode.node.index;

import static io.syncnode.node.index.Records.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncnode.protocol.FileRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prints (does not assert) the figures the scanner relies on: bulk put and point get. */
class IndexThroughputTest {
    static final int FILES = 30_000;
    static final int GETS = 100_000;

    @TempDir
    Path stateDir;
    @TempDir
    Path rawDir;

    @Test
    void bulkPutAndRandomGets() {
        List<FileRecord> records = new ArrayList<>(FILES);
        for (int i = 0; i < FILES; i++) {
            String path = String.format("rootfs/usr/lib/pkg%03d/file-%05d.so", i % 500, i);
            records.add(Records.regular(path, path));
        }
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            long t0 = System.nanoTime();
            await(store.write(w -> {
                for (FileRecord r : records) {
                    w.put("ct101", r, Records.stat(r.path().hashCode()));
                }
                return null;
            }));
            long t1 = System.nanoTime();
            await(store.write(w -> { // the same again into a second folder, with the JIT warm
                for (FileRecord r : records) {
                    w.put("ct102", r, Records.stat(r.path().hashCode()));
                }
                return null;
            }));
            long warmPut = System.nanoTime() - t1;
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < 2_000; i++) { // warm-up
                store.get("ct101", records.get(random.nextInt(FILES)).path()).orElseThrow();
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < GETS; i++) {
                store.get("ct101", records.get(random.nextInt(FILES)).path()).orElseThrow();
            }
            long t3 = System.nanoTime();
            long[] n = {0};
            store.forEach("ct101", f -> n[0]++);
            long t4 = System.nanoTime();
            byte[] digest = store.digest("ct101");
            long t5 = System.nanoTime();
            assertEquals(FILES, n[0]);
            assertEquals(32, digest.length);
            double rawGet = rawGetMicros(store.file(), records);
            double rawPut = rawPutRowsPerSecond(rawDir, records);
            System.out.printf("index raw JDBC baseline (same machine load, one connection, no records): "
                    + "insert %.0f rows/s, get %.1f us each%n", rawPut, rawGet);
            System.out.printf("index throughput: second (warm) write() of %d puts %.0f ms (%.0f rows/s)%n", FILES,
                    ms(warmPut), FILES / sec(warmPut));
            System.out.printf("index throughput: put %d in one write() %.0f ms (%.0f rows/s); %d random get() "
                            + "%.0f ms (%.0f gets/s, %.1f us each); forEach %.0f ms; digest %.0f ms%n",
                    FILES, ms(t1 - t0), FILES / sec(t1 - t0), GETS, ms(t3 - t2), GETS / sec(t3 - t2),
                    (t3 - t2) / 1000.0 / GETS, ms(t4 - t3), ms(t5 - t4));
        }
    }

    /** The same inserts on a bare connection to a fresh index of the same schema. */
    private static double rawPutRowsPerSecond(Path dir, List<FileRecord> records) {
        SqliteIndexStore.open(dir).close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("index.db"));
             java.sql.Statement tx = c.createStatement();
             java.sql.PreparedStatement st = prepareWithDigestFunctions(c, "INSERT OR REPLACE INTO files ("
                     + FileRowCodec.COLUMNS + ") VALUES (" + FileRowCodec.PLACEHOLDERS + ")")) {
            tx.executeUpdate("PRAGMA synchronous = NORMAL");
            long t0 = System.nanoTime();
            tx.executeUpdate("BEGIN IMMEDIATE");
            long seq = 0;
            for (FileRecord r : records) {
                FileRowCodec.bind(st, new StoredFile("ct101", r, Records.stat(1), ++seq));
                st.executeUpdate();
            }
            tx.executeUpdate("COMMIT");
            return records.size() / sec(System.nanoTime() - t0);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The files triggers (migration 005) call the digest functions: registered before the insert is prepared. */
    private static java.sql.PreparedStatement prepareWithDigestFunctions(java.sql.Connection c, String sql)
            throws java.sql.SQLException {
        DigestBuckets.install(c);
        return c.prepareStatement(sql);
    }

    /** The same point query on a bare connection, no pool and no decoding: what the machine gives now. */
    private static double rawGetMicros(Path db, List<FileRecord> records) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.PreparedStatement st = c.prepareStatement("SELECT " + FileRowCodec.COLUMNS
                     + " FROM files WHERE folder = ? AND path = ?")) {
            SplittableRandom random = new SplittableRandom(7);
            long t0 = 0;
            for (int i = 0; i < GETS + 2_000; i++) {
                if (i == 2_000) {
                    t0 = System.nanoTime();
                }
                st.setString(1, "ct101");
                st.setString(2, records.get(random.nextInt(FILES)).path());
                try (java.sql.ResultSet rs = st.executeQuery()) {
                    rs.next();
                    for (int col = 1; col <= FileRowCodec.COLUMN_COUNT; col++) {
                        rs.getObject(col);
                    }
                }
            }
            return (System.nanoTime() - t0) / 1000.0 / GETS;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }

    private static double sec(long ns) {
        return ns / 1e9;
    }
}
