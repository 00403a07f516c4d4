package io.syncnode.node.index;

import io.syncnode.protocol.ContentHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The node index in one SQLite file, {@code <state-dir>/index.db}.
 *
 * <p>Implementation notes.
 * <ul>
 * <li><b>One writer.</b> Every write runs on the one write connection, as one
 *     {@code BEGIN IMMEDIATE ... COMMIT} per {@link #write} call, on the single {@code index-writer}
 *     thread (or, for {@link #writeAndWait} when nothing is queued, on the waiting caller's thread
 *     under the same lock); the future completes after the commit, or exceptionally with an
 *     {@link IndexException} after a rollback. Writes are therefore serialised in submission order
 *     and no two transactions ever contend for the SQLite write lock inside the process. Batch: the scanner puts a whole
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
 * <li><b>Queries.</b> The reads live beside the store, one class per group of tables:
 *     {@link FileQueries}, {@link DirtyQueries}, {@link ConflictQueries}, {@link FolderDigest}.</li>
 * </ul>
 */
public final class SqliteIndexStore implements AutoCloseable {
    /** The database file name inside the state dir. */
    public static final String FILE_NAME = "index.db";
    private static final System.Logger LOG = System.getLogger(SqliteIndexStore.class.getName());
    private static final int IDLE_READERS = 4;

    private final Path dbFile;
    private final String subject;
    private final long nodeId;
    private final Connection writeConnection;
    private final SqliteIndexWriter writer;
    private final IndexWriterThread writerThread;
    private final ReaderPool readers;
    private final FileQueries files;
    private final DirtyQueries dirty;
    private final ConflictQueries conflicts;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SqliteIndexStore(Path dbFile, long nodeId, Connection writeConnection, long lastSequence) {
        this.dbFile = dbFile;
        this.subject = dbFile.toString();
        this.nodeId = nodeId;
        this.writeConnection = writeConnection;
        RowCache rows = new RowCache();
        this.writer = new SqliteIndexWriter(writeConnection, subject, lastSequence, rows);
        String url = IndexConnections.url(dbFile);
        this.readers = new ReaderPool(() -> IndexConnections.openReader(url), IDLE_READERS, subject);
        this.writerThread = new IndexWriterThread(writer, subject);
        this.files = new FileQueries(readers, rows);
        this.dirty = new DirtyQueries(readers, subject);
        this.conflicts = new ConflictQueries(readers, subject);
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

    /** The entry of {@code path} in {@code folder}, tombstones included (the last rows read are cached: {@link RowCache}). */
    public Optional<StoredFile> get(String folder, String path) {
        return files.get(folder, path);
    }

    /**
     * Reads the rows of {@code paths} into the row cache with a few queries (present or absent),
     * so that the {@link #get}s of a batch that follow find them there.
     */
    public void prefetch(String folder, Collection<String> paths) {
        files.prefetch(folder, paths);
    }

    /** The row cache's entry for {@code path}: null when it does not know (for tests). */
    Optional<StoredFile> cached(String folder, String path) {
        return files.cached(folder, path);
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
        return files.under(folder, dirOrRoot);
    }

    /**
     * The first {@code limit} entries of {@link #under(String, String)}, in the same order: a reader
     * that wants a directory's entries reads at most that many. Compare {@link #rowStamp} before and
     * after: rows written in between may be missing.
     */
    public List<StoredFile> under(String folder, String dirOrRoot, int limit) {
        return files.under(folder, dirOrRoot, limit);
    }

    /**
     * Changes whenever a transaction that wrote rows of {@code folder} ends: its rows read after
     * taking it are still what the index holds while it stays the same.
     */
    public long rowStamp(String folder) {
        return files.rowStamp(folder);
    }

    /**
     * Streams every entry of the folder, tombstones included, sorted by path, to {@code action}
     * without building a list. The read holds one read connection (and a WAL snapshot) until it
     * ends, so the action should be quick; it may read the store, and may submit writes but must
     * not wait for them. An exception from the action ends the scan and propagates unchanged.
     */
    public void forEach(String folder, Consumer<StoredFile> action) {
        files.forEach(folder, action);
    }

    /**
     * At most {@code limit} entries of the folder whose path comes after {@code after} in byte
     * order ({@code ""}: from the first), tombstones included, sorted by path: a folder read page by
     * page, each page one short read on the primary key, however large the folder.
     */
    public List<StoredFile> page(String folder, String after, int limit) {
        return files.page(folder, after, limit);
    }

    /**
     * A live regular file of the folder with this content hash that is on this node's disk (its
     * stat is known), e.g. to serve as the basis of a fetch after a rename. The one with the
     * lowest path when there are several.
     */
    public Optional<StoredFile> findLiveByHash(String folder, ContentHash hash) {
        return files.findLiveByHash(folder, hash);
    }

    /**
     * The live entries whose stat signature names inode {@code ino} on device {@code dev}: the
     * names of a hard-link group as this node last saw them (a caller checks the disk again).
     */
    public List<StoredFile> sameInode(String folder, long dev, long ino) {
        return files.sameInode(folder, dev, ino);
    }

    /** The live entries whose record links to {@code first}, the first name of their hard-link group. */
    public List<StoredFile> linkedTo(String folder, String first) {
        return files.linkedTo(folder, first);
    }

    /** {@link #linkedTo(String, String)} of each of {@code firsts}, read 64 names per query (a name without links is absent). */
    public Map<String, List<StoredFile>> linkedTo(String folder, Collection<String> firsts) {
        return files.linkedTo(folder, firsts);
    }

    /** Number of non-deleted entries of the folder. */
    public long liveCount(String folder) {
        return files.liveCount(folder);
    }

    /**
     * The dirty entries of one folder, or of every folder when {@code folderOrNull} is null,
     * sorted by folder, path (byte order) and peer name.
     */
    public List<DirtyEntry> dirty(String folderOrNull) {
        return dirty.dirty(folderOrNull);
    }

    /** Number of dirty entries of one folder, or of every folder when {@code folderOrNull} is null. */
    public long dirtyCount(String folderOrNull) {
        return dirty.dirtyCount(folderOrNull);
    }

    /** Whether any path of the folder is dirty toward {@code peerId} (one probe of the peer's index range). */
    public boolean anyDirtyToward(long peerId, String folder) {
        return dirty.anyDirtyToward(peerId, folder);
    }

    /** Peer id to the number of paths (all folders) dirty toward it; peers with none are absent. */
    public Map<Long, Long> dirtyCountByPeer() {
        return dirty.dirtyCountByPeer(null);
    }

    /**
     * Peer id to the number of paths of one folder (every folder when {@code folderOrNull} is
     * null) dirty toward it; peers with none are absent.
     */
    public Map<Long, Long> dirtyCountByPeer(String folderOrNull) {
        return dirty.dirtyCountByPeer(folderOrNull);
    }

    /**
     * The current entries of the folder's paths dirty toward {@code peerId}, sorted by path: what
     * to announce to it. A dirty path without an entry (purged) is left out.
     */
    public List<StoredFile> dirtyRecordsFor(long peerId, String folder) {
        return dirty.dirtyRecordsFor(peerId, folder);
    }

    /**
     * At most {@code limit} of {@link #dirtyRecordsFor(long, String)}'s entries, those after the path
     * {@code after} (null: from the first): one keyset read, whatever the number of dirty paths.
     */
    public List<StoredFile> dirtyRecordsFor(long peerId, String folder, String after, int limit) {
        return dirty.dirtyRecordsFor(peerId, folder, after, limit);
    }

    /**
     * The current records of at most {@code limit} paths dirty toward {@code peerId} since before
     * {@code before}, the longest dirty first.
     */
    public List<StoredFile> staleDirtyRecordsFor(long peerId, String folder, Instant before, int limit) {
        return dirty.staleDirtyRecordsFor(peerId, folder, before, limit);
    }

    /**
     * At most {@code limit} dirty entries (whole paths: the last path's entries toward every peer are
     * all in, so a page may hold a few more) of one folder, or of every folder when
     * {@code folderOrNull} is null, after the path {@code after} (null: from the start), sorted as
     * {@link #dirty}; with the number of entries matching the folder and whether more follow. One
     * keyset query on the primary key: never reads every row. {@code limit} 0: every entry.
     */
    public DirtyPage dirtyPage(String folderOrNull, DirtyPage.Cursor after, int limit) {
        return dirty.page(folderOrNull, after, limit);
    }

    /**
     * At most {@code limit} tombstones after ({@code afterFolder}, {@code afterPath}) in key order
     * ("" and "" from the start) that no dirty entry, open conflict or journal row refers to: the
     * candidates of tombstone collection.
     */
    public List<Tombstone> unreferencedTombstones(String afterFolder, String afterPath, int limit) {
        return new TombstoneQueries(readers, subject).unreferenced(afterFolder, afterPath, limit);
    }

    /** Every known peer, sorted by name. */
    public List<PeerInfo> peers() {
        return dirty.peers();
    }

    /** The apply journal of {@code folder}: versions a crash may have left written but not recorded. */
    public List<ApplyIntent> intents(String folder) {
        return conflicts.intents(folder);
    }

    /** Open conflicts, of one folder or of all when {@code folderOrNull} is null, by folder and path. */
    public List<StoredConflict> conflicts(String folderOrNull) {
        return conflicts.conflicts(folderOrNull);
    }

    /**
     * The folder digest that anti-entropy compares: equal on two nodes exactly when they hold the
     * same set of paths with the same versions and deleted flags. The byte layout is in
     * {@link FolderDigest} (kept incrementally: at most 1,024 rows read); an empty folder (or an unknown
     * one) has the digest of 32,768 zero bytes.
     */
    public byte[] digest(String folder) {
        return readers.read("digest", "folder '" + folder + "'", c -> FolderDigest.of(c, folder));
    }

    /**
     * For a node at rest: the idle read connections and, on the writer thread behind the queued
     * writes, the write connection free their page caches ({@code PRAGMA shrink_memory}; they refill
     * from the file as needed). Nobody waits for it; a failure is logged by the writer and harmless.
     */
    public void releaseMemory() {
        files.releaseMemory();
        readers.releaseMemory();
        write(w -> {
            w.releaseMemory();
            return null;
        }).whenComplete((ok, e) -> {
            if (e != null && !closed.get()) {
                LOG.log(System.Logger.Level.WARNING, "freeing the page cache of " + subject + " failed", e);
            }
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
        return writerThread.submit(work);
    }

    /**
     * As {@link #write}, for a caller that waits for the commit anyway (a folder worker committing
     * its own batch): returns the function's result once committed, or throws the
     * {@link IndexException}. When no write is queued or running the calling thread runs the
     * transaction itself (under the writer's lock, on the one write connection), sparing the
     * hand-off to the {@code index-writer} thread and back; otherwise it waits behind the queued
     * writes. Never from a thread that must not block (a JGroups callback), nor inside a write function.
     */
    public <T> T writeAndWait(Function<IndexWriter, T> work) {
        Objects.requireNonNull(work, "work");
        return writerThread.runHere(work);
    }

    /**
     * Lets queued writes finish, checkpoints the WAL into the database file
     * ({@code wal_checkpoint(TRUNCATE)}, leaving an empty -wal) and closes every connection; reads
     * still running fail. Idempotent. Must not be called from inside a write function.
     */
    @Override
    public void close() {
        if (writerThread.isCurrent()) {
            throw new IllegalStateException("SqliteIndexStore.close() called from inside a write function");
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = writerThread.drain();
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
}
