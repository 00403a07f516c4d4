package io.syncnode.node.index;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Maps a {@code conflicts} row to a {@link StoredConflict} and back, by position (see {@link #COLUMNS}). */
final class ConflictRowCodec {
    static final String COLUMNS = "folder, path, type, mode, uid, gid, mtime_ns, size, hash, symlink_target, rdev, "
            + "version, deleted, modified_by, remote_node, detected_ms, xattrs, hard_link";
    static final String PLACEHOLDERS = "?" + ", ?".repeat(17);

    private ConflictRowCodec() {
    }

    static void bind(PreparedStatement st, StoredConflict c) throws SQLException {
        st.setString(1, c.folder());
        FileRowCodec.bindRecord(st, 2, c.remote());
        st.setString(15, c.remoteNode());
        st.setLong(16, c.detected().toEpochMilli());
        FileRowCodec.bindExtras(st, 17, c.remote());
    }

    static StoredConflict read(ResultSet rs) throws SQLException {
        return new StoredConflict(rs.getString(1), FileRowCodec.readRecord(rs, 2, 17), rs.getString(15),
                Instant.ofEpochMilli(rs.getLong(16)));
    }
}
