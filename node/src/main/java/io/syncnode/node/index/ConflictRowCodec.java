package io.syncnode.node.index;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Maps a {@code conflicts} row to a {@link StoredConflict} and back, by position (see {@link #COLUMNS}). */
final class ConflictRowCodec {
    static final String COLUMNS = "folder, path, type, mode, uid, gid, mtime_ns, size, hash, symlink_target, rdev, "
            + "version, deleted, modified_by, remote_node, detected_ms";
    static final String PLACEHOLDERS = "?" + ", ?".repeat(15);

    private ConflictRowCodec() {
    }

    static void bind(PreparedStatement st, StoredConflict c) throws SQLException {
        FileRecord r = c.remote();
        st.setString(1, c.folder());
        st.setString(2, r.path());
        st.setString(3, r.type().name());
        st.setInt(4, r.mode());
        st.setInt(5, r.uid());
        st.setInt(6, r.gid());
        st.setLong(7, r.mtimeNs());
        st.setLong(8, r.size());
        if (r.hash() == null) {
            st.setNull(9, Types.BLOB);
        } else {
            st.setBytes(9, r.hash().toBytes());
        }
        if (r.symlinkTarget() == null) {
            st.setNull(10, Types.VARCHAR);
        } else {
            st.setString(10, r.symlinkTarget());
        }
        st.setLong(11, r.rdev());
        st.setBytes(12, FileRowCodec.encodeVersion(r.version()));
        st.setInt(13, r.deleted() ? 1 : 0);
        st.setLong(14, r.modifiedBy());
        st.setString(15, c.remoteNode());
        st.setLong(16, c.detected().toEpochMilli());
    }

    static StoredConflict read(ResultSet rs) throws SQLException {
        byte[] hash = rs.getBytes(9);
        FileRecord r = new FileRecord(rs.getString(2), FileType.valueOf(rs.getString(3)), rs.getInt(4), rs.getInt(5),
                rs.getInt(6), rs.getLong(7), rs.getLong(8), hash == null ? null : ContentHash.of(hash),
                rs.getString(10), rs.getLong(11), FileRowCodec.decodeVersion(rs.getBytes(12)), rs.getInt(13) != 0,
                rs.getLong(14));
        return new StoredConflict(rs.getString(1), r, rs.getString(15), Instant.ofEpochMilli(rs.getLong(16)));
    }
}
