package io.syncnode.node.index;

import static io.syncnode.node.index.Records.await;
import static io.syncnode.node.index.Records.regular;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.VersionVector;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestTest {
    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    static List<FileRecord> records() {
        List<FileRecord> out = new ArrayList<>();
        for (String p : List.of("a", "a.b", "a/b", "ab", "é", "z/y/x")) {
            out.add(regular(p, p, VersionVector.of(Map.of(1L, 5L, -7L, 2L))));
        }
        out.add(regular("gone", "x").asDeleted(VersionVector.of(Map.of(3L, 9L)), 3));
        return out;
    }

    static void putAll(SqliteIndexStore store, String folder, List<FileRecord> records) {
        await(store.write(w -> {
            records.forEach(r -> w.put(folder, r, null));
            return null;
        }));
    }

    @Test
    void sameVersionsInDifferentOrderGiveTheSameDigest() {
        List<FileRecord> shuffled = new ArrayList<>(records());
        Collections.reverse(shuffled);
        try (SqliteIndexStore a = SqliteIndexStore.open(dirA); SqliteIndexStore b = SqliteIndexStore.open(dirB)) {
            putAll(a, "f", records());
            putAll(b, "f", shuffled);
            // metadata, stat and sequence are not part of the digest
            await(b.write(w -> w.put("f", records().get(0), Records.stat(1))));
            assertEquals(HexFormat.of().formatHex(a.digest("f")), HexFormat.of().formatHex(b.digest("f")));
        }
    }

    @Test
    void oneDifferentVersionOrDeletedFlagChangesTheDigest() {
        try (SqliteIndexStore a = SqliteIndexStore.open(dirA); SqliteIndexStore b = SqliteIndexStore.open(dirB)) {
            putAll(a, "f", records());
            putAll(b, "f", records());
            byte[] same = b.digest("f");
            FileRecord first = records().get(0);
            await(b.write(w -> w.put("f", first.withVersion(first.version().bump(1, 6), 1), null)));
            assertFalse(Arrays.equals(a.digest("f"), b.digest("f")));

            await(b.write(w -> w.put("f", first, null)));
            assertArrayEquals(same, b.digest("f"));
            FileRecord deletedSameVersion = new FileRecord(first.path(), first.type(), 0, 0, 0, 0, 0, null, null, 0,
                    first.version(), true, 1);
            await(b.write(w -> w.put("f", deletedSameVersion, null)));
            assertFalse(Arrays.equals(a.digest("f"), b.digest("f")));
        }
    }

    @Test
    void digestFollowsTheDocumentedDefinition() throws Exception {
        try (SqliteIndexStore a = SqliteIndexStore.open(dirA)) {
            putAll(a, "f", records());
            putAll(a, "other", List.of(regular("a", "other")));
            assertEquals(HexFormat.of().formatHex(fromScratch(records())), HexFormat.of().formatHex(a.digest("f")));
            // an empty folder: SHA-256 of 1024 zero sums
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[1024 * 32])),
                    HexFormat.of().formatHex(a.digest("empty")));
        }
    }

    @Test
    void randomPutsReplacesDeletesAndRestartsKeepTheDigestEqualToOneFromScratch() throws Exception {
        SplittableRandom random = new SplittableRandom(13);
        Map<String, FileRecord> expected = new TreeMap<>();
        SqliteIndexStore a = SqliteIndexStore.open(dirA);
        try {
            for (int round = 0; round < 40; round++) {
                List<Object> ops = new ArrayList<>(); // in order: a FileRecord is put, a String forgotten
                for (int i = 0; i < 50; i++) {
                    String path = random.nextInt(5) == 0 ? "." : "d" + random.nextInt(8) + "/f" + random.nextInt(60);
                    FileRecord before = expected.get(path);
                    VersionVector v = before == null ? VersionVector.of(Map.of(1L, 1L))
                            : before.version().bump(random.nextBoolean() ? 1L : -9L, round * 100L + i);
                    switch (random.nextInt(4)) {
                        case 0, 1 -> { // insert or update
                            FileRecord r = regular(path, "c" + random.nextInt(), v);
                            ops.add(r);
                            expected.put(path, r);
                        }
                        case 2 -> { // tombstone
                            FileRecord r = regular(path, "x", v).asDeleted(v, 1);
                            ops.add(r);
                            expected.put(path, r);
                        }
                        default -> { // the row removed (a purge, a collected tombstone)
                            ops.add(path);
                            expected.remove(path);
                        }
                    }
                }
                await(a.write(w -> {
                    for (Object op : ops) {
                        if (op instanceof FileRecord r) {
                            w.put("f", r, null);
                        } else {
                            w.forgetPath("f", (String) op);
                        }
                    }
                    return null;
                }));
                assertEquals(HexFormat.of().formatHex(fromScratch(expected.values())),
                        HexFormat.of().formatHex(a.digest("f")), "round " + round);
                assertEquals(expected.values().stream().filter(r -> !r.deleted() && !r.path().equals(".")).count(),
                        a.liveCount("f"), "round " + round);
                if (round % 10 == 9) { // restart
                    a.close();
                    a = SqliteIndexStore.open(dirA);
                }
            }
            await(a.write(w -> {
                w.forgetFolder("f");
                return null;
            }));
            assertArrayEquals(fromScratch(List.of()), a.digest("f"));
            assertEquals(0, a.liveCount("f"));
        } finally {
            a.close();
        }
    }

    @Test
    void tombstonesDeletedBySqlOfItsOwnAreTakenOutOfTheDigest() throws Exception {
        List<FileRecord> live = records().stream().filter(r -> !r.deleted()).toList();
        try (SqliteIndexStore a = SqliteIndexStore.open(dirA)) {
            putAll(a, "f", records());
            putAll(a, "g", records());
        }
        // a write path the digest code does not know of (e.g. collecting tombstones), on a writer
        // connection set up as the store sets up its own
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dirA.resolve(SqliteIndexStore.FILE_NAME));
             Statement st = c.createStatement()) {
            DigestBuckets.install(c);
            // (executeUpdate's count includes the triggers' rows: not checked)
            st.executeUpdate("DELETE FROM files WHERE folder = 'f' AND deleted = 1");
            st.executeUpdate("UPDATE files SET version = x'' WHERE folder = 'g' AND path = 'a'");
        }
        try (SqliteIndexStore a = SqliteIndexStore.open(dirA)) {
            assertArrayEquals(fromScratch(live), a.digest("f"));
            List<FileRecord> g = new ArrayList<>(records());
            g.set(0, g.get(0).withVersion(VersionVector.of(Map.of()), 1));
            assertArrayEquals(fromScratch(g), a.digest("g"));
        }
    }

    @Test
    void migrationFiveFillsTheSumsOfAnIndexMadeBeforeIt() throws Exception {
        byte[] before;
        try (SqliteIndexStore a = SqliteIndexStore.open(dirA)) {
            putAll(a, "f", records());
            before = a.digest("f");
        }
        // back to schema 4: no sums, no triggers
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dirA.resolve(SqliteIndexStore.FILE_NAME));
             Statement st = c.createStatement()) {
            for (String t : List.of("files_digest_insert", "files_digest_delete", "files_digest_update")) {
                st.executeUpdate("DROP TRIGGER " + t);
            }
            st.executeUpdate("DROP TABLE digest_buckets");
            st.executeUpdate("PRAGMA user_version = 4");
        }
        try (SqliteIndexStore a = SqliteIndexStore.open(dirA)) {
            assertArrayEquals(before, a.digest("f"));
            assertArrayEquals(fromScratch(records()), a.digest("f"));
            assertEquals(6, a.liveCount("f"));
        }
    }

    /** The digest of PROTOCOL.md 5.4 computed from the records alone, with BigInteger sums. */
    static byte[] fromScratch(java.util.Collection<FileRecord> records) throws Exception {
        BigInteger modulus = BigInteger.ONE.shiftLeft(256);
        BigInteger[] sums = new BigInteger[1024];
        Arrays.fill(sums, BigInteger.ZERO);
        for (FileRecord r : records) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] ph = sha.digest(r.path().getBytes(StandardCharsets.UTF_8));
            int bucket = ((ph[0] & 0xff) << 2) | ((ph[1] & 0xff) >> 6);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            entry(new DataOutputStream(bytes), r);
            BigInteger h = new BigInteger(1, sha.digest(bytes.toByteArray()));
            sums[bucket] = sums[bucket].add(h).mod(modulus);
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (BigInteger s : sums) {
            byte[] raw = s.toByteArray();
            byte[] fixed = new byte[32];
            int n = Math.min(raw.length, 32);
            System.arraycopy(raw, raw.length - n, fixed, 32 - n, n);
            sha.update(fixed);
        }
        return sha.digest();
    }

    private static void entry(DataOutputStream out, FileRecord r) throws IOException {
        byte[] path = r.path().getBytes(StandardCharsets.UTF_8);
        out.writeInt(path.length);
        out.write(path);
        out.writeInt(r.version().counters().size());
        for (Map.Entry<Long, Long> c : r.version().counters().entrySet()) { // signed ascending
            out.writeLong(c.getKey());
            out.writeLong(c.getValue());
        }
        out.writeByte(r.deleted() ? 1 : 0);
    }
}
