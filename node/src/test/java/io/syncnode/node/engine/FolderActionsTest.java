package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncnode.config.FolderAction;
import io.syncnode.node.control.StatusView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FolderActions} alone, with a real scheduler and real scripts: what its pattern, do-local
 * and one-run-at-a-time rules do, without a cluster.
 */
class FolderActionsTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private FolderActions actions;

    @AfterEach
    void stop() {
        if (actions != null) {
            actions.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void changesDuringARunCauseExactlyOneMoreRun() throws Exception {
        Path runs = tmp.resolve("runs");
        Path release = tmp.resolve("release");
        // each run notes its paths, then waits until the test releases it
        Path script = script("echo \"$SYNCNODE_PATH_COUNT:$(echo \"$SYNCNODE_PATHS\" | tr '\\n' ' ')\" >> \"$1\"\n"
                + "while [ ! -e \"$2\" ]; do sleep 0.02; done\n");
        actions = actions(new FolderAction(List.of("etc/**"), List.of(script.toString(), runs.toString(),
                release.toString()), false, Duration.ofMillis(50), Duration.ofSeconds(30)));
        actions.remoteChanged("etc/a", false);
        await(T, () -> lines(runs).size() == 1 && status().running(), () -> "first run under way: " + lines(runs));
        actions.remoteChanged("etc/b", false);
        actions.remoteChanged("etc/c", false);
        actions.remoteChanged("etc/b", false);
        actions.remoteChanged("var/x", false);
        Files.createFile(release);
        await(T, () -> status().runs() == 2 && !status().pending() && !status().running(),
                () -> "second run done: " + status());
        assertEquals(List.of("1:etc/a  ", "2:etc/b etc/c  "), lines(runs));
    }

    @Test
    void localChangesRunOnlyDoLocalActionsAndPatternsFollowTheIgnoreSyntax() throws Exception {
        Path remoteOnly = tmp.resolve("remote-only");
        Path withLocal = tmp.resolve("with-local");
        Path script = script("echo \"$SYNCNODE_PATHS\" | head -n 1 >> \"$1\"\n");
        actions = actions(
                new FolderAction(List.of("*.conf", "!skip.conf"), List.of(script.toString(), remoteOnly.toString()),
                        false, Duration.ZERO, Duration.ofSeconds(30)),
                new FolderAction(List.of("*.conf"), List.of(script.toString(), withLocal.toString()), true,
                        Duration.ZERO, Duration.ofSeconds(30)));
        actions.localChanged("sites/a.conf", false);
        await(T, () -> lines(withLocal).equals(List.of("sites/a.conf")) && idle(), () -> "do-local run");
        actions.remoteChanged("skip.conf", false);
        await(T, () -> lines(withLocal).size() == 2 && idle(), () -> "remote run");
        actions.remoteChanged("deep/b.conf", false);
        await(T, () -> lines(withLocal).size() == 3 && lines(remoteOnly).size() == 1 && idle(), () -> "remote runs");
        assertEquals(List.of("deep/b.conf"), lines(remoteOnly), "local a.conf and the excluded skip.conf did not run it");
    }

    private FolderActions actions(FolderAction... list) {
        return new FolderActions("f", tmp, List.of(list), tmp.resolve("work"), scheduler, System::nanoTime);
    }

    private StatusView.ActionStatus status() {
        return actions.status().get(0);
    }

    private boolean idle() {
        return actions.status().stream().noneMatch(s -> s.pending() || s.running());
    }

    private Path script(String body) throws IOException {
        Path p = Files.createTempFile(tmp, "action", ".sh");
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
