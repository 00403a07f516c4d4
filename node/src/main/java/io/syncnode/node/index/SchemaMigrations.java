package io.syncnode.node.index;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Brings a database up to the schema this build knows, with the numbered SQL resources beside
 * this class ({@code 001-schema.sql}, {@code 002-...}). {@code PRAGMA user_version} holds the
 * number of the last migration applied; each migration runs in its own transaction together with
 * the user_version update, so a crash leaves the database at a whole version.
 *
 * <p>Migrations are never edited once released: a change of schema is a new file appended to
 * {@link #SCRIPTS}. A database newer than the build is refused rather than guessed at.
 */
final class SchemaMigrations {
    /** The migrations in order; the number in a name must equal its position (1-based). */
    static final List<String> SCRIPTS = List.of("001-schema.sql", "002-conflicts.sql", "003-fidelity.sql",
            "004-intents.sql", "005-digest-buckets.sql");

    private SchemaMigrations() {
    }

    /** The schema version this build writes. */
    static int latest() {
        return SCRIPTS.size();
    }

    /** Applies every migration newer than the database's user_version; returns the version reached. */
    static int apply(Connection conn, String subject) {
        int current;
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            current = rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            throw new IndexException("read schema version", subject, e);
        }
        if (current > latest()) {
            throw new IndexException("migrate", subject, "database schema version " + current
                    + " is newer than this syncnode knows (" + latest()
                    + "); run a newer syncnode or move the state dir away to start a fresh index");
        }
        for (int version = current + 1; version <= latest(); version++) {
            String name = SCRIPTS.get(version - 1);
            if (!name.startsWith(String.format("%03d-", version))) {
                throw new IllegalStateException("migration " + name + " is listed at position " + version);
            }
            String sql = load(name, subject);
            try (Statement st = conn.createStatement()) {
                st.executeUpdate("BEGIN IMMEDIATE");
                try {
                    // sqlite-jdbc runs a multi-statement string with sqlite3_exec: every statement runs.
                    st.executeUpdate(sql);
                    st.executeUpdate("PRAGMA user_version = " + version);
                    st.executeUpdate("COMMIT");
                } catch (SQLException e) {
                    try {
                        st.executeUpdate("ROLLBACK");
                    } catch (SQLException rollback) {
                        e.addSuppressed(rollback);
                    }
                    throw e;
                }
            } catch (SQLException e) {
                throw new IndexException("migrate to " + name, subject, e);
            }
        }
        return latest();
    }

    private static String load(String name, String subject) {
        try (InputStream in = SchemaMigrations.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IndexException("load migration " + name, subject, "resource missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IndexException("load migration " + name, subject, e);
        }
    }
}
