package io.syncnode.node.index;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How the index opens its SQLite connections: one write connection, any number of read-only
 * ones, all on the same file.
 *
 * <p>Writer pragmas.
 * <ul>
 * <li>{@code journal_mode=WAL} (persistent in the file): readers read the last committed state
 *     while a write transaction is open, and a crash at any point leaves the database consistent.
 *     Refused when it does not take (e.g. a state dir on a network file system).</li>
 * <li>{@code synchronous=NORMAL}: in WAL mode a power cut can lose the last commits but never
 *     corrupts the database, and nothing is lost for good: the startup rescan finds every local
 *     change whose record did not reach the disk (its stat signature differs from the index), and
 *     a remote version whose apply was lost is fetched again, because the source clears its dirty
 *     entry only on our acknowledgement, sent after the commit. FULL would fsync the WAL on every
 *     commit for no gain in what the cluster ends up holding.</li>
 * <li>{@code foreign_keys=OFF}: the schema declares none (dirty rows may briefly outlive their
 *     files row; see 001-schema.sql), and the check would cost every write.</li>
 * <li>{@code busy_timeout=5000}: only another process on the same file could make us wait.</li>
 * <li>{@code cache_size=-65536} (64 MiB, filled only as far as the database goes, freed when the
 *     node goes quiet: {@link IndexWriter#releaseMemory}): the content-hash index of a
 *     million-file folder (61 MiB; its rows 168 MiB) mostly stays in memory while a scan adds
 *     to it at random places. With the WAL setting below, a million-file index took 137 s
 *     instead of 167 s with 16 MiB and SQLite's default checkpoints (both at 2,000 rows per
 *     commit; not measured apart).</li>
 * <li>{@code wal_autocheckpoint=10000} (pages, about 40 MiB of WAL): a checkpoint copies each page
 *     changed since the last one once, however many commits changed it. With SQLite's 1,000, a scan
 *     checkpointed after nearly every commit of its random-key index pages, copying the same pages
 *     again and again.</li>
 * <li>{@code recursive_triggers=ON} and the {@code syncnode_*} functions ({@link DigestBuckets#install}):
 *     the {@code files} triggers keep the folder digest's bucket sums, and the row an
 *     {@code INSERT OR REPLACE} removes must fire the delete trigger.</li>
 * </ul>
 * Readers get {@code busy_timeout=5000} (a reader may briefly wait for the WAL index during a
 * checkpoint or recovery) and {@code query_only=1} (a bug cannot write around the writer thread).
 */
final class IndexConnections {
    private IndexConnections() {
    }

    static String url(Path dbFile) {
        return "jdbc:sqlite:" + dbFile;
    }

    /**
     * The driver's options of every connection: {@code jdbc.get_generated_keys=false}. By default
     * sqlite-jdbc follows every INSERT's {@code executeUpdate} with a query for the new row id,
     * prepared anew each time (about an eighth of a scan's index writes); the index never asks for
     * generated keys.
     */
    private static java.util.Properties options() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("jdbc.get_generated_keys", "false");
        return p;
    }

    /** Opens and configures the write connection. */
    static Connection openWriter(Path dbFile) {
        String subject = dbFile.toString();
        Connection conn;
        try {
            conn = DriverManager.getConnection(url(dbFile), options());
        } catch (SQLException e) {
            throw new IndexException("open", subject, e);
        }
        try (Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : "?";
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new IndexException("enable WAL", subject, "journal_mode stayed " + mode
                            + "; put the state dir on a local file system");
                }
            }
            st.executeUpdate("PRAGMA synchronous = NORMAL");
            st.executeUpdate("PRAGMA foreign_keys = OFF");
            st.executeUpdate("PRAGMA busy_timeout = 5000");
            st.executeUpdate("PRAGMA cache_size = -65536");
            st.executeUpdate("PRAGMA wal_autocheckpoint = 10000");
            DigestBuckets.install(conn); // the files triggers keep the folder digest (migration 005)
            return conn;
        } catch (SQLException | RuntimeException e) {
            try {
                conn.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof IndexException ie ? ie : new IndexException("configure", subject, e);
        }
    }

    /** Opens and configures a read-only connection. */
    static Connection openReader(String url) throws SQLException {
        Connection conn = DriverManager.getConnection(url, options());
        try (Statement st = conn.createStatement()) {
            st.executeUpdate("PRAGMA busy_timeout = 5000");
            st.executeUpdate("PRAGMA query_only = 1");
        } catch (SQLException e) {
            conn.close();
            throw e;
        }
        return conn;
    }
}
