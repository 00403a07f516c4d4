package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The argument handling of {@code scripts/lxc/syncnode-hook}: run as LXC runs it (hook version 0:
 * NAME SECTION TYPE appended to the hook line; version 1: LXC_NAME and LXC_HOOK_TYPE) against a
 * stub {@code syncnode} that records its argument vectors and answers with chosen exit codes. What
 * the real verbs do is tested on the node; this checks which verbs the hook asks for, and how it
 * treats their failures.
 */
class LxcHookScriptTest {
    /** surefire runs with the node module as working directory. */
    private static final Path HOOK = Path.of("..", "scripts", "lxc", "syncnode-hook").toAbsolutePath().normalize();
    private static final String DEFAULT_CONFIG = "/etc/syncnode/node.toml";

    @TempDir
    Path dir;
    Path calls;
    final Map<String, String> env = new TreeMap<>();

    /** One run: exit code, stderr, and the syncnode command lines it ran (without "syncnode"). */
    record Result(int code, String err, List<String> calls) {
    }

    @BeforeEach
    void stub() throws IOException {
        calls = dir.resolve("calls");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path stub = bin.resolve("syncnode");
        // answers like the real CLI: one line on stdout, or "syncnode: ..." on stderr and STUB_<VERB>_RC
        Files.writeString(stub, String.join("\n",
                "#!/bin/bash",
                "printf '%s\\n' \"$*\" >> \"$STUB_CALLS\"",
                "verb=$1",
                "var=\"STUB_${verb^^}_RC\"",
                "if [ -n \"${!var:-}\" ]; then",
                "    echo \"syncnode: $verb failed as told\" >&2",
                "    exit \"${!var}\"",
                "fi",
                "out=\"STUB_${verb^^}_OUT\"",
                "echo \"${!out:-$verb done}\"",
                ""));
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("STUB_CALLS", calls.toString());
        env.put("SYNCNODE_LXC_SYSLOG", "0");
    }

    private Result hook(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(HOOK)) {
            fail(HOOK + " is missing or not executable");
        }
        List<String> argv = new ArrayList<>(List.of(HOOK.toString()));
        argv.addAll(List.of(args));
        Path err = dir.resolve("stderr");
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(new File("/dev/null"))
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(err.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Files.deleteIfExists(calls);
        Process p = builder.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the hook did not finish within 30 s");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertFalse(stderr.contains("\tat ") || stderr.contains("Exception"), stderr);
        List<String> ran = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
        return new Result(p.exitValue(), stderr, ran);
    }

