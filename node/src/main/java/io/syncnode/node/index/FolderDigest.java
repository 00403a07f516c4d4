package io.syncnode.node.index;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The folder digest that anti-entropy compares: equal on two nodes exactly when they hold the
 * same set of paths with the same versions and deleted flags (metadata, content and stat
 * are not hashed: equal versions mean equal records).
 *
 * <p>Byte layout. {@code digest = SHA-256(E1 || E2 || ... || En)} over every entry of the
 * folder, tombstones included, in ascending order of the UTF-8 bytes of the path (unsigned
 * byte-wise comparison, a proper prefix first). Each entry {@code E} is:
 * <pre>
 *   u32 path length in bytes (big-endian)
 *   path, UTF-8
 *   u32 k = number of version-vector counters (big-endian)
 *   k x (i64 node id, i64 counter), both big-endian, ascending by node id compared as a
 *       signed 64-bit integer; zero counters are never present
 *   u8 deleted: 1 for a tombstone, 0 otherwise
 * </pre>
 * An empty folder (or an unknown one) has the digest of zero bytes,
 * {@code e3b0c442...7852b855}.
 */
final class FolderDigest {
    private static final String DIGEST = "SELECT path, version, deleted FROM files WHERE folder = ? ORDER BY path";

    private FolderDigest() {
    }

    /** The digest of {@code folder} as one read on {@code c} (see the class comment). */
    static byte[] of(ReaderPool.ReadConnection c, String folder) throws SQLException {
        MessageDigest sha = sha256();
        PreparedStatement st = c.prepared(DIGEST);
        st.setString(1, folder);
        ByteBuffer u32 = ByteBuffer.allocate(4);
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                byte[] path = rs.getString(1).getBytes(StandardCharsets.UTF_8); // NameCodec text form
                byte[] version = rs.getBytes(2);
                if (version == null) {
                    version = new byte[0];
                }
                sha.update(u32.clear().putInt(path.length).array());
                sha.update(path);
                sha.update(u32.clear().putInt(version.length / 16).array());
                sha.update(version); // already n x (i64 node, i64 counter) sorted: see FileRowCodec
                sha.update((byte) (rs.getInt(3) != 0 ? 1 : 0));
            }
        }
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
