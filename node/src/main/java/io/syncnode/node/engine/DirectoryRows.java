package io.syncnode.node.engine;

import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.protocol.RelativePath;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A full scan's index rows of the directory its walk is in, read in one query instead of one per
 * entry: a scan of an unchanged folder is then one lstat per entry and one query per directory.
 * The rows are read again once a transaction wrote rows of the folder (the scan's own flushes
 * included: {@link SqliteIndexStore#rowStamp}); a directory with more than {@link #LIMIT} entries
 * under it (at any depth) is not read at once, its entries are read one by one.
 *
 * <p>Confined to the folder's worker; holds one directory's rows at a time.
 */
final class DirectoryRows {
    /** At most this many rows are read for one directory. */
    static final int LIMIT = 4096;

    private final SqliteIndexStore store;
    private final String folder;
    /** Directories with more than LIMIT entries under them, met in this walk. */
    private final Set<String> tooMany = new HashSet<>();
    private String dir;
    private long stamp;
    private Map<String, StoredFile> rows;

    DirectoryRows(SqliteIndexStore store, String folder) {
        this.store = store;
        this.folder = folder;
    }

    /** A walk begins or ends: nothing read yet, nothing kept. */
    void reset() {
        tooMany.clear();
        dir = null;
        rows = null;
    }

    /**
     * The index's row of {@code rel} (empty: none), or null when this does not know it (read it
     * from the store).
     */
    Optional<StoredFile> stored(String rel) {
        String parent = RelativePath.parent(rel);
        if (rows == null || !parent.equals(dir) || stamp != store.rowStamp(folder)) {
            rows = null;
            if (tooMany.contains(parent)) {
                return null;
            }
            long before = store.rowStamp(folder);
            List<StoredFile> under = store.under(folder, parent, LIMIT + 1);
            if (under.size() > LIMIT) {
                tooMany.add(parent);
                return null;
            }
            dir = parent;
            stamp = before;
            rows = children(parent, under);
        }
        return Optional.ofNullable(rows.get(rel));
    }

    /** The rows of {@code under} (entries under {@code dir} at any depth) directly in {@code dir}, by path. */
    private static Map<String, StoredFile> children(String dir, List<StoredFile> under) {
        Map<String, StoredFile> out = new HashMap<>();
        for (StoredFile f : under) {
            String p = f.record().path();
            if (!p.equals(RelativePath.ROOT) && RelativePath.parent(p).equals(dir)) {
                out.put(p, f);
            }
        }
        return out;
    }
}
