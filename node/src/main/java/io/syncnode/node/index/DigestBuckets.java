package io.syncnode.node.index;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.Function;

/**
 * The arithmetic of the incremental folder digest (PROTOCOL.md 5.4), and the SQL functions through
 * which the {@code files} triggers of migration 005 keep the {@code digest_buckets} table up to
 * date in the transaction of every insert, update and delete of a row.
 *
 * <p>Implementation notes.
 * <ul>
 * <li><b>Buckets.</b> A path falls into bucket {@code b} = the first {@value #BUCKET_BITS} bits of
 *     SHA-256 of its UTF-8 bytes (0 .. {@value #BUCKETS} - 1). A bucket's sum is the sum, modulo
 *     2^256, of SHA-256(E) (E: the entry bytes of 5.4) of its records, each read as a 256-bit
 *     unsigned big-endian number; the sum of no records is 0. Addition is commutative, so the sum
 *     does not depend on the order of the changes, and a change is one subtraction and one
 *     addition: no walk of the folder, ever.</li>
 * <li><b>Digest.</b> {@code SHA-256(S_0 || ... || S_1023)}, each sum as 32 bytes big-endian: one
 *     read of at most {@value #BUCKETS} rows, whatever the number of records.</li>
 * <li><b>Why triggers.</b> Every write path of {@code files} (puts, which replace a row, and the
 *     deletes of a path, a folder or collected tombstones) must move the sums in the same
 *     transaction, including paths written later by code that knows nothing of the digest. Triggers
 *     do that inside SQLite; they call the functions registered here on the write connection
 *     ({@link #install}), which also turns on {@code recursive_triggers}: without it the row an
 *     {@code INSERT OR REPLACE} removes fires no delete trigger.</li>
 * <li><b>Not for other clients.</b> A connection without these functions (the sqlite3 shell) can
 *     read the index but any write to {@code files} fails with "no such function": nothing may
 *     write the table around the node.</li>
 * </ul>
 */
public final class DigestBuckets {
    /** Bits of SHA-256(path) that choose the bucket. */
    public static final int BUCKET_BITS = 10;
    /** Number of buckets of a folder. */
    public static final int BUCKETS = 1 << BUCKET_BITS;
    /** Bytes of one bucket sum. */
    public static final int SUM_BYTES = 32;

    private DigestBuckets() {
    }

    /** The bucket of {@code path} (its name text, as stored). */
    public static int bucket(String path) {
        byte[] h = sha256().digest(path.getBytes(StandardCharsets.UTF_8));
        return ((h[0] & 0xff) << 8 | (h[1] & 0xff)) >>> (16 - BUCKET_BITS);
    }

    /**
     * SHA-256 of the entry bytes E of 5.4: u32 path length, path, u32 counters, the counters as
     * stored ({@code version}: n x (i64 node, i64 counter), sorted, see FileRowCodec), u8 deleted.
     */
    public static byte[] entryHash(String path, byte[] version, boolean deleted) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        byte[] v = version == null ? new byte[0] : version;
        ByteBuffer e = ByteBuffer.allocate(4 + p.length + 4 + v.length + 1);
        e.putInt(p.length).put(p).putInt(v.length / 16).put(v).put((byte) (deleted ? 1 : 0));
        return sha256().digest(e.array());
    }

    /** {@code a + b} modulo 2^256, both 32 bytes big-endian (a null or empty {@code a} is 0). */
    public static byte[] add(byte[] a, byte[] b) {
        byte[] out = new byte[SUM_BYTES];
        int carry = 0;
        for (int i = SUM_BYTES - 1; i >= 0; i--) {
            int s = at(a, i) + at(b, i) + carry;
            out[i] = (byte) s;
            carry = s >>> 8;
        }
        return out;
    }

    /** {@code a - b} modulo 2^256, both 32 bytes big-endian (a null or empty {@code a} is 0). */
    public static byte[] subtract(byte[] a, byte[] b) {
        byte[] out = new byte[SUM_BYTES];
        int borrow = 0;
        for (int i = SUM_BYTES - 1; i >= 0; i--) {
            int s = at(a, i) - at(b, i) - borrow;
            out[i] = (byte) s;
            borrow = s < 0 ? 1 : 0;
        }
        return out;
    }

    /** The folder digest of its bucket sums ({@code sums[b]} null: 0). */
    public static byte[] digest(byte[][] sums) {
        MessageDigest sha = sha256();
        byte[] zero = new byte[SUM_BYTES];
        for (int b = 0; b < BUCKETS; b++) {
            byte[] s = sums[b];
            sha.update(s == null || s.length == 0 ? zero : s);
        }
        return sha.digest();
    }

    private static int at(byte[] x, int i) {
        if (x == null || x.length == 0) {
            return 0;
        }
        if (x.length != SUM_BYTES) {
            throw new IllegalArgumentException("a bucket sum has " + SUM_BYTES + " bytes, not " + x.length);
        }
        return x[i] & 0xff;
    }

    /**
     * Registers the SQL functions the {@code files} triggers call, and turns on
     * {@code recursive_triggers}, on a connection that writes the index.
     */
    static void install(Connection conn) throws SQLException {
        Function.create(conn, "syncnode_bucket", new Function() {
            @Override
            protected void xFunc() throws SQLException {
                result(bucket(value_text(0)));
            }
        }, 1, Function.FLAG_DETERMINISTIC);
        Function.create(conn, "syncnode_entry", new Function() {
            @Override
            protected void xFunc() throws SQLException {
                result(entryHash(value_text(0), value_blob(1), value_int(2) != 0));
            }
        }, 3, Function.FLAG_DETERMINISTIC);
        Function.create(conn, "syncnode_add", new Function() {
            @Override
            protected void xFunc() throws SQLException {
                result(add(value_blob(0), value_blob(1)));
            }
        }, 2, Function.FLAG_DETERMINISTIC);
        Function.create(conn, "syncnode_subtract", new Function() {
            @Override
            protected void xFunc() throws SQLException {
                result(subtract(value_blob(0), value_blob(1)));
            }
        }, 2, Function.FLAG_DETERMINISTIC);
        try (Statement st = conn.createStatement()) {
            st.executeUpdate("PRAGMA recursive_triggers = ON");
        }
    }

    /** This thread's SHA-256 (reset), reused: the triggers hash twice per replaced row. */
    static MessageDigest sha256() {
        MessageDigest sha = SHA256.get();
        sha.reset();
        return sha;
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    });
}
