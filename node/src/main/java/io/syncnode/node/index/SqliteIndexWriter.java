package io.syncnode.node.index;

import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.StatSignature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link IndexWriter} over the single write connection; used only by the
 * {@code index-writer} thread. Brackets each write function with {@code BEGIN IMMEDIATE} /
 * {@code COMMIT} (or {@code ROLLBACK}), keeps the node-wide sequence counter in memory and
 * persists it in the {@code node} table inside the same transaction, restoring it on rollback.
 */
final class SqliteIndexWriter implements IndexWriter {
    private static final String PUT = "INSERT OR REPLACE INTO files (" + FileRowCodec.COLUMNS + ") VALUES ("
            + FileRowCodec.PLACEHOLDERS + ")";
    private static final String GET = "SELECT " + FileRowCodec.COLUMNS + " FROM files WHERE folder = ? AND path = ?";
    private static final String MARK_DIRTY = "INSERT INTO dirty (folder, path, peer_id, since_ms) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (folder, path, peer_id) DO NOTHING";
    private static final String CLEAR_DIRTY = "DELETE FROM dirty WHERE folder = ? AND path = ? AND peer_id = ?";
    private static final String CLEAR_DIRTY_ALL = "DELETE FROM dirty WHERE folder = ? AND path = ?";
    private static final String UPSERT_PEER = "INSERT INTO peers (id, name, address, last_seen_ms) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, "
            + "last_seen_ms = excluded.last_seen_ms";
    private static final String FORGET_FILES = "DELETE FROM files WHERE folder = ?";
    private static final String FORGET_DIRTY = "DELETE FROM dirty WHERE folder = ?";
    private static final String SAVE_SEQUENCE = "INSERT OR REPLACE INTO node (key, value) VALUES ('sequence', ?)";

    private final Connection conn;
    private final String subject;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final RowCache cache;
    /**
     * The files rows the open transaction wrote, in order (what a put stored, or null: removed or
     * not known), and the folders it forgot: reported to the cache when it ends.
     */
    private final Map<RowCache.Key, StoredFile> touched = new LinkedHashMap<>();
    private final Set<String> forgotten = new HashSet<>();
    private long sequence;
    private long sequenceAtBegin;
    private Thread owner;

    SqliteIndexWriter(Connection conn, String subject, long lastSequence, RowCache cache) {
        this.conn = conn;
        this.subject = subject;
        this.sequence = lastSequence;
        this.cache = cache;
    }

    void begin() throws SQLException {
        prepared("BEGIN IMMEDIATE").executeUpdate();
        sequenceAtBegin = sequence;
        owner = Thread.currentThread();
    }

    void commit() throws SQLException {
        owner = null;
        if (sequence != sequenceAtBegin) {
            PreparedStatement st = prepared(SAVE_SEQUENCE);
            st.setLong(1, sequence);
            st.executeUpdate();
        }
        prepared("COMMIT").executeUpdate();
        sequenceAtBegin = sequence;
        publish(true);
    }

    /** Tells the row cache which rows the transaction that just ended (committed or not) wrote. */
    private void publish(boolean committed) {
        if (!touched.isEmpty() || !forgotten.isEmpty()) {
            cache.changed(touched, forgotten, committed);
            touched.clear();
            forgotten.clear();
        }
    }

    void rollback() throws SQLException {
        owner = null;
        sequence = sequenceAtBegin;
        // May fail with "no transaction is active" when SQLite already rolled back by itself
        // (e.g. disk full); the caller keeps that as a suppressed exception.
        try {
            prepared("ROLLBACK").executeUpdate();
        } finally {
            publish(false);
        }
    }

    /** Closes the cached statements (the connection is closed by the store). */
    void close() throws SQLException {
        for (PreparedStatement st : statements.values()) {
            st.close();
        }
        statements.clear();
    }

