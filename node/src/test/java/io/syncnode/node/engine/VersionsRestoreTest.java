package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.RestoreView;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.control.VersionsView;
import io.syncnode.protocol.VersionPolicy;
import io.syncnode.protocol.VersionsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions and restore across real nodes (SHARED_LOOPBACK): node 1 keeps versions
 * ({@code versions = "simple"}), node 0 keeps none. Node 0 overwrites and then deletes a file; node 1
 * keeps both old contents; {@code restore --version} on node 1 brings the first back as a new
 * version that node 0 takes too, and what it replaced is kept in turn.
 */
class VersionsRestoreTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private ControlHandler control(int i) {
        return cluster.node(i).controlHandler();
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return null;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void versionsAndRestoreAcrossNodes() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of())
                .versions(1, new VersionPolicy(VersionsMode.SIMPLE, 5, null, 0, VersionPolicy.DEFAULT_MAX_PERCENT));
        cluster.startAll(T);
        Path a = cluster.dir(0).resolve("notes.txt");
        Path b = cluster.dir(1).resolve("notes.txt");

        Files.writeString(a, "first content\n");
        Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rw-r-----"));
        await(T, () -> "first content\n".equals(read(b)) && "rw-r-----".equals(mode(b)), () -> "n1 takes the first write");
        Files.writeString(a, "second, longer content\n");
        await(T, () -> "second, longer content\n".equals(read(b)), () -> "n1 takes the overwrite");
        Files.delete(a);
        await(T, () -> !Files.exists(b, LinkOption.NOFOLLOW_LINKS), () -> "n1 takes the delete");

        VersionsView v = control(1).versions("data", "notes.txt");
        assertEquals("data", v.folder());
        assertEquals("notes.txt", v.path());
        assertEquals(2, v.versions().size(), v.toString());
        VersionsView.Entry deleted = v.versions().get(0);
        VersionsView.Entry replaced = v.versions().get(1);
        assertTrue(deleted.deleted() && !replaced.deleted(), "newest first: the delete's, then the overwrite's: " + v);
        assertEquals("n0", deleted.replacedBy());
        assertEquals("n0", replaced.replacedBy());
        assertEquals("second, longer content\n".length(), deleted.size());
        assertEquals("first content\n".length(), replaced.size());
        assertTrue(replaced.keptAt().compareTo(deleted.keptAt()) <= 0, v.toString());
        assertEquals(List.of(), control(0).versions("data", "notes.txt").versions(), "n0 keeps none (the default)");
        StatusView.Versions status = control(1).status().folders().get(0).versions();
        assertEquals(new StatusView.Versions("simple", 2, deleted.size() + replaced.size(), 0), status);
        assertEquals("none", control(0).status().folders().get(0).versions().mode());
        assertNoVersionFilesIn(cluster.dir(1));

        RestoreView r = control(1).restore("data", "notes.txt", replaced.id(), null);
        assertEquals(replaced.id(), r.version());
        assertEquals("first content\n", read(b), "the restore has written the file when it answers");
        assertEquals("rw-r-----", mode(b), "the kept mode comes back");
        assertEquals("0640", replaced.mode());
        await(T, () -> "first content\n".equals(read(a)), () -> "the restored version wins on n0 too");

        // restoring the other one keeps what the path held (the first content, replaced by n1 itself)
        control(1).restore("data", "notes.txt", deleted.id(), null);
        await(T, () -> "second, longer content\n".equals(read(a)), () -> "the second restore reaches n0");
        List<VersionsView.Entry> after = control(1).versions("data", "notes.txt").versions();
        assertEquals(3, after.size(), after.toString());
        assertEquals("n1", after.get(0).replacedBy());
        assertEquals("first content\n".length(), after.get(0).size());
        cluster.awaitSame(T);

        ControlHandler.ControlException unknown = assertThrows(ControlHandler.ControlException.class,
                () -> control(1).restore("data", "notes.txt", "20000101-000000-000", null));
        assertTrue(unknown.getMessage().contains("no kept version 20000101-000000-000 of notes.txt"), unknown.getMessage());
        ControlHandler.ControlException none = assertThrows(ControlHandler.ControlException.class,
                () -> control(0).restore("data", "notes.txt", null, System.currentTimeMillis()));
        assertTrue(none.getMessage().contains("keeps no versions"), none.getMessage());
    }

    @Test
    void restoreAtATimeBringsBackWhatThePathHeldThen() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of())
                .versions(1, new VersionPolicy(VersionsMode.TRASH, 0, Duration.ofDays(30), 0, 1000));
        cluster.startAll(T);
        Path a = cluster.dir(0).resolve("f");
        Path b = cluster.dir(1).resolve("f");
        Files.writeString(a, "v1");
        await(T, () -> "v1".equals(read(b)), () -> "n1 takes v1");
        Files.writeString(a, "v2");
        await(T, () -> "v2".equals(read(b)), () -> "n1 takes v2");
        long between = System.currentTimeMillis();
        await(T, () -> System.currentTimeMillis() > between + 5, () -> "time moves on");
        Files.writeString(a, "v3");
        await(T, () -> "v3".equals(read(b)), () -> "n1 takes v3");

        ControlHandler.ControlException now = assertThrows(ControlHandler.ControlException.class,
                () -> control(1).restore("data", "f", null, System.currentTimeMillis() + 1000));
        assertTrue(now.getMessage().contains("the file then is the file now"), now.getMessage());
        control(1).restore("data", "f", null, between);
        assertEquals("v2", read(b), "at that time the path held v2 (kept when v3 replaced it)");
        await(T, () -> "v2".equals(read(a)), () -> "n0 takes the restored v2");
    }

    @Test
    void simpleKeepsTheNewestNAndAFailureToKeepDoesNotBlockTheApply() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of())
                .versions(1, new VersionPolicy(VersionsMode.SIMPLE, 2, null, 0, VersionPolicy.DEFAULT_MAX_PERCENT));
        cluster.startAll(T);
        Path a = cluster.dir(0).resolve("f");
        Path b = cluster.dir(1).resolve("f");
        for (int i = 1; i <= 4; i++) {
            String content = "v" + i;
            Files.writeString(a, content);
            await(T, () -> content.equals(read(b)), () -> "n1 takes " + content);
        }
        List<VersionsView.Entry> kept = control(1).versions("data", "f").versions();
        assertEquals(2, kept.size(), "versions-keep = 2: " + kept);
        assertEquals(List.of(2L, 2L), kept.stream().map(VersionsView.Entry::size).toList());
        Path store = cluster.stateDir(1).resolve("versions/data");
        try (Stream<Path> files = Files.list(store)) {
            assertEquals(4, files.count(), "content and sidecar of each kept version, nothing else");
        }

        // the versions directory becomes unusable: the next apply goes on without its version
        try (Stream<Path> files = Files.list(store)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(store);
        Files.writeString(store, "not a directory");
        Files.writeString(a, "v5");
        await(T, () -> "v5".equals(read(b)), () -> "n1 applies v5 although it cannot keep v4");
        StatusView.Versions status = control(1).status().folders().get(0).versions();
        assertEquals(1, status.failed(), status.toString());
    }

    private static void assertNoVersionFilesIn(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            List<Path> extra = all.filter(p -> !p.equals(folder) && !p.getFileName().toString().equals("notes.txt")).toList();
            assertFalse(extra.stream().anyMatch(p -> !p.getFileName().toString().startsWith(".syncnode")), extra.toString());
        }
    }
}
