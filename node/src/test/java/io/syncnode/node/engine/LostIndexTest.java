package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.StatusView;
import io.syncnode.node.index.SqliteIndexStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: a node whose state dir was wiped, or whose index is damaged, rejoins and adopts the
 * cluster's versions of every file identical to them: no conflict copy, no content transferred
 * again; a file it changed meanwhile is its change under the folder's policy (keep-both: the newer
 * write keeps the path, the other is kept beside it). Real nodes in one JVM.
 */
class LostIndexTest {
    private static final Duration T = Duration.ofSeconds(40);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"state dir wiped", "index damaged"})
    void aNodeWithoutItsIndexRejoinsWithoutCopiesOrTransfers(String how) throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 2, List.of())) {
            c.startAll(T);
            Random rnd = new Random(5);
            for (int i = 0; i < 20; i++) {
                Files.writeString(c.dir(0).resolve("f" + i + ".txt"), "file " + i + " " + rnd.nextLong());
            }
            byte[] big = new byte[3 << 20];
            rnd.nextBytes(big);
            Files.createDirectories(c.dir(0).resolve("sub"));
            Files.write(c.dir(0).resolve("sub/big.bin"), big);
            c.awaitSame(T);
            await(T, () -> c.node(0).controlHandler().dirty(null).isEmpty(), () -> "n1 acknowledged everything");

            c.stop(1);
            if (how.equals("state dir wiped")) {
                try (Stream<Path> s = Files.walk(c.stateDir(1))) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            } else {
                Path db = c.stateDir(1).resolve(SqliteIndexStore.FILE_NAME);
                try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
                    f.seek(0);
                    f.write("garbage, not a database header".getBytes());
                }
            }
            Path changed = c.dir(1).resolve("f3.txt");
            Files.writeString(changed, "changed on n1 while it was down");
            Files.setLastModifiedTime(changed, FileTime.fromMillis(System.currentTimeMillis() + 60_000));

            c.start(1);
            await(T, () -> c.node(0).controlHandler().status().members().size() == 2, () -> "n1 back");
            await(T, () -> {
                try {
                    return Files.readString(c.dir(0).resolve("f3.txt")).equals("changed on n1 while it was down");
                } catch (IOException e) {
                    return false;
                }
            }, () -> "n1's change (the newer write) reached n0");
            c.awaitSame(T);
            await(T, () -> c.node(0).controlHandler().dirty(null).isEmpty() && c.node(1).controlHandler().dirty(null).isEmpty(),
                    () -> "nothing dirty");
            assertEquals(List.of("f3.sync-conflict"), copies(c.dir(1)), "one copy: of the file n1 changed, nothing else");
            assertEquals(copies(c.dir(0)), copies(c.dir(1)));
            StatusView.Counters n1 = c.node(1).controlHandler().status().counters();
            assertEquals(0, n1.bytesFetched(), "n1 fetched no content: it already had it");
            assertTrue(n1.inlineBytesReceived() < 1000, "no small file's content came inline again: " + n1);
            assertEquals(big.length, Files.size(c.dir(1).resolve("sub/big.bin")));
            assertEquals(List.of(), c.node(1).controlHandler().conflicts());
        }
    }

    private static List<String> copies(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".sync-conflict-"))
                    .map(n -> n.substring(0, n.indexOf(".sync-conflict-") + ".sync-conflict".length())).sorted().toList();
        }
    }
}