    @Override
    public StoredFile put(String folder, FileRecord record, StatSignature stat) {
        checkOwner();
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(record, "record");
        StoredFile stored = new StoredFile(folder, record, stat, sequence + 1);
        try {
            PreparedStatement st = prepared(PUT);
            FileRowCodec.bind(st, stored);
            st.executeUpdate(); // a statement that fails changes nothing: nothing to report
            touched.put(new RowCache.Key(folder, record.path()), stored);
        } catch (SQLException e) {
            throw new IndexException("put", describe(folder, record.path()), e);
        }
        sequence++;
        return stored;
    }

    @Override
    public void markDirty(String folder, String path, Collection<Long> peerIds, Instant since) {
        checkOwner();
        Objects.requireNonNull(since, "since");
        try {
            PreparedStatement st = prepared(MARK_DIRTY);
            for (long peer : peerIds) {
                st.setString(1, folder);
                st.setString(2, path);
                st.setLong(3, peer);
                st.setLong(4, since.toEpochMilli());
                st.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IndexException("mark dirty", describe(folder, path), e);
        }
    }

    @Override
    public void clearDirty(String folder, String path, long peerId) {
        checkOwner();
        try {
            PreparedStatement st = prepared(CLEAR_DIRTY);
            st.setString(1, folder);
            st.setString(2, path);
            st.setLong(3, peerId);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException("clear dirty", describe(folder, path) + " peer " + SqliteIndexStore.hex(peerId),
                    e);
        }
    }

    @Override
    public void clearDirtyAll(String folder, String path) {
        checkOwner();
        try {
            PreparedStatement st = prepared(CLEAR_DIRTY_ALL);
            st.setString(1, folder);
            st.setString(2, path);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException("clear dirty", describe(folder, path) + " for every peer", e);
        }
    }

    @Override
    public void upsertPeer(PeerInfo peer) {
        checkOwner();
        try {
            PreparedStatement st = prepared(UPSERT_PEER);
            st.setLong(1, peer.id());
            st.setString(2, peer.name());
            if (peer.address() == null) {
                st.setNull(3, Types.VARCHAR);
            } else {
                st.setString(3, peer.address());
            }
            if (peer.lastSeen() == null) {
                st.setNull(4, Types.INTEGER);
            } else {
                st.setLong(4, peer.lastSeen().toEpochMilli());
            }
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException("upsert peer", "peer '" + peer.name() + "' " + SqliteIndexStore.hex(peer.id()),
                    e);
        }
    }

    @Override
    public Optional<StoredFile> get(String folder, String path) {
        checkOwner();
        try {
            PreparedStatement st = prepared(GET);
            st.setString(1, folder);
            st.setString(2, path);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(FileRowCodec.read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IndexException("get in transaction", describe(folder, path), e);
        }
    }

    @Override
    public void forgetFolder(String folder) {
        checkOwner();
        try {
            PreparedStatement files = prepared(FORGET_FILES);
            files.setString(1, folder);
            forgotten.add(folder);
            files.executeUpdate();
            PreparedStatement dirty = prepared(FORGET_DIRTY);
            dirty.setString(1, folder);
            dirty.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException("forget folder", "folder '" + folder + "'", e);
        }
    }

    @Override
    public void forgetPath(String folder, String path) {
        checkOwner();
        touched.put(new RowCache.Key(folder, path), null);
        try {
            for (String sql : new String[] {"DELETE FROM files WHERE folder = ? AND path = ?", CLEAR_DIRTY_ALL}) {
                PreparedStatement st = prepared(sql);
                st.setString(1, folder);
                st.setString(2, path);
                st.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IndexException("forget path", describe(folder, path), e);
        }
    }

    @Override
    public int forgetPeer(long peerId) {
        checkOwner();
        try {
            PreparedStatement dirty = prepared("DELETE FROM dirty WHERE peer_id = ?");
            dirty.setLong(1, peerId);
            int dropped = dirty.executeUpdate();
            PreparedStatement peer = prepared("DELETE FROM peers WHERE id = ?");
            peer.setLong(1, peerId);
            peer.executeUpdate();
            return dropped;
        } catch (SQLException e) {
            throw new IndexException("forget peer", "peer " + SqliteIndexStore.hex(peerId), e);
        }
    }

    /** Plain DELETE on files (whatever maintains the folder digest sees it), guarded as the collector's read was. */
    private static final String DROP_TOMBSTONE = "DELETE FROM files WHERE folder = ? AND path = ? AND deleted = 1"
            + " AND sequence = ? AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.folder = files.folder"
            + " AND d.path = files.path) AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.folder = files.folder"
            + " AND c.path = files.path) AND NOT EXISTS (SELECT 1 FROM intents i WHERE i.folder = files.folder"
            + " AND i.path = files.path)";

    @Override
    public boolean dropTombstone(String folder, String path, long sequence) {
        checkOwner();
        try {
            PreparedStatement st = prepared(DROP_TOMBSTONE);
            touched.put(new RowCache.Key(folder, path), null);
            st.setString(1, folder);
            st.setString(2, path);
            st.setLong(3, sequence);
            return st.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IndexException("drop tombstone", describe(folder, path), e);
        }
    }

    private static final String INTENT_COLUMNS = "folder, path, type, mode, uid, gid, mtime_ns, size, hash, "
            + "symlink_target, rdev, version, deleted, modified_by, xattrs, hard_link, announce";

    @Override
    public void putIntent(ApplyIntent intent) {
        try {
            PreparedStatement st = prepared("INSERT OR REPLACE INTO intents (" + INTENT_COLUMNS + ") VALUES (?"
                    + ", ?".repeat(16) + ")");
            st.setString(1, intent.folder());
            FileRowCodec.bindRecord(st, 2, intent.record());
            FileRowCodec.bindExtras(st, 15, intent.record());
            st.setInt(17, intent.announce() ? 1 : 0);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException("put intent", describe(intent.folder(), intent.record().path()), e);
        }
    }

    @Override
    public void deleteIntents(String folder, java.util.Collection<String> paths) {
        try {
            PreparedStatement st = prepared("DELETE FROM intents WHERE folder = ? AND path = ?");
            for (String p : paths) {
                st.setString(1, folder);
                st.setString(2, p);
                st.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IndexException("delete intents", "folder '" + folder + "'", e);
        }
    }

    @Override
    public void deleteIntents(String folder) {
        try {
            PreparedStatement st = prepared("DELETE FROM intents WHERE folder = ?");
            st.setString(1, folder);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException("delete intents", "folder '" + folder + "'", e);
        }
    }

    @Override
    public void putConflict(StoredConflict conflict) {
        checkOwner();
        try {
            PreparedStatement st = prepared("INSERT OR REPLACE INTO conflicts (" + ConflictRowCodec.COLUMNS
                    + ") VALUES (" + ConflictRowCodec.PLACEHOLDERS + ")");
            ConflictRowCodec.bind(st, conflict);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException("put conflict", describe(conflict.folder(), conflict.path()), e);
        }
    }

    @Override
    public void deleteConflict(String folder, String path) {
        checkOwner();
        try {
            PreparedStatement st = prepared("DELETE FROM conflicts WHERE folder = ? AND path = ?");
            st.setString(1, folder);
            st.setString(2, path);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException("delete conflict", describe(folder, path), e);
        }
    }

    static String describe(String folder, String path) {
        return "folder '" + folder + "' path '" + path + "'";
    }

    @Override
    public void releaseMemory() {
        checkOwner();
        try (java.sql.Statement st = conn.createStatement()) {
            st.execute("PRAGMA shrink_memory");
        } catch (SQLException e) {
            throw new IndexException("shrink memory", subject, e);
        }
    }

    private void checkOwner() {
        if (owner != Thread.currentThread()) {
            throw new IllegalStateException("IndexWriter used outside its write function (thread "
                    + Thread.currentThread().getName() + "); pass work to SqliteIndexStore.write instead");
        }
    }

    private PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement st = statements.get(sql);
        if (st == null) {
            st = conn.prepareStatement(sql);
            statements.put(sql, st);
        }
        return st;
    }
}
