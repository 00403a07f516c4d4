package io.syncnode.node.index;

import static io.syncnode.node.index.FileQueries.count;
import static io.syncnode.node.index.FileQueries.files;
import static io.syncnode.node.index.SqliteIndexStore.hex;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reads of the {@code dirty} and {@code peers} tables behind {@link SqliteIndexStore}: which
 * paths each peer has not yet confirmed (the persistent outbox), the records to announce to it,
 * and the peers themselves with the names that the dirty entries show. The contracts are on the
 * store's methods of the same names.
 */
final class DirtyQueries {
    private static final String DIRTY = "SELECT d.folder, d.path, d.peer_id, p.name, d.since_ms"
            + " FROM dirty d LEFT JOIN peers p ON p.id = d.peer_id";
    private static final String DIRTY_COUNT = "SELECT count(*) FROM dirty";
    private static final String ANY_DIRTY_TOWARD = "SELECT EXISTS (SELECT 1 FROM dirty WHERE peer_id = ? AND folder = ?)";
    private static final String DIRTY_BY_PEER = "SELECT peer_id, count(*) FROM dirty GROUP BY peer_id ORDER BY peer_id";
    private static final String FOLDER_DIRTY_BY_PEER = "SELECT peer_id, count(*) FROM dirty WHERE folder = ?"
            + " GROUP BY peer_id ORDER BY peer_id";
    /** A peer's dirty paths with their records, after a path cursor (the dirty_by_peer index); LIMIT -1: all. */
    private static final String DIRTY_RECORDS = "SELECT " + FileRowCodec.COLUMNS_F
            + " FROM dirty d JOIN files f ON f.folder = d.folder AND f.path = d.path"
            + " WHERE d.peer_id = ? AND d.folder = ? AND d.path > ? ORDER BY d.path LIMIT ?";
    private static final String STALE_DIRTY_RECORDS = "SELECT " + FileRowCodec.COLUMNS_F
            + " FROM dirty d JOIN files f ON f.folder = d.folder AND f.path = d.path"
            + " WHERE d.peer_id = ? AND d.folder = ? AND d.since_ms < ? ORDER BY d.since_ms, d.path LIMIT ?";
    /**
     * The keyset page: rows after a (folder, path) cursor, in the primary key's order. Within one
     * folder the cursor is {@code path > ?}: with {@code folder = ?} beside a row value SQLite
     * searches the key by the folder alone and steps over every row before the cursor.
     */
    private static final String PAGE_AFTER = " ORDER BY d.folder, d.path, d.peer_id LIMIT ?";
    private static final String ALL_AFTER = " WHERE (d.folder, d.path) > (?, ?)";
    private static final String FOLDER_AFTER = " WHERE d.folder = ? AND d.path > ?";
    /** The rest of the page's last path (its entries toward peers past the limit). */
    private static final String PATH_REST = DIRTY + " WHERE d.folder = ? AND d.path = ? AND d.peer_id > ? ORDER BY d.peer_id";
    private static final String COUNT_ALL_AFTER = "SELECT count(*) FROM dirty WHERE (folder, path) > (?, ?)";
    private static final String COUNT_FOLDER_AFTER = "SELECT count(*) FROM dirty WHERE folder = ? AND path > ?";
    private static final String PEERS = "SELECT id, name, address, last_seen_ms FROM peers ORDER BY name, id";

    private final ReaderPool readers;
    private final String subject;

    DirtyQueries(ReaderPool readers, String subject) {
        this.readers = readers;
        this.subject = subject;
    }

    List<DirtyEntry> dirty(String folderOrNull) {
        String sql = DIRTY + (folderOrNull == null ? "" : " WHERE d.folder = ?") + " ORDER BY d.folder, d.path";
        List<DirtyEntry> entries = readers.read("list dirty", folderSubject(folderOrNull), c -> {
            PreparedStatement st = c.prepared(sql);
            if (folderOrNull != null) {
                st.setString(1, folderOrNull);
            }
            return entries(st);
        });
        sortPeersWithinPaths(entries);
        return Collections.unmodifiableList(entries);
    }

