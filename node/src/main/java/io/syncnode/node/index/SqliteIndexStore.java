package io.syncnode.node.index;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The node index in one SQLite file, {@code <state-dir>/index.db}.
 *
 * <p>Implementation notes.
 * <ul>
 * <li><b>One writer.</b> Every write runs on the single {@code index-writer} thread, on the one
 *     write connection, as one {@code BEGIN IMMEDIATE ... COMMIT} per {@link #write} call; the
 *     future completes after the commit, or exceptionally with an {@link IndexException} after
 *     a rollback. Writes are therefore serialised in submission order and no two transactions
 *     ever contend for the SQLite write lock inside the process. Batch: the scanner puts a whole
 *     folder's 30,000 records in a handful of calls (one commit costs about as much as thousands
 *     of row inserts).</li>
 * <li><b>Readers never wait.</b> journal_mode=WAL lets readers read the last committed state
 *     while a write transaction is open. Reads use their own connections from a
 *     {@link ReaderPool} ({@code query_only=1}, {@code busy_timeout=5000} for the rare moments a
 *     reader must wait for the WAL index, e.g. during a checkpoint), with cached prepared
 *     statements: a point {@link #get} costs about 10 µs. Each read is one statement, so it sees
 *     one committed state.</li>
 * <li><b>synchronous=NORMAL</b>, not FULL: WAL keeps the database consistent on a crash, and
 *     a commit lost to a power cut is re-found by the startup rescan (or re-fetched, since the
 *     source keeps its dirty entry until we acknowledge after the commit). The pragmas and their
 *     reasons are in {@link IndexConnections}.</li>
 * <li><b>Byte order.</b> Paths are TEXT with BINARY collation: ORDER BY path is the order of the
 *     UTF-8 bytes, the same on every node (the digest depends on it). {@link #under} is a range
 *     query on the primary key, {@code dir + "/" < path < dir + "0"} ('0' is '/' + 1), never
 *     LIKE: LIKE is case-insensitive for ASCII and treats '_' and '%' as wildcards.</li>
 * <li><b>Schema.</b> Numbered SQL resources ({@code 001-schema.sql}) applied by
 *     {@link SchemaMigrations}, tracked with PRAGMA user_version; the SQL documents every table
 *     and column.</li>
 * <li><b>Node id.</b> A random non-zero 64-bit id made on the first open and kept in the
 *     {@code node} table ({@link NodeFacts}): a wiped state dir is a new node.</li>
 * </ul>
 */
public final class SqliteIndexStore implements AutoCloseable {
    /** The database file name inside the state dir. */
    public static final String FILE_NAME = "index.db";
    private static final System.Logger LOG = System.getLogger(SqliteIndexStore.class.getName());
    private static final int IDLE_READERS = 4;
    private static final String WRITER_THREAD = "index-writer";

    private static final String GET = "SELECT " + FileRowCodec.COLUMNS + " FROM files WHERE folder = ? AND path = ?";
    private static final String ALL = "SELECT " + FileRowCodec.COLUMNS + " FROM files WHERE folder = ? ORDER BY path";
    static final String UNDER = "SELECT " + FileRowCodec.COLUMNS
            + " FROM files WHERE folder = ? AND path > ? AND path < ? ORDER BY path";
    // INDEXED BY: without ANALYZE statistics the planner prefers scanning the folder's primary-key
    // range over the hash index once the query has conditions the index does not cover.
    static final String BY_HASH = "SELECT " + FileRowCodec.COLUMNS
            + " FROM files INDEXED BY files_by_hash WHERE folder = ? AND hash = ?"
            + " AND deleted = 0 AND type = '" + FileType.REGULAR.name() + "' AND st_ino IS NOT NULL ORDER BY path LIMIT 1";
    private static final String LIVE_COUNT = "SELECT count(*) FROM files WHERE folder = ? AND deleted = 0 AND path <> '.'";
    private static final String DIRTY = "SELECT d.folder, d.path, d.peer_id, p.name, d.since_ms"
            + " FROM dirty d LEFT JOIN peers p ON p.id = d.peer_id";
    private static final String DIRTY_COUNT = "SELECT count(*) FROM dirty";
    // INDEXED BY as for BY_HASH: without it each of these walked the whole folder (one walk per
    // file applied in a burst)
    static final String BY_INODE = "SELECT " + FileRowCodec.COLUMNS
            + " FROM files INDEXED BY files_by_inode WHERE folder = ? AND st_ino = ? AND st_dev = ? AND deleted = 0"
            + " ORDER BY path";
    static final String LINKED_TO = "SELECT " + FileRowCodec.COLUMNS
            + " FROM files INDEXED BY files_by_hard_link WHERE folder = ? AND hard_link = ? AND deleted = 0"
            + " ORDER BY path";
    private static final String DIRTY_BY_PEER = "SELECT peer_id, count(*) FROM dirty GROUP BY peer_id ORDER BY peer_id";
    private static final String DIRTY_RECORDS = "SELECT " + FileRowCodec.COLUMNS_F
            + " FROM dirty d JOIN files f ON f.folder = d.folder AND f.path = d.path"
            + " WHERE d.peer_id = ? AND d.folder = ? ORDER BY d.path";
    private static final String STALE_DIRTY_RECORDS = "SELECT " + FileRowCodec.COLUMNS_F
            + " FROM dirty d JOIN files f ON f.folder = d.folder AND f.path = d.path"
            + " WHERE d.peer_id = ? AND d.folder = ? AND d.since_ms < ? ORDER BY d.since_ms, d.path LIMIT ?";
    private static final String PEERS = "SELECT id, name, address, last_seen_ms FROM peers ORDER BY name, id";
    private static final String DIGEST = "SELECT path, version, deleted FROM files WHERE folder = ? ORDER BY path";

    private final Path dbFile;
    private final String subject;
    private final long nodeId;
    private final Connection writeConnection;
    private final SqliteIndexWriter writer;
    private final ExecutorService writerThread;
    private final ReaderPool readers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread writerThreadRef;

    /** A JDBC step that may throw {@link SQLException}. */
    @FunctionalInterface
    private interface SqlFunction<A, R> {
        R apply(A arg) throws SQLException;
    }

    private SqliteIndexStore(Path dbFile, long nodeId, Connection writeConnection, long lastSequence) {
        this.dbFile = dbFile;
        this.subject = dbFile.toString();
        this.nodeId = nodeId;
        this.writeConnection = writeConnection;
        this.writer = new SqliteIndexWriter(writeConnection, subject, lastSequence);
        String url = IndexConnections.url(dbFile);
        this.readers = new ReaderPool(() -> IndexConnections.openReader(url), IDLE_READERS, subject);
        this.writerThread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, WRITER_THREAD);
            t.setDaemon(true); // close() drains the queue; a forgotten store must not keep the JVM alive
            writerThreadRef = t;
            return t;
        });
    }

    /**
     * Opens {@code <stateDir>/index.db}, creating the directory and the database if needed,
     * switches it to WAL, applies the pending schema migrations and loads (or makes) the node id.
     *
     * @throws IndexException naming the step when the directory, the database or a migration fails
     */
    public static SqliteIndexStore open(Path stateDir) throws IndexException {
        Path dbFile = stateDir.resolve(FILE_NAME).toAbsolutePath();
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new IndexException("create state dir", stateDir.toString(), e);
        }
        try {
            return openChecked(dbFile);
        } catch (DamagedIndexException e) {
            Path aside = DamagedIndex.moveAside(dbFile, e.getMessage());
            SqliteIndexStore fresh = openChecked(dbFile);
            DamagedIndex.logRebuilt(dbFile, aside, e.getMessage(), fresh.nodeId());
            return fresh;
        }
    }

    /**
     * Opens the database, migrates it and checks its pages ({@code PRAGMA quick_check}): a file
     * that is not a database, or whose pages are damaged, is a {@link DamagedIndexException}.
     */
    private static SqliteIndexStore openChecked(Path dbFile) {
        String subject = dbFile.toString();
        Connection conn;
        try {
            conn = IndexConnections.openWriter(dbFile);
        } catch (IndexException e) {
            throw DamagedIndex.isDamage(e) ? new DamagedIndexException(e.getMessage(), e) : e;
        }
        try {
            DamagedIndex.quickCheck(conn, subject);
            SchemaMigrations.apply(conn, subject);
            long nodeId = NodeFacts.nodeId(conn, subject);
            long lastSequence = NodeFacts.lastSequence(conn, subject);
            return new SqliteIndexStore(dbFile, nodeId, conn, lastSequence);
        } catch (RuntimeException e) {
            try {
                conn.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            if (!(e instanceof DamagedIndexException) && DamagedIndex.isDamage(e)) {
                throw new DamagedIndexException(e.getMessage(), e);
            }
            throw e;
        }
    }

    /** This node's id: random, non-zero, made on the first open of this database. */
    public long nodeId() {
        return nodeId;
    }

    /** The database file. */
    public Path file() {
        return dbFile;
    }

    // ---- reads: any thread, never behind the writer ----

    /** The entry of {@code path} in {@code folder}, tombstones included. */
    public Optional<StoredFile> get(String folder, String path) {
        return read("get", SqliteIndexWriter.describe(folder, path), c -> {
            PreparedStatement st = c.prepared(GET);
            st.setString(1, folder);
            st.setString(2, path);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(FileRowCodec.read(rs)) : Optional.empty();
            }
        });
    }

    /**
     * Every entry strictly under {@code dir} (at any depth), tombstones included, sorted by the
     * UTF-8 bytes of the path. {@code ""} and {@code "."} mean the whole folder (the root's own
     * record {@code "."} included). {@code "a"} matches
     * {@code "a/b"} and {@code "a/b/c"}, never {@code "a"} itself, {@code "a.b"} or {@code "ab/x"}.
     *
     * @param dir a relative path without trailing slash, or {@code ""}
     */
    public List<StoredFile> under(String folder, String dirOrRoot) {
        Objects.requireNonNull(dirOrRoot, "dir");
        String dir = dirOrRoot.equals(io.syncnode.protocol.RelativePath.ROOT) ? "" : dirOrRoot;
        if (dir.endsWith("/")) {
            throw new IllegalArgumentException("dir must not end with '/': " + dir);
        }
        return read("list under", SqliteIndexWriter.describe(folder, dir), c -> {
            PreparedStatement st = c.prepared(dir.isEmpty() ? ALL : UNDER);
            st.setString(1, folder);
            if (!dir.isEmpty()) {
                st.setString(2, dir + "/");
                st.setString(3, dir + "0");
            }
            return files(st);
        });
    }

    /**
     * Streams every entry of the folder, tombstones included, sorted by path, to {@code action}
     * without building a list. The read holds one read connection (and a WAL snapshot) until it
     * ends, so the action should be quick; it may read the store, and may submit writes but must
     * not wait for them. An exception from the action ends the scan and propagates unchanged.
     */
    public void forEach(String folder, Consumer<StoredFile> action) {
        Objects.requireNonNull(action, "action");
        read("scan", "folder '" + folder + "'", c -> {
            PreparedStatement st = c.prepared(ALL);
            st.setString(1, folder);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    action.accept(FileRowCodec.read(rs));
                }
            }
            return null;
        });
    }

    /**
     * A live regular file of the folder with this content hash that is on this node's disk (its
     * stat is known), e.g. to serve as the basis of a fetch after a rename. The one with the
     * lowest path when there are several.
     */
    public Optional<StoredFile> findLiveByHash(String folder, ContentHash hash) {
        Objects.requireNonNull(hash, "hash");
        return read("find by hash", "folder '" + folder + "' hash " + hash, c -> {
            PreparedStatement st = c.prepared(BY_HASH);
            st.setString(1, folder);
            st.setBytes(2, hash.toBytes());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(FileRowCodec.read(rs)) : Optional.empty();
            }
        });
    }

    /**
     * The live entries whose stat signature names inode {@code ino} on device {@code dev}: the
     * names of a hard-link group as this node last saw them (a caller checks the disk again).
     */
    public List<StoredFile> sameInode(String folder, long dev, long ino) {
        return read("find by inode", "folder '" + folder + "' inode " + ino, c -> {
            PreparedStatement st = c.prepared(BY_INODE);
            st.setString(1, folder);
            st.setLong(2, ino);
            st.setLong(3, dev);
            return files(st);
        });
    }

    /** The live entries whose record links to {@code first}, the first name of their hard-link group. */
    public List<StoredFile> linkedTo(String folder, String first) {
        return read("find hard links", SqliteIndexWriter.describe(folder, first), c -> {
            PreparedStatement st = c.prepared(LINKED_TO);
            st.setString(1, folder);
            st.setString(2, first);
            return files(st);
        });
    }

    /** Number of non-deleted entries of the folder. */
    public long liveCount(String folder) {
        return read("count live", "folder '" + folder + "'", c -> {
            PreparedStatement st = c.prepared(LIVE_COUNT);
            st.setString(1, folder);
            return count(st);
        });
    }

    /**
     * The dirty entries of one folder, or of every folder when {@code folderOrNull} is null,
     * sorted by folder, path (byte order) and peer name.
     */
    public List<DirtyEntry> dirty(String folderOrNull) {
        String sql = DIRTY + (folderOrNull == null ? "" : " WHERE d.folder = ?") + " ORDER BY d.folder, d.path";
        List<DirtyEntry> entries = read("list dirty", folderSubject(folderOrNull), c -> {
            PreparedStatement st = c.prepared(sql);
            if (folderOrNull != null) {
                st.setString(1, folderOrNull);
            }
            List<DirtyEntry> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long peer = rs.getLong(3);
                    String name = rs.getString(4);
                    out.add(new DirtyEntry(rs.getString(1), rs.getString(2), peer, name == null ? hex(peer) : name,
                            Instant.ofEpochMilli(rs.getLong(5))));
                }
            }
            return out;
        });
        sortPeersWithinPaths(entries);
        return Collections.unmodifiableList(entries);
    }

    /** Number of dirty entries of one folder, or of every folder when {@code folderOrNull} is null. */
    public long dirtyCount(String folderOrNull) {
        String sql = DIRTY_COUNT + (folderOrNull == null ? "" : " WHERE folder = ?");
        return read("count dirty", folderSubject(folderOrNull), c -> {
            PreparedStatement st = c.prepared(sql);
            if (folderOrNull != null) {
                st.setString(1, folderOrNull);
            }
            return count(st);
        });
    }

    /** Peer id to the number of paths (all folders) dirty toward it; peers with none are absent. */
    public Map<Long, Long> dirtyCountByPeer() {
        return read("count dirty by peer", subject, c -> {
            Map<Long, Long> counts = new LinkedHashMap<>();
            try (ResultSet rs = c.prepared(DIRTY_BY_PEER).executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getLong(1), rs.getLong(2));
                }
            }
            return Collections.unmodifiableMap(counts);
        });
    }

    /**
     * The current entries of the folder's paths dirty toward {@code peerId}, sorted by path: what
     * to announce to it. A dirty path without an entry (purged) is left out.
     */
    public List<StoredFile> dirtyRecordsFor(long peerId, String folder) {
        return read("list dirty records", "folder '" + folder + "' peer " + hex(peerId), c -> {
            PreparedStatement st = c.prepared(DIRTY_RECORDS);
            st.setLong(1, peerId);
            st.setString(2, folder);
            return files(st);
        });
    }

    /**
     * The current records of at most {@code limit} paths dirty toward {@code peerId} since before
     * {@code before}, the longest dirty first.
     */
    public List<StoredFile> staleDirtyRecordsFor(long peerId, String folder, Instant before, int limit) {
        return read("list stale dirty records", "folder '" + folder + "' peer " + hex(peerId), c -> {
            PreparedStatement st = c.prepared(STALE_DIRTY_RECORDS);
            st.setLong(1, peerId);
            st.setString(2, folder);
            st.setLong(3, before.toEpochMilli());
            st.setInt(4, limit);
            return files(st);
        });
    }

    /** Every known peer, sorted by name. */
    public List<PeerInfo> peers() {
        return read("list peers", subject, c -> {
            List<PeerInfo> out = new ArrayList<>();
            try (ResultSet rs = c.prepared(PEERS).executeQuery()) {
                while (rs.next()) {
                    long lastSeen = rs.getLong(4);
                    out.add(new PeerInfo(rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.wasNull() ? null : Instant.ofEpochMilli(lastSeen)));
                }
            }
            return Collections.unmodifiableList(out);
        });
    }

    /** Open conflicts, of one folder or of all when {@code folderOrNull} is null, by folder and path. */
    /** The apply journal of {@code folder}: versions a crash may have left written but not recorded. */
    public List<ApplyIntent> intents(String folder) {
        return read("list intents", subject, c -> {
            List<ApplyIntent> out = new ArrayList<>();
            var st = c.prepared("SELECT folder, path, type, mode, uid, gid, mtime_ns, size, hash, symlink_target, rdev, "
                    + "version, deleted, modified_by, xattrs, hard_link, announce FROM intents WHERE folder = ? ORDER BY path");
            st.setString(1, folder);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new ApplyIntent(rs.getString(1), FileRowCodec.readRecord(rs, 2, 15), rs.getInt(17) == 1));
                }
            }
            return Collections.unmodifiableList(out);
        });
    }

    public List<StoredConflict> conflicts(String folderOrNull) {
        return read("list conflicts", subject, c -> {
            List<StoredConflict> out = new ArrayList<>();
            String sql = "SELECT " + ConflictRowCodec.COLUMNS + " FROM conflicts"
                    + (folderOrNull == null ? "" : " WHERE folder = ?") + " ORDER BY folder, path";
            var st = c.prepared(sql);
            if (folderOrNull != null) {
                st.setString(1, folderOrNull);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(ConflictRowCodec.read(rs));
                }
            }
            return Collections.unmodifiableList(out);
        });
    }

    /**
     * The folder digest that anti-entropy compares: equal on two nodes exactly when they hold the
     * same set of paths with the same versions and deleted flags (metadata, content and stat
     * are not hashed: equal versions mean equal records).
     *
     * <p>Byte layout. {@code digest = SHA-256(E1 || E2 || ... || En)} over every entry of the
     * folder, tombstones included, in ascending order of the UTF-8 bytes of the path (unsigned
     * byte-wise comparison, a proper prefix first). Each entry {@code E} is:
     * <pre>
     *   u32 path length in bytes (big-endian)
     *   path, UTF-8
     *   u32 k = number of version-vector counters (big-endian)
     *   k x (i64 node id, i64 counter), both big-endian, ascending by node id compared as a
     *       signed 64-bit integer; zero counters are never present
     *   u8 deleted: 1 for a tombstone, 0 otherwise
     * </pre>
     * An empty folder (or an unknown one) has the digest of zero bytes,
     * {@code e3b0c442...7852b855}.
     */
    public byte[] digest(String folder) {
        return read("digest", "folder '" + folder + "'", c -> {
            MessageDigest sha = sha256();
            PreparedStatement st = c.prepared(DIGEST);
            st.setString(1, folder);
            ByteBuffer u32 = ByteBuffer.allocate(4);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    byte[] path = rs.getString(1).getBytes(StandardCharsets.UTF_8); // NameCodec text form
                    byte[] version = rs.getBytes(2);
                    if (version == null) {
                        version = new byte[0];
                    }
                    sha.update(u32.clear().putInt(path.length).array());
                    sha.update(path);
                    sha.update(u32.clear().putInt(version.length / 16).array());
                    sha.update(version); // already n x (i64 node, i64 counter) sorted: see FileRowCodec
                    sha.update((byte) (rs.getInt(3) != 0 ? 1 : 0));
                }
            }
            return sha.digest();
        });
    }

    // ---- writes: one thread, one transaction per call ----

    /**
     * Runs {@code work} in one transaction on the {@code index-writer} thread, after every write
     * submitted before it. The future completes with the function's result after the commit;
     * if the function or the commit throws, the transaction is rolled back and the future fails
     * with an {@link IndexException} (the writer's own, naming its step and subject, or one with
     * step "write transaction" wrapping the function's exception). The future completes on the
     * writer thread: use {@code thenApplyAsync} and friends for slow follow-ups, and never wait
     * for a write future from inside a write function. After {@link #close} the future fails at
     * once.
     */
    public <T> CompletableFuture<T> write(Function<IndexWriter, T> work) {
        Objects.requireNonNull(work, "work");
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            writerThread.execute(() -> runTransaction(work, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IndexException("write", subject, "the index is closed"));
        }
        return result;
    }

    /**
     * Lets queued writes finish, checkpoints the WAL into the database file
     * ({@code wal_checkpoint(TRUNCATE)}, leaving an empty -wal) and closes every connection; reads
     * still running fail. Idempotent. Must not be called from inside a write function.
     */
    @Override
    public void close() {
        if (Thread.currentThread() == writerThreadRef) {
            throw new IllegalStateException("SqliteIndexStore.close() called from inside a write function");
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        writerThread.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (writerThread.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
                LOG.log(System.Logger.Level.WARNING, "closing " + subject + ": still waiting for queued writes");
            } catch (InterruptedException e) {
                interrupted = true; // queued writes were promised to callers: finish them, then re-interrupt
            }
        }
        readers.close();
        try (Statement st = writeConnection.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            // Safe to go on: committed data is in the WAL and SQLite replays it on the next open.
            LOG.log(System.Logger.Level.WARNING, "checkpoint of " + subject + " on close failed; the next open "
                    + "recovers from the WAL", e);
        }
        try {
            writer.close();
            writeConnection.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + subject + " failed after all writes were committed", e);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "SqliteIndexStore[" + subject + ", node " + hex(nodeId) + "]";
    }

    /** A node id as 16 lower-case hex digits (the form used where a peer has no name). */
    static String hex(long id) {
        return String.format("%016x", id);
    }

    // ---- internals ----

    private <T> void runTransaction(Function<IndexWriter, T> work, CompletableFuture<T> result) {
        try {
            writer.begin();
        } catch (SQLException e) {
            result.completeExceptionally(new IndexException("begin transaction", subject, e));
            return;
        }
        T value;
        try {
            value = work.apply(writer);
            writer.commit();
        } catch (Throwable e) {
            IndexException failure = e instanceof IndexException ie ? ie
                    : e instanceof SQLException sql ? new IndexException("commit", subject, sql)
                    : new IndexException("write transaction", subject, e);
            try {
                writer.rollback();
            } catch (SQLException rollback) {
                failure.addSuppressed(rollback);
            }
            result.completeExceptionally(failure);
            return;
        }
        result.complete(value);
    }

    private <T> T read(String step, String what, SqlFunction<ReaderPool.ReadConnection, T> query) {
        ReaderPool.ReadConnection c = readers.acquire();
        try {
            return query.apply(c);
        } catch (SQLException e) {
            throw new IndexException(step, what, e);
        } finally {
            readers.release(c);
        }
    }

    private static List<StoredFile> files(PreparedStatement st) throws SQLException {
        List<StoredFile> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(FileRowCodec.read(rs));
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static long count(PreparedStatement st) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** SQL sorted by (folder, path) in byte order; within one path order the peers by name. */
    private static void sortPeersWithinPaths(List<DirtyEntry> entries) {
        int start = 0;
        for (int i = 1; i <= entries.size(); i++) {
            if (i == entries.size() || !entries.get(i).folder().equals(entries.get(start).folder())
                    || !entries.get(i).path().equals(entries.get(start).path())) {
                if (i - start > 1) {
                    entries.subList(start, i).sort(Comparator.comparing(DirtyEntry::peerName)
                            .thenComparingLong(DirtyEntry::peerId));
                }
                start = i;
            }
        }
    }

    private static String folderSubject(String folderOrNull) {
        return folderOrNull == null ? "every folder" : "folder '" + folderOrNull + "'";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
