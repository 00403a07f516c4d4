package io.syncnode.node.index;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The folder digest that anti-entropy compares: equal on two nodes exactly when they hold the
 * same set of paths with the same versions and deleted flags (metadata, content and stat
 * are not hashed: equal versions mean equal records).
 *
 * <p>Definition (PROTOCOL.md 5.4, arithmetic in {@link DigestBuckets}): each record's entry bytes
 * {@code E} are
 * <pre>
 *   u32 path length in bytes (big-endian)
 *   path, UTF-8
 *   u32 k = number of version-vector counters (big-endian)
 *   k x (i64 node id, i64 counter), both big-endian, ascending by node id compared as a
 *       signed 64-bit integer; zero counters are never present
 *   u8 deleted: 1 for a tombstone, 0 otherwise
 * </pre>
 * the record falls into bucket {@code b} = the first 10 bits of SHA-256(path bytes); bucket
 * {@code b}'s sum {@code S_b} is the sum mod 2^256 of SHA-256(E) over its records (0 for none), and
 * {@code digest = SHA-256(S_0 || ... || S_1023)}, each sum 32 bytes big-endian. An empty folder (or
 * an unknown one) has the digest of 32,768 zero bytes.
 *
 * <p>The sums live in {@code digest_buckets}, kept by triggers on {@code files} in the transaction
 * of every change (migration 005): computing the digest reads at most 1,024 rows, never the folder.
 */
final class FolderDigest {
    private static final String SUMS = "SELECT bucket, sum FROM digest_buckets WHERE folder = ?";

    private FolderDigest() {
    }

    /** The digest of {@code folder} as one read on {@code c} (see the class comment). */
    static byte[] of(ReaderPool.ReadConnection c, String folder) throws SQLException {
        return DigestBuckets.digest(sums(c, folder));
    }

    /** The bucket sums of {@code folder}, indexed by bucket (null where no row is kept). */
    static byte[][] sums(ReaderPool.ReadConnection c, String folder) throws SQLException {
        byte[][] sums = new byte[DigestBuckets.BUCKETS][];
        PreparedStatement st = c.prepared(SUMS);
        st.setString(1, folder);
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                sums[rs.getInt(1)] = rs.getBytes(2);
            }
        }
        return sums;
    }
}
