package io.syncnode.node.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigrationsTest {
    @TempDir
    Path stateDir;

    private static String one(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            StringBuilder out = new StringBuilder();
            while (rs.next()) {
                out.append(out.isEmpty() ? "" : "\n").append(rs.getString(1));
            }
            return out.toString();
        }
    }

    /** The detail column of EXPLAIN QUERY PLAN, one line per step. */
    private static String plan(Connection c, String sql, Object... params) throws Exception {
        try (java.sql.PreparedStatement st = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString("detail")).append('\n');
                }
            }
            return out.toString();
        }
    }

    private Connection raw() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + stateDir.resolve(SqliteIndexStore.FILE_NAME));
    }

    @Test
    void aFreshDatabaseGetsEveryTableInWalModeAtTheLatestVersion() throws Exception {
        SqliteIndexStore.open(stateDir).close();
        try (Connection c = raw()) {
            assertEquals(String.valueOf(SchemaMigrations.latest()), one(c, "PRAGMA user_version"));
            assertEquals("wal", one(c, "PRAGMA journal_mode"));
            assertEquals("conflicts\ndigest_buckets\ndirty\nfiles\nintents\nnode\npeers",
                    one(c, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
            assertEquals("files_digest_delete\nfiles_digest_insert\nfiles_digest_update",
                    one(c, "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"));
            assertEquals("dirty_by_peer\nfiles_by_hard_link\nfiles_by_hash\nfiles_by_inode",
                    one(c, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"));
        }
    }

    @Test
    void reopeningAppliesNothingTwice() throws Exception {
        SqliteIndexStore.open(stateDir).close();
        SqliteIndexStore.open(stateDir).close();
        try (Connection c = raw()) {
            assertEquals(String.valueOf(SchemaMigrations.latest()), one(c, "PRAGMA user_version"));
        }
    }

    @Test
    void aDatabaseFromANewerBuildIsRefusedWithTheRemedy() throws Exception {
        SqliteIndexStore.open(stateDir).close();
        try (Connection c = raw(); Statement st = c.createStatement()) {
            st.executeUpdate("PRAGMA user_version = 99");
        }
        IndexException e = assertThrows(IndexException.class, () -> SqliteIndexStore.open(stateDir));
        assertTrue(e.getMessage().contains("99") && e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void rangeHashInodeAndHardLinkQueriesUseTheirIndexes() throws Exception {
        SqliteIndexStore.open(stateDir).close();
        try (Connection c = raw()) {
            String under = plan(c, FileQueries.UNDER, "f", "a/", "a0");
            assertTrue(under.contains("PRIMARY KEY (folder=? AND path>? AND path<?)") && !under.contains("TEMP B-TREE"),
                    under);
            String byHash = plan(c, FileQueries.BY_HASH, "f", new byte[32]);
            assertTrue(byHash.contains("files_by_hash (folder=? AND hash=?)") && !byHash.contains("TEMP B-TREE"),
                    byHash);
            String byInode = plan(c, FileQueries.BY_INODE, "f", 7L, 1L);
            assertTrue(byInode.contains("files_by_inode (folder=? AND st_ino=?)"), byInode);
            String linkedTo = plan(c, FileQueries.LINKED_TO, "f", "a");
            assertTrue(linkedTo.contains("files_by_hard_link (folder=? AND hard_link=?)"), linkedTo);
            Object[] many = new Object[1 + FileQueries.PREFETCH_CHUNK];
            java.util.Arrays.fill(many, "a");
            String linkedToMany = plan(c, FileQueries.LINKED_TO_MANY, many);
            assertTrue(linkedToMany.contains("files_by_hard_link (folder=? AND hard_link=?)"), linkedToMany);
        }
    }

    @Test
    void everyColumnOfTheSchemaHasAComment() throws Exception {
        String sql = new String(SchemaMigrations.class.getResourceAsStream("001-schema.sql").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        List<String> undocumented = new ArrayList<>();
        boolean inTable = false;
        for (String line : sql.split("\n")) {
            String t = line.strip();
            if (t.startsWith("CREATE TABLE")) {
                inTable = true;
            } else if (t.startsWith(")")) {
                inTable = false;
            } else if (inTable && !t.isEmpty() && !t.startsWith("--") && !t.startsWith("PRIMARY KEY")
                    && !t.startsWith("CHECK") && !t.contains("--")) {
                undocumented.add(t);
            }
        }
        assertEquals(List.of(), undocumented);
    }
}
