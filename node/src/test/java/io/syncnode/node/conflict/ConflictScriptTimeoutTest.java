package io.syncnode.node.conflict;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conflict script's timeout holds whatever the script does, also when it hangs with its output
 * open; and nothing it started outlives the run: at the timeout the script and every process it
 * started are killed, and after an answer whatever it left running is (their pids, written by the
 * script, are gone).
 */
class ConflictScriptTimeoutTest {
    @TempDir
    Path root;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "hangs with its output open: sleep 600 & echo $! > \"$SYNCNODE_ROOT/child\"; wait",
            "hangs in a subshell: (sleep 600 & echo $! > \"$SYNCNODE_ROOT/child\"; wait)"})
    void theTimeoutHoldsAndEverythingTheScriptStartedIsKilled(String script) throws Exception {
        ScriptAnswer answer = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run(script),
                "the run ends near its 1 s timeout");

        assertInstanceOf(ScriptAnswer.Failed.class, answer);
        assertTrue(((ScriptAnswer.Failed) answer).reason().contains("timed out after 1 s"), answer.toString());
        assertKilled();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "a child: sleep 600 & echo $! > \"$SYNCNODE_ROOT/child\"; echo local",
            "a grandchild: (sleep 600 & echo $! > \"$SYNCNODE_ROOT/child\"); echo local"})
    void whatAScriptThatAnsweredLeftRunningIsKilled(String script) throws Exception {
        ScriptAnswer answer = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run(script));

        assertInstanceOf(ScriptAnswer.KeepLocal.class, answer, () -> "its answer counts: " + answer);
        assertKilled();
    }

    private ScriptAnswer run(String script) throws Exception {
        Path exe = root.resolve("resolve.sh");
        Files.writeString(exe, "#!/bin/sh\n" + script.substring(script.indexOf(':') + 2) + "\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        ConflictScript s = new ConflictScript(exe, Duration.ofSeconds(1));
        return s.run(new ConflictScript.Context("web", root, "a.txt", root.resolve("a.txt"), root.resolve("b.txt"),
                "n1", "n2", 1L, 2L, root.resolve("out"), "file"));
    }

    private void assertKilled() throws Exception {
        long child = Long.parseLong(Files.readString(root.resolve("child")).strip());
        await(Duration.ofSeconds(10), () -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true),
                "the script's sleep (pid " + child + ") is gone");
    }
}