    @ParameterizedTest(name = "{0} resumes the folder, then syncs it")
    @ValueSource(strings = {"pre-start", "start-host"})
    void startSideResumesThenSyncs(String type) throws Exception {
        Result r = hook("ct101", "lxc", type);
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("resume -c " + DEFAULT_CONFIG + " ct101",
                "sync -c " + DEFAULT_CONFIG + " --folder ct101 --timeout 60s"), r.calls());
        assertTrue(r.err().contains("syncnode-hook: ct101: resume done"), r.err());
    }

    @Test
    void postStopRescansByPauseAndResumeThenSyncs() throws Exception {
        Result r = hook("ct101", "lxc", "post-stop");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("pause -c " + DEFAULT_CONFIG + " ct101", "resume -c " + DEFAULT_CONFIG + " ct101",
                "sync -c " + DEFAULT_CONFIG + " --folder ct101 --timeout 60s"), r.calls());
    }

    @Test
    void hookLineOptionsComeBeforeLxcsArguments() throws Exception {
        Result r = hook("-c", "/etc/syncnode/alpha.toml", "--folder", "web-root", "--timeout", "5s", "web", "lxc",
                "pre-start");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("resume -c /etc/syncnode/alpha.toml web-root",
                "sync -c /etc/syncnode/alpha.toml --folder web-root --timeout 5s"), r.calls());
    }

    @Test
    void hookVersionOnePassesNameAndTypeInTheEnvironment() throws Exception {
        env.put("LXC_NAME", "ct102");
        env.put("LXC_HOOK_TYPE", "post-stop");
        env.put("SYNCNODE_CONFIG", "/srv/node.toml");
        env.put("SYNCNODE_LXC_TIMEOUT", "2m");
        Result r = hook("--config=/srv/other.toml");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("pause -c /srv/other.toml ct102", "resume -c /srv/other.toml ct102",
                "sync -c /srv/other.toml --folder ct102 --timeout 2m"), r.calls());
        env.put("SYNCNODE_FOLDER", "shared");
        assertEquals("resume -c /srv/node.toml shared", hook().calls().get(1));
    }

    @Test
    void aSyncThatDoesNotFinishIsAWarningUnlessStrict() throws Exception {
        env.put("STUB_SYNC_RC", "3");
        Result start = hook("ct101", "lxc", "pre-start");
        assertEquals(0, start.code(), "a failover start must not wait for dead peers: " + start.err());
        assertTrue(start.err().contains("warning: sync of folder ct101 did not finish (exit 3): sync failed as told."
                + " Starting ct101 anyway"), start.err());
        Result stop = hook("ct101", "lxc", "post-stop");
        assertEquals(0, stop.code(), stop.err());
        assertTrue(stop.err().contains("do not start ct101 elsewhere before `syncnode sync -c " + DEFAULT_CONFIG
                + " --folder ct101` succeeds here"), stop.err());

        Result strict = hook("--strict", "ct101", "lxc", "pre-start");
        assertEquals(1, strict.code(), strict.err());
        assertTrue(strict.err().contains("failing the hook (--strict)"), strict.err());
        assertEquals("sync -c " + DEFAULT_CONFIG + " --folder ct101 --timeout 60s --all-peers", strict.calls().get(1),
                "--strict waits on absent peers too");
        env.put("SYNCNODE_LXC_STRICT", "1");
        assertEquals(1, hook("ct101", "lxc", "post-stop").code());
    }

    @Test
    void absentPeersThatSyncSkippedAreAWarning() throws Exception {
        env.put("STUB_SYNC_OUT", "in sync: nothing dirty remains toward the members in ct101;"
                + " skipped absent peers: n3 (12 dirty paths)");
        Result start = hook("ct101", "lxc", "pre-start");
        assertEquals(0, start.code(), start.err());
        assertTrue(start.err().contains("syncnode-hook: ct101: warning: in sync: nothing dirty remains toward the"
                + " members in ct101; skipped absent peers: n3 (12 dirty paths). Starting ct101 anyway"), start.err());
        Result stop = hook("ct101", "lxc", "post-stop");
        assertEquals(0, stop.code(), stop.err());
        assertTrue(stop.err().contains("skipped absent peers: n3 (12 dirty paths). Not every node has ct101's last"
                + " changes"), stop.err());
    }

    @Test
    void aFolderThatCannotBeResumedStopsTheStartSayingWhy() throws Exception {
        env.put("STUB_RESUME_RC", "1");
        Result r = hook("ct101", "lxc", "pre-start");
        assertEquals(1, r.code());
        assertEquals(List.of("resume -c " + DEFAULT_CONFIG + " ct101"), r.calls(), "no sync after a failed resume");
        assertTrue(r.err().contains("cannot resume folder ct101 (exit 1): resume failed as told; not starting ct101"),
                r.err());
        env.put("STUB_RESUME_RC", "2"); // e.g. no folder named after the container in the node's config
        assertEquals(1, hook("ct101", "lxc", "post-stop").code());
    }

    @Test
    void theStartHookRunsInsideTheContainerAndIsRefused() throws Exception {
        Result r = hook("ct101", "lxc", "start");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("lxc.hook.start runs inside the container") && r.err().contains("lxc.hook.pre-start"),
                r.err());
        assertEquals(List.of(), r.calls());
    }

    @Test
    void usageErrors() throws Exception {
        assertEquals(2, hook().code(), "no container name");
        assertTrue(hook().err().contains("no container name"));
        assertEquals(2, hook("ct101", "lxc", "clone").code(), "a hook type it does not handle");
        assertEquals(2, hook("--bogus", "ct101", "lxc", "pre-start").code());
        assertEquals(2, hook("--folder").code());
        env.put("SYNCNODE_LXC_STRICT", "yes");
        assertEquals(2, hook("ct101", "lxc", "pre-start").code());
        assertEquals(List.of(), hook("ct101", "lxc", "pre-start").calls());
    }

    @Test
    void findsTheLauncherNextToItWhenSyncnodeIsNotOnPath() throws Exception {
        env.put("PATH", "/usr/bin:/bin");
        env.remove("SYNCNODE");
        Result r = hook("ct101", "lxc", "pre-start");
        // scripts/syncnode is found; without a built jar it fails cleanly, which stops the start
        assertTrue(r.code() == 0 || r.err().contains("cannot resume folder ct101"), r.err());
        env.put("SYNCNODE", dir.resolve("bin/syncnode").toString());
        assertEquals(0, hook("ct101", "lxc", "pre-start").code());
    }
}
