package io.syncnode.node.index;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code files} rows read last, by folder and path, present or absent: a bounded cache
 * (Caffeine, {@link #MAX_ROWS} rows) in front of {@link SqliteIndexStore#get}. A received file
 * reads its row about five times while it is applied (journal, plan, install, acknowledgement,
 * the watcher's rescan), and each read from SQLite is a read transaction of its own; all but the
 * first now come from here.
 *
 * <p>Never stale: the writer reports, after each commit or rollback, the rows the transaction
 * wrote ({@link #changed}): a committed put's row replaces the cached one, the others are
 * dropped. A read from SQLite is offered to the cache with its
 * folder's stamp taken before the read ({@link #folderStamp}); a transaction that wrote rows of the
 * folder and ended meanwhile makes the offer void, so a row read before a commit never lands after
 * its invalidation. Offers and invalidations take one lock; reads of the cache and of a stamp take
 * none. Thread-safe.
 */
final class RowCache {
    /** At most this many rows (about 6 MiB of records). */
    static final int MAX_ROWS = 16_384;

    /**
     * Its upkeep (eviction, the read and write buffers) runs on the reading or writing thread, a
     * little at a time: by default Caffeine hands it to the common fork-join pool, a thread
     * wake-up on every row a folder worker reads (about a tenth of a seed's worker time).
     */
    private static Cache<Key, Optional<StoredFile>> newRows() {
        return Caffeine.newBuilder().maximumSize(MAX_ROWS).executor(Runnable::run).build();
    }

    /**
     * Replaced whole by {@link #clear} (under {@link #lock}, as every change): a reader that found a
     * row in a cache no longer current does not use it ({@link #get}), since the invalidations
     * after the swap reach only the new one.
     */
    private volatile Cache<Key, Optional<StoredFile>> rows = newRows();
    private final Object lock = new Object();
    /** Per folder, the ended transactions that wrote its rows (see {@link #folderStamp}); updated under {@link #lock}. */
    private final Map<String, Long> folderWrites = new ConcurrentHashMap<>();

    /** A row's key. */
    record Key(String folder, String path) {
    }

    /** The cached row (empty: no row), or null when the cache does not know. */
    Optional<StoredFile> get(String folder, String path) {
        Cache<Key, Optional<StoredFile>> cache = rows;
        Optional<StoredFile> row = cache.getIfPresent(new Key(folder, path));
        return cache == rows ? row : null;
    }

    /**
     * Changes whenever a transaction that wrote rows of {@code folder} ends: what was read of the
     * folder after taking it is still what the index holds while it stays the same. Taken before
     * reading a row from SQLite, for {@link #offer}.
     */
    long folderStamp(String folder) {
        return folderWrites.getOrDefault(folder, 0L);
    }

    /** Caches a row of {@code folder} read after taking {@code stamp}, unless a transaction that wrote its rows ended since. */
    void offer(long stamp, String folder, String path, Optional<StoredFile> row) {
        synchronized (lock) {
            if (stamp == folderStamp(folder)) {
                rows.put(new Key(folder, path), row);
            }
        }
    }

    /**
     * After a commit or rollback that wrote the rows {@code keys} and removed every row of {@code
     * folders}. A committed transaction's rows it knows ({@code keys}' non-null values: what a
     * {@code put} stored, exactly as SQLite gives it back) are cached as the current rows, so the
     * reads right after a write (a received file's install and acknowledgement, the watcher's look
     * at the node's own write) find them here; the others are dropped. A rollback drops them all.
     */
    void changed(Map<Key, StoredFile> keys, Set<String> folders, boolean committed) {
        Set<String> written = new HashSet<>(folders);
        for (Key k : keys.keySet()) {
            written.add(k.folder());
        }
        synchronized (lock) {
            for (String f : written) {
                folderWrites.merge(f, 1L, Long::sum);
            }
            if (!folders.isEmpty()) {
                rows.asMap().keySet().removeIf(k -> folders.contains(k.folder()));
            }
            for (Map.Entry<Key, StoredFile> e : keys.entrySet()) {
                if (committed && e.getValue() != null && !folders.contains(e.getKey().folder())) {
                    rows.put(e.getKey(), Optional.of(e.getValue()));
                } else {
                    rows.invalidate(e.getKey());
                }
            }
        }
    }

    /**
     * Drops every row (a node at rest gives its memory back): a new, empty cache replaces the full
     * one, which the next collection takes whole. Emptying it in place removed its 16,384 rows one by
     * one, each through the cache's removal path, and a node paid that (and the compilations it set
     * off) in its first quiet seconds after a bulk copy (issue 13: idle cost).
     */
    void clear() {
        synchronized (lock) {
            rows = newRows();
        }
    }
}
