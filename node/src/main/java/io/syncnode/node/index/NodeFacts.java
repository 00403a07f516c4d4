package io.syncnode.node.index;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code node} table: this node's id and its last local sequence number. */
final class NodeFacts {
    static final String NODE_ID = "node_id";
    static final String SEQUENCE = "sequence";

    private NodeFacts() {
    }

    /**
     * The node id, made on the first call for a database: a random non-zero 64-bit value from
     * {@link SecureRandom}, so two nodes never share one in practice and a wiped state dir is a
     * new node.
     */
    static long nodeId(Connection conn, String subject) {
        Optional<Long> existing = value(conn, NODE_ID, subject);
        if (existing.isPresent()) {
            return existing.get();
        }
        SecureRandom random = new SecureRandom();
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        try (PreparedStatement st = conn.prepareStatement(
                "INSERT INTO node (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")) {
            st.setString(1, NODE_ID);
            st.setLong(2, id);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException("create node id", subject, e);
        }
        // Re-read: another process opening the same fresh state dir at the same moment may have won.
        return value(conn, NODE_ID, subject)
                .orElseThrow(() -> new IndexException("create node id", subject, "no node id after insert"));
    }

    /** The last sequence number handed out, 0 for a new database. */
    static long lastSequence(Connection conn, String subject) {
        return value(conn, SEQUENCE, subject).orElse(0L);
    }

    private static Optional<Long> value(Connection conn, String key, String subject) {
        try (PreparedStatement st = conn.prepareStatement("SELECT value FROM node WHERE key = ?")) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IndexException("read " + key, subject, e);
        }
    }
}
