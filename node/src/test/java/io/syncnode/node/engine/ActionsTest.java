package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.FolderAction;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.control.StatusView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Post-sync actions ({@code [[folder.action]]}) on real nodes (real inotify, SQLite, JGroups over
 * SHARED_LOOPBACK) running real shell scripts: each script appends one line per run to a file, so
 * the runs are counted on disk as well as by {@code status}.
 */
class ActionsTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    LocalCluster cluster;
    private final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
    /** The engine's reports and the process runner's output lines. */
    private final List<Logger> actionLogs = List.of(Logger.getLogger(FolderActions.class.getName()),
            Logger.getLogger(io.syncnode.node.action.ActionProcess.class.getName()));
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        actionLogs.forEach(l -> l.addHandler(capture));
    }

    @AfterEach
    void stop() {
        actionLogs.forEach(l -> l.removeHandler(capture));
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anActionFiresOnceForABurst() throws Exception {
        Path script = script("count.sh", "echo \"$SYNCNODE_PATH_COUNT $SYNCNODE_FOLDER\" >> \"$1\"\n"
                + "echo \"reloading for $SYNCNODE_PATH_COUNT paths\"\n");
        Path runs0 = tmp.resolve("runs-n0");
        Path runs1 = tmp.resolve("runs-n1");
        start(List.of(action(script, runs0, false, "1s", "60s")), List.of(action(script, runs1, false, "1s", "60s")));
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        Files.createDirectories(a.resolve("etc/nginx"));
        await(T, () -> Files.isDirectory(b.resolve("etc/nginx")), "etc/nginx on n1");
        for (int i = 0; i < 50; i++) {
            Files.writeString(a.resolve("etc/nginx/site" + i + ".conf"), "server " + i + ";\n");
        }
        await(T, () -> lines(runs1).size() == 1, () -> "one run on n1, have " + lines(runs1));
        assertEquals(50, count(b.resolve("etc/nginx")), "every file of the burst was applied before the run");
        assertEquals(List.of("50 data"), lines(runs1), "one run for the whole burst, with its 50 paths");

        Files.writeString(a.resolve("unrelated.txt"), "does not match etc/nginx/**");
        awaitQuiet(b.resolve("unrelated.txt"));
        assertEquals(List.of("50 data"), lines(runs1), "neither a second run for the burst nor one for unrelated.txt");
        StatusView.ActionStatus s1 = action(1);
        assertEquals(1, s1.runs(), s1.toString());
        assertEquals(0, s1.failed(), s1.toString());
        assertFalse(Files.exists(runs0), "do-local = false: no run on the writing node");
        assertEquals(0, action(0).runs());
        assertTrue(logged.stream().anyMatch(r -> r.getLevel() == Level.INFO
                        && r.getMessage().equals("data action[0] (count.sh): reloading for 50 paths")),
                () -> "the action's output is in the log: " + messages());
    }

    @Test
    void doLocalRunsAfterTheNodesOwnChanges() throws Exception {
        Path script = script("count.sh", "echo \"$SYNCNODE_PATHS\" >> \"$1\"\n");
        Path runs0 = tmp.resolve("runs-n0");
        Path runs1 = tmp.resolve("runs-n1");
        start(List.of(action(script, runs0, true, "300ms", "60s")), List.of(action(script, runs1, false, "300ms", "60s")));
        Files.createDirectories(cluster.dir(0).resolve("etc/nginx"));
        Files.writeString(cluster.dir(0).resolve("etc/nginx/a.conf"), "a");
        await(T, () -> lines(runs0).contains("etc/nginx/a.conf"), () -> "a run on n0 (do-local), have " + lines(runs0));
        await(T, () -> lines(runs1).contains("etc/nginx/a.conf"), () -> "a run on n1 (remote), have " + lines(runs1));
        Files.writeString(cluster.dir(1).resolve("etc/nginx/b.conf"), "b");
        await(T, () -> lines(runs0).contains("etc/nginx/b.conf"), () -> "n1's change runs n0's action, have "
                + lines(runs0));
        awaitQuiet(cluster.dir(0).resolve("etc/nginx/b.conf"));
        assertFalse(lines(runs1).contains("etc/nginx/b.conf"), "do-local = false: n1's own change ran its action");
    }

    @Test
    void aFailingActionIsReportedOnceAndNotRerun() throws Exception {
        Path script = script("fail.sh", "echo run >> \"$1\"\necho \"broken config\" >&2\nexit 3\n");
        Path runs1 = tmp.resolve("runs-n1");
        start(List.of(), List.of(action(script, runs1, false, "300ms", "60s")));
        Files.createDirectories(cluster.dir(0).resolve("etc/nginx"));
        Files.writeString(cluster.dir(0).resolve("etc/nginx/a.conf"), "a");
        await(T, () -> action(1).failed() == 1, () -> "a failed run, have " + action(1));
        Files.writeString(cluster.dir(0).resolve("unrelated.txt"), "x");
        awaitQuiet(cluster.dir(1).resolve("unrelated.txt"));
        assertEquals(List.of("run"), lines(runs1), "run once, never retried");
        assertEquals(1, action(1).runs());
        assertEquals(1, warnings("exited with status 3"), "reported once: " + messages());
        assertEquals(1, warnings("(fail.sh): broken config"), "its stderr is in the log: " + messages());
    }

    @Test
    void aHangingActionIsKilledWithItsProcessGroupAtItsTimeout() throws Exception {
        Path pids = tmp.resolve("pids");
        Path script = script("hang.sh", "echo $$ >> \"$1\"\nsleep 600 &\necho $! >> \"$1\"\nwait\n");
        start(List.of(), List.of(action(script, pids, false, "100ms", "1s")));
        Files.createDirectories(cluster.dir(0).resolve("etc/nginx"));
        Files.writeString(cluster.dir(0).resolve("etc/nginx/a.conf"), "a");
        await(T, () -> lines(pids).size() == 2, () -> "the action and its child started, have " + lines(pids));
        List<ProcessHandle> started = lines(pids).stream().map(p -> ProcessHandle.of(Long.parseLong(p)).orElse(null))
                .toList();
        await(T, () -> action(1).failed() == 1, () -> "the timeout reported, have " + action(1));
        await(T, () -> started.stream().allMatch(h -> h == null || !h.isAlive()),
                () -> "the action and its sleep killed: " + started);
        assertEquals(1, warnings("still running after its timeout of 1000 ms"), messages().toString());
    }

    // ------------------------------------------------------------------ helpers

    private void start(List<FolderAction> n0, List<FolderAction> n1) throws Exception {
        cluster = new LocalCluster(tmp.resolve("cluster"), 2, List.of());
        withActions(0, n0);
        withActions(1, n1);
        cluster.startAll(T);
    }

    private void withActions(int i, List<FolderAction> actions) {
        SyncnodeConfig c = cluster.configs.get(i);
        FolderConfig f = c.folders().get(0);
        cluster.configs.set(i, new SyncnodeConfig(c.file(), c.node(), c.cluster(), List.of(new FolderConfig(f.name(),
                f.path(), f.ignore(), f.conflict(), f.deleteConflict(), f.conflictScope(), f.maxConflictCopies(),
                f.priority(), f.script(), f.settle(), f.rescan(), f.nodes(), f.minFree(), actions))));
    }

    private static FolderAction action(Path script, Path out, boolean doLocal, String debounce, String timeout) {
        return new FolderAction(List.of("etc/nginx/**"), List.of(script.toString(), out.toString()), doLocal,
                duration(debounce), duration(timeout));
    }

    private static Duration duration(String s) {
        return s.endsWith("ms") ? Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)))
                : Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
    }

    private Path script(String name, String body) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /**
     * Waits until {@code marker} (a change written after the ones under test) is on the other
     * node, nothing is dirty on either node, and no action of either node has a run pending or
     * under way: every change before the marker had reached the actions by then, so a run they
     * asked for would have happened.
     */
    private void awaitQuiet(Path marker) {
        await(T, () -> Files.exists(marker), () -> marker + " applied");
        await(T, () -> cluster.node(0).controlHandler().dirty(null).isEmpty()
                && cluster.node(1).controlHandler().dirty(null).isEmpty(), "nothing dirty");
        await(T, () -> idle(0) && idle(1), () -> "actions idle: " + statuses(0) + " " + statuses(1));
    }

    private List<StatusView.ActionStatus> statuses(int node) {
        return cluster.node(node).controlHandler().status().folders().get(0).actions();
    }

    private boolean idle(int node) {
        return statuses(node).stream().noneMatch(s -> s.pending() || s.running());
    }

    private StatusView.ActionStatus action(int node) {
        return statuses(node).get(0);
    }

    private long warnings(String part) {
        return messages().stream().filter(m -> m.contains(part)).count();
    }

    private List<String> messages() {
        synchronized (logged) {
            return logged.stream().map(LogRecord::getMessage).toList();
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long count(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }
}
