package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.ConfigLoader;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.ReloadView;
import io.syncnode.node.control.StatusView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: {@code reload} (and SIGHUP) adds, removes and restarts folders on a running 3-node
 * cluster without a restart; folders whose table did not change go on untouched (no rescan); a
 * configuration that does not load is refused and the running one stays. Real inotify, SQLite and
 * JGroups (SHARED_LOOPBACK); each node re-reads a TOML file as an operator would edit it.
 */
class LiveReloadTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private LocalCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(tmp, 3, List.of());
        for (int i = 0; i < 3; i++) {
            writeToml(i, "", "10ms");
        }
        cluster.startAll(T);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private ControlHandler control(int i) {
        return cluster.node(i).controlHandler();
    }

    private Path extra(int i) {
        return tmp.resolve("n" + i + "/extra");
    }

    /** Node i's config file: its running "data" folder (settle as given), then {@code more} TOML. */
    private void writeToml(int i, String more, String settle) throws Exception {
        writeToml(i, more, settle, "");
    }

    /** As above, with {@code clusterMore} at the end of the {@code [cluster]} table. */
    private void writeToml(int i, String more, String settle, String clusterMore) throws Exception {
        SyncnodeConfig cfg = cluster.configs.get(i);
        FolderConfig f = cfg.folders().get(0);
        Files.writeString(cfg.file(), """
                [node]
                name = "%s"
                state-dir = "%s"

                [cluster]
                name = "%s"
                transport = "udp"
                bind = "127.0.0.1:7800"
                %s

                [[folder]]
                name = "data"
                path = "%s"
                settle = "%s"
                max-conflict-copies = %d
                %s
                """.formatted(cfg.node().name(), cfg.node().stateDir(), cfg.cluster().name(), clusterMore, f.path(), settle,
                f.maxConflictCopies(), more));
    }

    private String extraFolder(int i) throws Exception {
        Files.createDirectories(extra(i));
        return """
                [[folder]]
                name = "extra"
                path = "%s"
                settle = "10ms"
                """.formatted(extra(i));
    }

    private List<String> folderNames(int i) {
        return control(i).status().folders().stream().map(StatusView.FolderStatus::name).toList();
    }

    @Test
    void aFolderAddedAndRemovedByReloadStartsAndStopsWhileTheOthersGoOnUntouched() throws Exception {
        FolderConfig running = cluster.configs.get(0).folders().get(0);
        assertEquals(running, ConfigLoader.load(cluster.configs.get(0).file()).folders().get(0),
                "precondition: the file's data folder is the running one, so a reload leaves it alone");
        long rescansBefore = control(0).status().counters().rescans();
        for (int i = 0; i < 3; i++) {
            writeToml(i, extraFolder(i), "10ms");
            ReloadView r = control(i).reload();
            assertTrue(r.applied().contains("[[folder]] added: extra"), r.toString());
        }
        assertEquals(List.of("data", "extra"), folderNames(0));
        // only the new folder was scanned: the untouched one kept running without a rescan
        await(T, () -> control(0).status().counters().rescans() == rescansBefore + 1,
                () -> "one scan (extra's) on n0: " + control(0).status().counters());
        Files.writeString(extra(0).resolve("new.txt"), "into the folder the reload added");
        Files.writeString(cluster.dir(1).resolve("data.txt"), "the old folder still syncs");
        await(T, () -> Files.exists(extra(1).resolve("new.txt")) && Files.exists(extra(2).resolve("new.txt"))
                && Files.exists(cluster.dir(0).resolve("data.txt")), () -> "both folders sync on every node");
        assertEquals(rescansBefore + 1, control(0).status().counters().rescans(), "still no rescan of data");

        for (int i = 0; i < 3; i++) {
            writeToml(i, "", "10ms");
            ReloadView r = control(i).reload();
            assertEquals(List.of("[[folder]] removed: extra"), r.applied(), r.toString());
        }
        assertEquals(List.of("data"), folderNames(0));
        Files.writeString(extra(0).resolve("after.txt"), "written after the folder was removed");
        Files.writeString(cluster.dir(0).resolve("barrier.txt"), "data still syncs");
        await(T, () -> Files.exists(cluster.dir(1).resolve("barrier.txt")), () -> "data syncs after the removal");
        assertFalse(Files.exists(extra(1).resolve("after.txt")), "a removed folder is no longer watched or sent");
        assertTrue(Files.exists(extra(1).resolve("new.txt")), "its files stay where they are");
    }

    @Test
    void theTransferCapsAndTheTombstoneRetentionTakeEffectAtOnce() throws Exception {
        assertEquals(java.time.Duration.ofDays(30), cluster.node(0).tombstones().retention());
        writeToml(0, "", "10ms", "max-send = \"2MB/s\"\nmax-receive = \"3MiB/s\"\ntombstone-retention = \"36h\"");
        ReloadView r = control(0).reload();
        assertTrue(r.applied().contains("[cluster] max-send 2000000 bytes/s, max-receive 3145728 bytes/s"), r.toString());
        assertTrue(r.applied().contains("[cluster] tombstone-retention 36h"), r.toString());
        assertEquals(java.time.Duration.ofHours(36), cluster.node(0).tombstones().retention());
        Files.writeString(cluster.dir(0).resolve("capped.txt"), "still syncs under the caps");
        await(T, () -> Files.exists(cluster.dir(1).resolve("capped.txt")), () -> "n1 has the file");

        assertEquals(List.of(), control(0).reload().applied(), "the same file again: nothing to apply");
        writeToml(0, "", "10ms");
        r = control(0).reload();
        assertTrue(r.applied().contains("[cluster] max-send none, max-receive none"), r.toString());
        assertTrue(r.applied().contains("[cluster] tombstone-retention 30d"), r.toString());
        assertEquals(java.time.Duration.ofDays(30), cluster.node(0).tombstones().retention());
    }

    @Test
    void aChangedFolderRestartsWithItsNewTableAndABadFileIsRefused() throws Exception {
        Object before = cluster.node(0).router();
        writeToml(0, "", "200ms");
        ReloadView r = control(0).reload();
        assertEquals(List.of("[[folder]] changed, restarted with a rescan: data"), r.applied(), r.toString());
        Files.writeString(cluster.dir(0).resolve("after-restart.txt"), "the restarted folder watches and sends");
        await(T, () -> Files.exists(cluster.dir(1).resolve("after-restart.txt")), () -> "n1 has n0's new file");

        Files.writeString(cluster.configs.get(0).file(), "[node]\nname = \"n0\"\nbogus = 1\n");
        ControlHandler.ControlException e = assertThrows(ControlHandler.ControlException.class, () -> control(0).reload());
        assertTrue(e.getMessage().startsWith("the configuration is refused and the running one stays"), e.getMessage());
        assertEquals(List.of("data"), folderNames(0));
        assertSame(before, cluster.node(0).router(), "the same node runs on");
        Files.writeString(cluster.dir(2).resolve("still.txt"), "still syncing");
        await(T, () -> Files.exists(cluster.dir(0).resolve("still.txt")), () -> "n0 still receives");
    }
}
