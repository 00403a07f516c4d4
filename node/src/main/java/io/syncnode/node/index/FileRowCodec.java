package io.syncnode.node.index;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.Xattrs;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps a {@code files} row to a {@link StoredFile} and back. Columns are read and bound by
 * position (in the order of {@link #COLUMNS}), which keeps point reads cheap.
 *
 * <p>The version vector is stored as n x (8-byte big-endian node id, 8-byte big-endian counter),
 * sorted by node id as signed longs (the order of {@link VersionVector#counters()}); the folder
 * digest hashes exactly these bytes.
 */
final class FileRowCodec {
    /** The files columns, in binding and reading order. */
    static final String COLUMNS = "folder, path, type, mode, uid, gid, mtime_ns, size, hash, symlink_target, rdev, "
            + "version, deleted, modified_by, sequence, "
            + "st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns, st_mode, st_uid, st_gid, xattrs, hard_link";
    /** The same columns qualified with the table alias {@code f}. */
    static final String COLUMNS_F = "f." + COLUMNS.replace(", ", ", f.");
    static final int COLUMN_COUNT = 25;
    /** Where the record's extended attributes and hard link are (columns added by migration 003). */
    static final int EXTRAS = 24;
    static final String PLACEHOLDERS = "?" + ", ?".repeat(COLUMN_COUNT - 1);

    private FileRowCodec() {
    }

    /** Binds every column of {@code COLUMNS} to parameters 1..25. */
    static void bind(PreparedStatement st, StoredFile file) throws SQLException {
        st.setString(1, file.folder());
        bindRecord(st, 2, file.record());
        st.setLong(15, file.sequence());
        StatSignature s = file.stat();
        if (s == null) {
            for (int i = 16; i <= 23; i++) {
                st.setNull(i, Types.INTEGER);
            }
        } else {
            st.setLong(16, s.dev());
            st.setLong(17, s.ino());
            st.setLong(18, s.size());
            st.setLong(19, s.mtimeNs());
            st.setLong(20, s.ctimeNs());
            st.setInt(21, s.mode());
            st.setInt(22, s.uid());
            st.setInt(23, s.gid());
        }
        bindExtras(st, EXTRAS, file.record());
    }

    /** Binds a record's extended attributes and hard link to parameters {@code first, first+1}. */
    static void bindExtras(PreparedStatement st, int first, FileRecord r) throws SQLException {
        if (r.xattrs().isEmpty()) {
            st.setNull(first, Types.BLOB);
        } else {
            st.setBytes(first, r.xattrs().encode());
        }
        if (r.hardLink() == null) {
            st.setNull(first + 1, Types.VARCHAR);
        } else {
            st.setString(first + 1, r.hardLink());
        }
    }

    /**
     * Binds a record's 13 columns (path, type, mode, uid, gid, mtime_ns, size, hash, symlink_target,
     * rdev, version, deleted, modified_by) to parameters {@code first..first+12}: shared by the
     * files and conflicts tables.
     */
    static void bindRecord(PreparedStatement st, int first, FileRecord r) throws SQLException {
        st.setString(first, r.path());
        st.setString(first + 1, r.type().name());
        st.setInt(first + 2, r.mode());
        st.setInt(first + 3, r.uid());
        st.setInt(first + 4, r.gid());
        st.setLong(first + 5, r.mtimeNs());
        st.setLong(first + 6, r.size());
        if (r.hash() == null) {
            st.setNull(first + 7, Types.BLOB);
        } else {
            st.setBytes(first + 7, r.hash().toBytes());
        }
        if (r.symlinkTarget() == null) {
            st.setNull(first + 8, Types.VARCHAR);
        } else {
            st.setString(first + 8, r.symlinkTarget());
        }
        st.setLong(first + 9, r.rdev());
        st.setBytes(first + 10, encodeVersion(r.version()));
        st.setInt(first + 11, r.deleted() ? 1 : 0);
        st.setLong(first + 12, r.modifiedBy());
    }

    /**
     * Reads the 13 record columns starting at column {@code first} (the order of {@link #bindRecord})
     * and the extended attributes and hard link at {@code extras} (of {@link #bindExtras}).
     */
    static FileRecord readRecord(ResultSet rs, int first, int extras) throws SQLException {
        byte[] hash = rs.getBytes(first + 7);
        return new FileRecord(rs.getString(first), FileType.valueOf(rs.getString(first + 1)), rs.getInt(first + 2),
                rs.getInt(first + 3), rs.getInt(first + 4), rs.getLong(first + 5), rs.getLong(first + 6),
                hash == null ? null : ContentHash.of(hash), rs.getString(first + 8), rs.getLong(first + 9),
                decodeVersion(rs.getBytes(first + 10)), rs.getInt(first + 11) != 0, rs.getLong(first + 12),
                Xattrs.decode(rs.getBytes(extras)), rs.getString(extras + 1));
    }

    /** Reads the current row, whose first 25 columns are {@code COLUMNS}. */
    static StoredFile read(ResultSet rs) throws SQLException {
        String folder = rs.getString(1);
        FileRecord record = readRecord(rs, 2, EXTRAS);
        long sequence = rs.getLong(15);
        long dev = rs.getLong(16);
        StatSignature stat = rs.wasNull() ? null
                : new StatSignature(dev, rs.getLong(17), rs.getLong(18), rs.getLong(19), rs.getLong(20),
                        rs.getInt(21), rs.getInt(22), rs.getInt(23));
        return new StoredFile(folder, record, stat, sequence);
    }

    /** n x (node id, counter), 8-byte big-endian each, in the vector's (signed, ascending) node order. */
    static byte[] encodeVersion(VersionVector version) {
        Map<Long, Long> counters = version.counters();
        ByteBuffer buf = ByteBuffer.allocate(counters.size() * 16);
        counters.forEach((node, counter) -> buf.putLong(node).putLong(counter));
        return buf.array();
    }

    static VersionVector decodeVersion(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return VersionVector.EMPTY;
        }
        if (bytes.length % 16 != 0) {
            throw new IllegalArgumentException("version blob of " + bytes.length + " bytes is not n x 16");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        Map<Long, Long> counters = new HashMap<>();
        while (buf.hasRemaining()) {
            counters.put(buf.getLong(), buf.getLong());
        }
        return VersionVector.of(counters);
    }
}
