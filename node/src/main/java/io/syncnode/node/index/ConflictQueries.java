package io.syncnode.node.index;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The reads of what is left to settle behind {@link SqliteIndexStore}: the {@code conflicts}
 * table (conflicts waiting for a decision) and the {@code intents} table (the apply journal:
 * versions a crash may have left written but not recorded). The contracts are on the store's
 * methods of the same names.
 */
final class ConflictQueries {
    private final ReaderPool readers;
    private final String subject;

    ConflictQueries(ReaderPool readers, String subject) {
        this.readers = readers;
        this.subject = subject;
    }

    List<ApplyIntent> intents(String folder) {
        return readers.read("list intents", subject, c -> {
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

    List<StoredConflict> conflicts(String folderOrNull) {
        return readers.read("list conflicts", subject, c -> {
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
}
