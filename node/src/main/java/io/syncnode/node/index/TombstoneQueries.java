package io.syncnode.node.index;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The read behind tombstone collection ({@code engine.TombstoneCollector}): the tombstones that
 * no peer still owes an acknowledgement for (no dirty entry) and that no open conflict or apply
 * journal row refers to, in key order from a cursor, a page at a time. The age test is the
 * caller's (it reads the version vector); the delete itself is
 * {@link IndexWriter#dropTombstone}, which checks the same conditions again inside its write.
 */
final class TombstoneQueries {
    /** Tombstones nothing refers to any more; walks the files primary key from the cursor. */
    static final String UNREFERENCED = "SELECT f.folder, f.path, f.version, f.sequence FROM files f"
            + " WHERE (f.folder, f.path) > (?, ?) AND f.deleted = 1"
            + " AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.folder = f.folder AND d.path = f.path)"
            + " AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.folder = f.folder AND c.path = f.path)"
            + " AND NOT EXISTS (SELECT 1 FROM intents i WHERE i.folder = f.folder AND i.path = f.path)"
            + " ORDER BY f.folder, f.path LIMIT ?";

    private final ReaderPool readers;
    private final String subject;

    TombstoneQueries(ReaderPool readers, String subject) {
        this.readers = readers;
        this.subject = subject;
    }

    List<Tombstone> unreferenced(String afterFolder, String afterPath, int limit) {
        return readers.read("list unreferenced tombstones", subject, c -> {
            PreparedStatement st = c.prepared(UNREFERENCED);
            st.setString(1, afterFolder);
            st.setString(2, afterPath);
            st.setInt(3, limit);
            List<Tombstone> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Tombstone(rs.getString(1), rs.getString(2), FileRowCodec.decodeVersion(rs.getBytes(3)),
                            rs.getLong(4)));
                }
            }
            return Collections.unmodifiableList(out);
        });
    }
}
