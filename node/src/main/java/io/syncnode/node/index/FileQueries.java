package io.syncnode.node.index;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The reads of the {@code files} table behind {@link SqliteIndexStore}: point lookups, the
 * byte-ordered range of a directory, a whole-folder scan, and the lookups by content hash, by
 * inode and by hard-link group. Each is one statement on a connection of the {@link ReaderPool},
 * so it sees one committed state; the contracts are on the store's methods of the same names.
 */
final class FileQueries {
    private static final String GET = "SELECT " + FileRowCodec.COLUMNS + " FROM files WHERE folder = ? AND path = ?";
    private static final String ALL = "SELECT " + FileRowCodec.COLUMNS + " FROM files WHERE folder = ? ORDER BY path";
    /** One page of the folder in path order after a path (keyset paging on the primary key). */
    static final String PAGE = "SELECT " + FileRowCodec.COLUMNS
            + " FROM files WHERE folder = ? AND path > ? ORDER BY path LIMIT ?";
    static final String UNDER = "SELECT " + FileRowCodec.COLUMNS
            + " FROM files WHERE folder = ? AND path > ? AND path < ? ORDER BY path LIMIT ?";
    private static final String ALL_LIMITED = ALL + " LIMIT ?";
    // INDEXED BY: without ANALYZE statistics the planner prefers scanning the folder's primary-key
    // range over the hash index once the query has conditions the index does not cover.
    static final String BY_HASH = "SELECT " + FileRowCodec.COLUMNS
            + " FROM files INDEXED BY files_by_hash WHERE folder = ? AND hash = ?"
            + " AND deleted = 0 AND type = '" + FileType.REGULAR.name() + "' AND st_ino IS NOT NULL ORDER BY path LIMIT 1";
    // kept by the files triggers (migration 005): at most 1024 rows, not a walk of the folder
    private static final String LIVE_COUNT = "SELECT coalesce(sum(live), 0) FROM digest_buckets WHERE folder = ?";
    // INDEXED BY as for BY_HASH: without it each of these walked the whole folder (one walk per
    // file applied in a burst)
    static final String BY_INODE = "SELECT " + FileRowCodec.COLUMNS
            + " FROM files INDEXED BY files_by_inode WHERE folder = ? AND st_ino = ? AND st_dev = ? AND deleted = 0"
            + " ORDER BY path";
    static final String LINKED_TO = "SELECT " + FileRowCodec.COLUMNS
            + " FROM files INDEXED BY files_by_hard_link WHERE folder = ? AND hard_link = ? AND deleted = 0"
            + " ORDER BY path";

    private final ReaderPool readers;
    private final RowCache rows;

    FileQueries(ReaderPool readers, RowCache rows) {
        this.readers = readers;
        this.rows = rows;
    }

