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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
    void digestFollowsTheDocumentedByteLayout() throws Exception {
        try (SqliteIndexStore a = SqliteIndexStore.open(dirA)) {
            putAll(a, "f", records());
            putAll(a, "other", List.of(regular("a", "other")));

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            // UTF-8 byte order: "a" < "a.b" < "a/b" < "ab" < "gone" < "z/y/x" < "é"
            for (String p : List.of("a", "a.b", "a/b", "ab", "gone", "z/y/x", "é")) {
                FileRecord r = records().stream().filter(x -> x.path().equals(p)).findFirst().orElseThrow();
                entry(out, r);
            }
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
            assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(a.digest("f")));
            assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    HexFormat.of().formatHex(a.digest("empty")));
        }
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
