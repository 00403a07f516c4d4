package io.syncnode.node.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Logger;

/**
 * What the node does with an index it cannot trust: it says so, moves the file (and its WAL) aside
 * as {@code index.db.damaged-YYYYMMDD-HHMMSS} for an operator to look at, and starts a new one. The
 * new index has a new node id; the startup scan records every file again, and the members' versions
 * of identical files settle with this node's without a transfer and without a conflict copy
 * (PROTOCOL.md section 6: same content is no conflict). Files that differ are this node's changes
 * under the folder's policy.
 */
final class DamagedIndex {
    private static final Logger LOG = Logger.getLogger(DamagedIndex.class.getName());
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private DamagedIndex() {
    }

    /** Whether {@code e} (or a cause) is SQLite saying the file is not a database or is corrupt. */
    static boolean isDamage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DamagedIndexException) {
                return true;
            }
            if (t instanceof SQLException s) {
                String m = String.valueOf(s.getMessage());
                if (m.contains("SQLITE_CORRUPT") || m.contains("SQLITE_NOTADB") || m.contains("malformed")
                        || m.contains("file is not a database")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** SQLite's page check; anything but "ok" is damage. */
    static void quickCheck(Connection conn, String subject) {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check(1)")) {
            String answer = rs.next() ? rs.getString(1) : "no answer";
            if (!"ok".equalsIgnoreCase(answer)) {
                throw new DamagedIndexException("quick_check of " + subject + " says: " + answer);
            }
        } catch (SQLException e) {
            throw isDamage(e) ? new DamagedIndexException(e.getMessage(), e)
                    : new IndexException("check", subject, e);
        }
    }

    /** Moves the database and its -wal/-shm files aside; returns where the database went. */
    static Path moveAside(Path dbFile, String why) {
        Path aside = dbFile.resolveSibling(dbFile.getFileName() + ".damaged-" + STAMP.format(Instant.now()));
        try {
            Files.move(dbFile, aside, StandardCopyOption.ATOMIC_MOVE);
            for (String suffix : new String[] {"-wal", "-shm"}) {
                Path side = dbFile.resolveSibling(dbFile.getFileName() + suffix);
                if (Files.exists(side)) {
                    Files.move(side, aside.resolveSibling(aside.getFileName() + suffix), StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new IndexException("move the damaged index aside", dbFile.toString(), "it is damaged (" + why
                    + ") and cannot be moved: " + e.getMessage() + "; move or remove it by hand and start again");
        }
        return aside;
    }

    static void logRebuilt(Path dbFile, Path aside, String why, long newNodeId) {
        LOG.severe(() -> "the index " + dbFile + " is damaged (" + why + "); it was moved to " + aside
                + " and a new one is built from the folders (new node id " + Long.toHexString(newNodeId)
                + "): files identical to the members' settle without a transfer, files that differ are this"
                + " node's changes under each folder's policy");
    }
}
