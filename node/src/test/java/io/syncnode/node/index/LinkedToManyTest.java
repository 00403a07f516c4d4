package io.syncnode.node.index;

import static io.syncnode.node.index.Records.V1;
import static io.syncnode.node.index.Records.regular;
import static io.syncnode.node.index.Records.stat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncnode.protocol.FileRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SqliteIndexStore#linkedTo(String, java.util.Collection)}: the names linking to many first names, read together. */
class LinkedToManyTest {
    @TempDir
    Path stateDir;

    /**
     * First names over more than two queries' worth, each with zero to three later names (one of
     * them deleted, one in another folder): the rows read together equal each name's own query.
     */
    @Test
    void theLinksOfManyFirstNamesEqualEachOnesOwnQuery() {
        try (SqliteIndexStore store = SqliteIndexStore.open(stateDir)) {
            List<String> firsts = new ArrayList<>();
            int n = 2 * FileQueries.PREFETCH_CHUNK + 9;
            for (int i = 0; i < n; i++) {
                String first = String.format("a/f%03d", i);
                firsts.add(first);
                int at = i;
                store.writeAndWait(w -> w.put("f", regular(first, "c" + at), stat(at)));
                for (int k = 0; k < i % 4; k++) {
                    FileRecord later = linked(String.format("b/f%03d-%d", i, k), "c" + i, first);
                    FileRecord put = k == 2 ? later.asDeleted(V1, 1) : later;
                    store.writeAndWait(w -> w.put("f", put, put.deleted() ? null : stat(at)));
                }
            }
            FileRecord elsewhere = linked("b/other", "c5", firsts.get(5));
            store.writeAndWait(w -> w.put("g", elsewhere, stat(5)));
            firsts.add(firsts.get(3)); // asked twice

            Map<String, List<StoredFile>> together = store.linkedTo("f", firsts);
            Map<String, List<StoredFile>> oneByOne = new HashMap<>();
            for (String first : firsts) {
                List<StoredFile> own = store.linkedTo("f", first);
                if (!own.isEmpty()) {
                    oneByOne.put(first, own);
                }
            }
            assertEquals(oneByOne, together);
            assertEquals(List.of("b/f003-0", "b/f003-1"),
                    together.get(firsts.get(3)).stream().map(f -> f.record().path()).toList(), "live names only, in path order");
            assertEquals(n / 4 * 3, together.size(), "first names with a live later name");
        }
    }

    private static FileRecord linked(String path, String content, String first) {
        FileRecord r = regular(path, content);
        return new FileRecord(r.path(), r.type(), r.mode(), r.uid(), r.gid(), r.mtimeNs(), r.size(), r.hash(), null,
                0, r.version(), false, r.modifiedBy(), r.xattrs(), first);
    }
}