    DirtyPage page(String folderOrNull, DirtyPage.Cursor after, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit " + limit + " is negative");
        }
        String afterFolder = after == null ? "" : after.folder();
        String afterPath = after == null ? "" : after.path();
        if (folderOrNull != null && !afterFolder.equals(folderOrNull)) {
            // a position in another folder: before this one (from its start) or after it (nothing)
            if (after != null && afterFolder.compareTo(folderOrNull) > 0) {
                return new DirtyPage(List.of(), dirtyCount(folderOrNull), 0);
            }
            afterFolder = folderOrNull;
            afterPath = "";
        }
        String cursorFolder = afterFolder;
        String cursorPath = afterPath;
        return readers.read("page dirty", folderSubject(folderOrNull), c -> {
            PreparedStatement st = c.prepared(DIRTY + (folderOrNull == null ? ALL_AFTER : FOLDER_AFTER) + PAGE_AFTER);
            st.setString(1, cursorFolder);
            st.setString(2, cursorPath);
            st.setInt(3, limit == 0 ? -1 : limit);
            List<DirtyEntry> out = entries(st);
            if (!out.isEmpty() && limit > 0 && out.size() == limit) {
                DirtyEntry last = out.get(out.size() - 1);
                PreparedStatement rest = c.prepared(PATH_REST);
                rest.setString(1, last.folder());
                rest.setString(2, last.path());
                rest.setLong(3, last.peerId());
                out.addAll(entries(rest));
            }
            sortPeersWithinPaths(out);
            PreparedStatement totalSt = c.prepared(DIRTY_COUNT + (folderOrNull == null ? "" : " WHERE folder = ?"));
            if (folderOrNull != null) {
                totalSt.setString(1, folderOrNull);
            }
            long total = count(totalSt);
            long more = 0;
            if (!out.isEmpty() && limit > 0) {
                // the page is the first rows after the cursor: the rest is what follows the cursor
                // less the page (one count fewer than counting after the page: the first page
                // needs only the total)
                long afterCursor = total;
                if (after != null) {
                    PreparedStatement count = c.prepared(folderOrNull == null ? COUNT_ALL_AFTER : COUNT_FOLDER_AFTER);
                    count.setString(1, cursorFolder);
                    count.setString(2, cursorPath);
                    afterCursor = count(count);
                }
                more = Math.max(0, afterCursor - out.size()); // each statement sees the last commit
            }
            return new DirtyPage(out, total, more);
        });
    }

    private static List<DirtyEntry> entries(PreparedStatement st) throws java.sql.SQLException {
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
    }

    long dirtyCount(String folderOrNull) {
        String sql = DIRTY_COUNT + (folderOrNull == null ? "" : " WHERE folder = ?");
        return readers.read("count dirty", folderSubject(folderOrNull), c -> {
            PreparedStatement st = c.prepared(sql);
            if (folderOrNull != null) {
                st.setString(1, folderOrNull);
            }
            return count(st);
        });
    }

    boolean anyDirtyToward(long peerId, String folder) {
        return readers.read("look for dirty entries", "folder '" + folder + "' peer " + hex(peerId), c -> {
            PreparedStatement st = c.prepared(ANY_DIRTY_TOWARD);
            st.setLong(1, peerId);
            st.setString(2, folder);
            return count(st) != 0;
        });
    }

    Map<Long, Long> dirtyCountByPeer(String folderOrNull) {
        return readers.read("count dirty by peer", folderSubject(folderOrNull), c -> {
            Map<Long, Long> counts = new LinkedHashMap<>();
            PreparedStatement st = c.prepared(folderOrNull == null ? DIRTY_BY_PEER : FOLDER_DIRTY_BY_PEER);
            if (folderOrNull != null) {
                st.setString(1, folderOrNull);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getLong(1), rs.getLong(2));
                }
            }
            return Collections.unmodifiableMap(counts);
        });
    }

    List<StoredFile> dirtyRecordsFor(long peerId, String folder) {
        return dirtyRecordsFor(peerId, folder, null, -1); // every path is after "" (the root is ".")
    }

    /** {@code limit} -1: no limit (SQLite's LIMIT -1). */
    List<StoredFile> dirtyRecordsFor(long peerId, String folder, String after, int limit) {
        return readers.read("list dirty records", "folder '" + folder + "' peer " + hex(peerId), c -> {
            PreparedStatement st = c.prepared(DIRTY_RECORDS);
            st.setLong(1, peerId);
            st.setString(2, folder);
            st.setString(3, after == null ? "" : after);
            st.setInt(4, limit);
            return files(st);
        });
    }

    List<StoredFile> staleDirtyRecordsFor(long peerId, String folder, Instant before, int limit) {
        return readers.read("list stale dirty records", "folder '" + folder + "' peer " + hex(peerId), c -> {
            PreparedStatement st = c.prepared(STALE_DIRTY_RECORDS);
            st.setLong(1, peerId);
            st.setString(2, folder);
            st.setLong(3, before.toEpochMilli());
            st.setInt(4, limit);
            return files(st);
        });
    }

    List<PeerInfo> peers() {
        return readers.read("list peers", subject, c -> {
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
}