    Optional<StoredFile> get(String folder, String path) {
        Optional<StoredFile> cached = rows.get(folder, path);
        if (cached != null) {
            return cached;
        }
        long stamp = rows.folderStamp(folder);
        Optional<StoredFile> row = readers.read("get", SqliteIndexWriter.describe(folder, path), c -> {
            PreparedStatement st = c.prepared(GET);
            st.setString(1, folder);
            st.setString(2, path);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(FileRowCodec.read(rs)) : Optional.empty();
            }
        });
        rows.offer(stamp, folder, path, row);
        return row;
    }

    /** How many paths one {@link #prefetch} query asks for (a fixed count: one prepared statement). */
    static final int PREFETCH_CHUNK = 64;
    private static final String GET_MANY = "SELECT " + FileRowCodec.COLUMNS + " FROM files WHERE folder = ?"
            + " AND path IN (" + "?, ".repeat(PREFETCH_CHUNK - 1) + "?)";

    /**
     * Reads the rows of {@code paths} that the cache does not know, {@link #PREFETCH_CHUNK} per
     * query, and offers them to it, present or absent: a batch's later reads of them, one by one,
     * are then answered without a query each.
     */
    void prefetch(String folder, Collection<String> paths) {
        List<String> unknown = paths.stream().distinct().filter(p -> rows.get(folder, p) == null).toList();
        for (int from = 0; from < unknown.size(); from += PREFETCH_CHUNK) {
            List<String> chunk = unknown.subList(from, Math.min(unknown.size(), from + PREFETCH_CHUNK));
            long stamp = rows.folderStamp(folder);
            Map<String, StoredFile> found = readers.read("prefetch", "rows of folder '" + folder + "'", c -> {
                PreparedStatement st = c.prepared(GET_MANY);
                bindChunk(st, folder, chunk);
                Map<String, StoredFile> rowsFound = new HashMap<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        StoredFile f = FileRowCodec.read(rs);
                        rowsFound.put(f.record().path(), f);
                    }
                }
                return rowsFound;
            });
            for (String p : chunk) {
                rows.offer(stamp, folder, p, Optional.ofNullable(found.get(p)));
            }
        }
    }

    /**
     * Binds a {@link #PREFETCH_CHUNK}-name statement ({@code folder = ? AND ... IN (?, ...)}): the
     * folder, then {@code chunk} (1 to {@link #PREFETCH_CHUNK} names), its last name again to fill.
     */
    private static void bindChunk(PreparedStatement st, String folder, List<String> chunk) throws SQLException {
        st.setString(1, folder);
        for (int i = 0; i < PREFETCH_CHUNK; i++) {
            st.setString(i + 2, chunk.get(Math.min(i, chunk.size() - 1)));
        }
    }

    Optional<StoredFile> cached(String folder, String path) {
        return rows.get(folder, path);
    }

    long rowStamp(String folder) {
        return rows.folderStamp(folder);
    }

    /** Drops the cached rows (a node at rest). */
    void releaseMemory() {
        rows.clear();
    }

    List<StoredFile> under(String folder, String dirOrRoot) {
        return under(folder, dirOrRoot, -1);
    }

    /** The first {@code limit} entries of {@link #under(String, String)} ({@code -1}: all). */
    List<StoredFile> under(String folder, String dirOrRoot, int limit) {
        Objects.requireNonNull(dirOrRoot, "dir");
        String dir = dirOrRoot.equals(io.syncnode.protocol.RelativePath.ROOT) ? "" : dirOrRoot;
        if (dir.endsWith("/")) {
            throw new IllegalArgumentException("dir must not end with '/': " + dir);
        }
        return readers.read("list under", SqliteIndexWriter.describe(folder, dir), c -> {
            PreparedStatement st = c.prepared(dir.isEmpty() ? ALL_LIMITED : UNDER);
            st.setString(1, folder);
            if (!dir.isEmpty()) {
                st.setString(2, dir + "/");
                st.setString(3, dir + "0");
            }
            st.setInt(dir.isEmpty() ? 2 : 4, limit);
            return files(st);
        });
    }

    void forEach(String folder, Consumer<StoredFile> action) {
        Objects.requireNonNull(action, "action");
        readers.read("scan", "folder '" + folder + "'", c -> {
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

    List<StoredFile> page(String folder, String after, int limit) {
        Objects.requireNonNull(after, "after");
        return readers.read("read a page", SqliteIndexWriter.describe(folder, after), c -> {
            PreparedStatement st = c.prepared(PAGE);
            st.setString(1, folder);
            st.setString(2, after);
            st.setInt(3, limit);
            return files(st);
        });
    }

    Optional<StoredFile> findLiveByHash(String folder, ContentHash hash) {
        Objects.requireNonNull(hash, "hash");
        return readers.read("find by hash", "folder '" + folder + "' hash " + hash, c -> {
            PreparedStatement st = c.prepared(BY_HASH);
            st.setString(1, folder);
            st.setBytes(2, hash.toBytes());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(FileRowCodec.read(rs)) : Optional.empty();
            }
        });
    }

    List<StoredFile> sameInode(String folder, long dev, long ino) {
        return readers.read("find by inode", "folder '" + folder + "' inode " + ino, c -> {
            PreparedStatement st = c.prepared(BY_INODE);
            st.setString(1, folder);
            st.setLong(2, ino);
            st.setLong(3, dev);
            return files(st);
        });
    }

    List<StoredFile> linkedTo(String folder, String first) {
        return readers.read("find hard links", SqliteIndexWriter.describe(folder, first), c -> {
            PreparedStatement st = c.prepared(LINKED_TO);
            st.setString(1, folder);
            st.setString(2, first);
            return files(st);
        });
    }

    static final String LINKED_TO_MANY = "SELECT " + FileRowCodec.COLUMNS
            + " FROM files INDEXED BY files_by_hard_link WHERE folder = ? AND deleted = 0 AND hard_link IN ("
            + "?, ".repeat(PREFETCH_CHUNK - 1) + "?) ORDER BY path";

    /** {@link #linkedTo(String, String)} of each of {@code firsts}, {@link #PREFETCH_CHUNK} names per query; a name linked to by none is absent. */
    Map<String, List<StoredFile>> linkedTo(String folder, Collection<String> firsts) {
        List<String> names = firsts.stream().distinct().toList();
        Map<String, List<StoredFile>> out = new HashMap<>();
        for (int from = 0; from < names.size(); from += PREFETCH_CHUNK) {
            List<String> chunk = names.subList(from, Math.min(names.size(), from + PREFETCH_CHUNK));
            List<StoredFile> found = readers.read("find hard links", "links to " + chunk.size() + " names of folder '"
                    + folder + "'", c -> {
                PreparedStatement st = c.prepared(LINKED_TO_MANY);
                bindChunk(st, folder, chunk);
                return files(st);
            });
            for (StoredFile f : found) {
                out.computeIfAbsent(f.record().hardLink(), k -> new ArrayList<>()).add(f);
            }
        }
        return out;
    }

    long liveCount(String folder) {
        return readers.read("count live", "folder '" + folder + "'", c -> {
            PreparedStatement st = c.prepared(LIVE_COUNT);
            st.setString(1, folder);
            return count(st);
        });
    }

    /** Every row of an executed {@code SELECT} of {@link FileRowCodec#COLUMNS}, in its order. */
    static List<StoredFile> files(PreparedStatement st) throws SQLException {
        List<StoredFile> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(FileRowCodec.read(rs));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The single number a {@code SELECT count(*)} gives. */
    static long count(PreparedStatement st) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
