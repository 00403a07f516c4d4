package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncnode.node.cli.TestConfigs.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config check}: the CLI in this JVM on real files in a temporary directory. */
class ConfigCheckTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;
    Path folder;
    Path script;

    @BeforeEach
    void layout() throws IOException {
        folder = Files.createDirectories(dir.resolve("ct101"));
        Files.createDirectories(dir.resolve("state"));
        script = Files.writeString(dir.resolve("resolve"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A valid file whose paths exist; {@code folderExtra} is appended to its only [[folder]]. */
    private String good(String bind, String folderExtra) {
        return """
                [node]
                name = "alpha"
                state-dir = "%s"

                [cluster]
                name = "lxc-ha"
                bind = "%s"
                insecure = true

                [[folder]]
                name = "ct101"
                path = "%s"
                """.formatted(dir.resolve("state"), bind, folder) + folderExtra;
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private Run cli(Map<String, String> env, String... args) {
        return TestConfigs.run((out, err) -> new Invocation(out, err, file -> {
            throw new AssertionError("config check reads the file itself");
        }, c -> {
            throw new AssertionError("config check starts no node");
        }, action -> { }, env), args);
    }

    private Run cli(String... args) {
        return cli(Map.of(), args);
    }

    private static void assertNoStackTrace(Run run) {
        String all = run.out() + run.err();
        assertFalse(all.contains("Exception") || all.contains("\tat "), all);
    }

    @Test
    void goodFileIsOk() throws IOException {
        Path file = write("node.toml", good("127.0.0.1:7800", "script = \"" + script + "\"\n"));
        Run run = cli("config", "check", file.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        assertEquals(file + ": ok (node alpha, 1 folder)" + NL, run.out());
        assertEquals("", run.err());
    }

    @Test
    void everyProblemIsListedWithItsLineThenTheCount() throws IOException {
        Path file = write("node.toml", good("127.0.0.1:7800", """
                settle = "soon"

                [[folder]]
                name = "etc"
                path = "%s"
                conflict = "script"
                script = "%s"
                colour = "red"
                """.formatted(dir.resolve("missing"), script)).replace("[cluster]", "[cluster]\nbnid = \"x\""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        Run run = cli("config", "check", file.toString());
        assertEquals(2, run.code(), run.out() + run.err());
        assertEquals(List.of(
                file + ":6: cluster.bnid: unknown key; expected one of [bind, credentials, insecure, max-receive, "
                        + "max-send, multicast, name, peers, revoked, tombstone-retention, transport]",
                file + ":14: folder[0].settle: \"soon\": expected a duration such as 20ms, 5s, 1h",
                file + ":18: folder[1].path: \"" + dir.resolve("missing") + "\" does not exist; create the directory "
                        + "or correct the path",
                file + ":20: folder[1].script: \"" + script + "\" is not executable; chmod +x it",
                file + ":21: folder[1].colour: unknown key; expected one of [accept, action, conflict, conflict-scope, "
                        + "delete-conflict, ignore, max-conflict-copies, min-free, name, nodes, path, priority, rescan, "
                        + "script, settle, type, versions, versions-keep, versions-max-age, versions-max-size]",
                "5 problems"), List.of(run.out().split(NL)));
        assertEquals("", run.err());
        assertNoStackTrace(run);
    }

    @Test
    void bindAddressNotOfThisMachineIsAProblem() throws IOException {
        Path file = write("node.toml", good("192.0.2.1:7800", "")); // TEST-NET-1: never an address of this host
        Run run = cli("config", "check", file.toString());
        assertEquals(2, run.code(), run.out());
        assertTrue(run.out().startsWith(file + ":7: cluster.bind: \"192.0.2.1\" is not an address of this machine;"
                + " its addresses are "), run.out());
        assertTrue(run.out().endsWith(NL + "1 problem" + NL), run.out());
        assertNoStackTrace(run);
    }

    @Test
    void wildcardAndLocalHostNameBindsAreOk() throws IOException {
        for (String bind : List.of("0.0.0.0:7800", "localhost:7800", "[::1]:7800")) {
            Path file = write("node.toml", good(bind, ""));
            Run run = cli("config", "check", file.toString());
            assertEquals(0, run.code(), bind + ": " + run.out());
        }
    }

    @Test
    void missingCredentialsAndUnmakeableStateDirAreProblems() throws IOException {
        Path blocker = Files.writeString(dir.resolve("a-file"), "");
        Path file = write("node.toml", good("127.0.0.1", "")
                .replace("insecure = true", "credentials = \"" + dir.resolve("creds") + "\"")
                .replace(dir.resolve("state").toString(), blocker.resolve("state").toString()));
        Run run = cli("config", "check", file.toString());
        assertEquals(2, run.code(), run.out());
        String[] lines = run.out().split(NL);
        assertEquals(3, lines.length, run.out());
        assertTrue(lines[0].startsWith(file + ":3: node.state-dir: \"" + blocker.resolve("state")
                + "\" does not exist and \"" + blocker + "\" is not a directory"), lines[0]);
        assertTrue(lines[1].startsWith(file + ":8: cluster.credentials: " + dir.resolve("creds")
                + " is not a directory of node credentials"), lines[1]);
        assertNoStackTrace(run);
    }

    @Test
    void syntaxErrorIsOneProblem() throws IOException {
        Path file = write("node.toml", "[node\nname = 1\n");
        Run run = cli("config", "check", file.toString());
        assertEquals(2, run.code());
        assertTrue(run.out().startsWith(file + ":1: TOML syntax error"), run.out());
        assertTrue(run.out().endsWith(NL + "1 problem" + NL), run.out());
        assertNoStackTrace(run);
    }

    @Test
    void fileComesFromTheArgumentElseDashCElseTheEnvironment() throws IOException {
        Path file = write("node.toml", good("127.0.0.1", ""));
        String ok = file + ": ok (node alpha, 1 folder)" + NL;
        assertEquals(ok, cli("config", "check", "-c", file.toString()).out());
        assertEquals(ok, cli(Map.of(ConfigOption.ENV, file.toString()), "config", "check").out());
        assertEquals(ok, cli("config", "check", "-c", file.toString(), file.toString()).out());
        Run both = cli("config", "check", "-c", file.toString(), dir.resolve("other.toml").toString());
        assertEquals(2, both.code());
        assertTrue(both.err().startsWith("syncnode: FILE (" + dir.resolve("other.toml") + ") and -c (" + file
                + ") name different files"), both.err());
    }

    @Test
    void missingFileIsAProblem() {
        Path missing = dir.resolve("nope.toml");
        Run run = cli("config", "check", missing.toString());
        assertEquals(2, run.code());
        assertEquals(missing + ": file not found" + NL + "1 problem" + NL, run.out());
    }

    @Test
    void jsonListsTheProblems() throws IOException {
        Path file = write("node.toml", good("127.0.0.1", "settle = \"soon\"\n"));
        Run run = cli("config", "check", "--json", file.toString());
        assertEquals(2, run.code());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(file.toString(), json.get("file").asText());
        assertFalse(json.get("ok").asBoolean());
        assertEquals("alpha", json.get("node").asText());
        assertEquals(0, json.get("folders").asInt());
        JsonNode p = json.get("problems").get(0);
        assertEquals(List.of(file.toString(), "13", "folder[0].settle"),
                List.of(p.get("file").asText(), p.get("line").asText(), p.get("key").asText()));
        assertTrue(p.get("reason").asText().contains("expected a duration"));

        Run ok = cli("config", "check", "--json", write("ok.toml", good("127.0.0.1", "")).toString());
        assertEquals(0, ok.code());
        assertTrue(new ObjectMapper().readTree(ok.out()).get("ok").asBoolean());
    }

    @Test
    void configWithoutVerbIsAUsageError() {
        Run run = cli("config");
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("syncnode: missing verb: check"), run.err());
    }
}
