package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.cli.TestConfigs.Run;
import io.syncnode.node.control.ContentDiffView;
import io.syncnode.node.control.ControlServer;
import io.syncnode.node.control.DiffView;
import io.syncnode.node.control.FakeControlHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code syncnode diff} in this JVM against a real control socket served by a fake node: what it
 * asks, the line format, escaping of peer-supplied names and text, and the exit codes (0
 * identical, 5 different, 1 refused, 2 usage).
 */
class DiffCommandTest {
    private static final String NL = System.lineSeparator();
    static final DiffView.Side FILE_644 = new DiffView.Side("file", "0644", 0, 0, "2026-11-21T10:00:00Z", 12,
            "ab".repeat(32), null, 0, List.of());

    @TempDir
    Path dir;
    SyncnodeConfig config;
    String configFile;
    FakeControlHandler handler;
    ControlServer server;

    @BeforeEach
    void start() throws IOException {
        config = TestConfigs.alpha(dir);
        configFile = config.file().toString();
        handler = new FakeControlHandler();
        server = new ControlServer(config.controlSocket(), handler);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Run cli(String... args) {
        return TestConfigs.run((out, err) -> new Invocation(out, err, file -> config, c -> {
            throw new AssertionError("not started here");
        }, action -> { }), args);
    }

    private static DiffView.Side side(String type, String mode, int uid, long size) {
        return new DiffView.Side(type, mode, uid, uid, "2026-11-21T10:00:00Z", size, null, null, 0, List.of());
    }

    @Test
    void identicalExitsZeroAndSaysWhatWasCompared() {
        handler.diffView = new DiffView("alpha", List.of(new DiffView.Compared("ct101", "beta", 12, 12)), List.of());
        Run run = cli("diff", "-c", configFile);
        assertEquals(0, run.code(), run.err());
        assertEquals("identical: ct101 on alpha and beta (12 entries)" + NL, run.out());
        assertTrue(handler.calls.contains("diff null null []"), handler.calls.toString());
    }

    @Test
    void oneLinePerPathWithWhatDiffersPeerNamesEscapedExitFive() {
        handler.diffView = new DiffView("alpha", List.of(new DiffView.Compared("ct101", "beta", 3, 4)), List.of(
                new DiffView.Difference("ct101", "etc/hosts", "beta", List.of("content", "mtime"),
                        FILE_644, side("file", "0644", 0, 15)),
                new DiffView.Difference("ct101", "evil\u001b[2J", "beta", List.of("missing-here"), null,
                        side("file", "0644", 0, 1)),
                new DiffView.Difference("ct101", "gone", "beta", List.of("missing-there"), FILE_644, null),
                new DiffView.Difference("ct101", "key", "beta", List.of("mode", "owner"),
                        side("file", "0600", 0, 1), side("file", "0644", 1000, 1)),
                new DiffView.Difference("ct101", "x", "beta", List.of("type"), side("dir", "0755", 0, 0),
                        side("symlink", "0777", 0, 0)),
                new DiffView.Difference("ct101", "dev", "beta", List.of("device", "xattrs", "hard-link"),
                        new DiffView.Side("char", "0600", 0, 0, "t", 0, null, null, 0x0103, List.of()),
                        new DiffView.Side("char", "0600", 0, 0, "t", 0, null, null, 0x0104, List.of("user.a")))));
        Run run = cli("diff", "-c", configFile);
        assertEquals(5, run.code(), run.err());
        assertEquals(String.join(NL,
                "FOLDER  PATH         NODE  DIFFERS",
                "ct101   etc/hosts    beta  content (12 bytes here, 15 there); mtime",
                "ct101   evil\\x1b[2J  beta  missing here",
                "ct101   gone         beta  missing there",
                "ct101   key          beta  mode 0600 here, 0644 there; owner 0:0 here, 1000:1000 there",
                "ct101   x            beta  type dir here, symlink there",
                "ct101   dev          beta  device 1:3 here, 1:4 there; xattrs; hard link",
                "ct101: 6 paths differ between alpha (3 entries) and beta (4 entries)") + NL, run.out());
        assertEquals("", run.err());
    }

    @Test
    void theFirstArgumentIsANodeOnlyWhenItNamesAKnownPeer() {
        assertEquals(0, cli("diff", "-c", configFile, "beta").code());
        assertTrue(handler.calls.contains("diff null beta []"), handler.calls.toString());
        assertEquals(0, cli("diff", "-c", configFile, "--folder", "ct101", "beta", "etc/hosts", "rootfs").code());
        assertTrue(handler.calls.contains("diff ct101 beta [etc/hosts, rootfs]"), handler.calls.toString());
        assertEquals(0, cli("diff", "-c", configFile, "--folder", "ct101", "notapeer").code());
        assertTrue(handler.calls.contains("diff ct101 null [notapeer]"), handler.calls.toString());
        assertEquals(0, cli("diff", "-c", configFile, "--folder", "ct101", "./beta").code());
        assertTrue(handler.calls.contains("diff ct101 null [beta]"), handler.calls.toString());
        assertEquals(0, cli("diff", "-c", configFile, dir.resolve("etc/passwd").toString()).code());
        assertTrue(handler.calls.contains("diff etc null [passwd]"), handler.calls.toString());
        assertEquals(0, cli("diff", "-c", configFile, "--folder", "etc").code());
        assertTrue(handler.calls.contains("diff etc null []"), handler.calls.toString());
    }

    @Test
    void aFirstArgumentThatIsNeitherPeerNorPathIsAUsageErrorAndPathsMatchingNothingGetANote() {
        Run typo = cli("diff", "-c", configFile, "bta");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("'bta' is neither a known peer (see `syncnode peers`) nor a path inside a"
                + " configured folder"), typo.err());
        handler.diffView = new DiffView("alpha", List.of(new DiffView.Compared("ct101", "beta", 0, 0)), List.of());
        Run nothing = cli("diff", "-c", configFile, "--folder", "ct101", "bta");
        assertEquals(0, nothing.code(), nothing.err());
        assertTrue(nothing.err().contains("note: no entry at bta on any side"), nothing.err());
        handler.diffView = new DiffView("alpha", List.of(new DiffView.Compared("ct101", "beta", 1, 1)), List.of());
        assertEquals("", cli("diff", "-c", configFile, "--folder", "ct101", "hosts").err());
    }

    @Test
    void jsonHasTheDocumentedKeysAndTheSameExitCode() throws IOException {
        handler.diffView = new DiffView("alpha", List.of(new DiffView.Compared("ct101", "beta", 3, 4)), List.of(
                new DiffView.Difference("ct101", "gone", "beta", List.of("missing-there"), FILE_644, null)));
        Run run = cli("diff", "-c", configFile, "--json");
        assertEquals(5, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("alpha", json.get("node").asText());
        assertEquals("beta", json.get("compared").get(0).get("peer").asText());
        JsonNode d = json.get("differences").get(0);
        assertEquals("[\"missing-there\"]", d.get("kinds").toString());
        assertEquals("gone", d.get("path").asText());
        assertTrue(d.get("there").isNull());
        assertEquals("0644", d.get("here").get("mode").asText());
    }

    @Test
    void aPeerThatCannotBeAskedIsAnErrorWithoutAStackTrace() {
        handler.refusal = "cannot compare folder ct101 with beta: no answer from beta within 30 s (page 0)";
        Run run = cli("diff", "-c", configFile, "beta");
        assertEquals(1, run.code());
        assertTrue(run.err().contains("no answer from beta within 30 s"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void contentPrintsAUnifiedDiffWithPeerTextEscaped() {
        handler.contentDiffs = List.of(new ContentDiffView("ct101", "etc/hosts", "beta",
                "127.0.0.1\tlocalhost\nkeep\n", "127.0.0.1\tlocalhost\u001b[2J\nkeep\n"));
        Run run = cli("diff", "-c", configFile, "--folder", "ct101", "--content", "etc/hosts", "beta");
        assertEquals(5, run.code(), run.err());
        assertTrue(handler.calls.contains("diff-content ct101 beta etc/hosts"), handler.calls.toString());
        assertEquals(String.join(NL,
                "--- alpha:ct101/etc/hosts",
                "+++ beta:ct101/etc/hosts",
                "@@ -1,2 +1,2 @@",
                "-127.0.0.1\tlocalhost",
                "+127.0.0.1\tlocalhost\\x1b[2J",
                " keep") + NL, run.out());
    }

    @Test
    void contentOfAFileMissingOnOneSideAndOfIdenticalFiles() {
        handler.contentDiffs = List.of(new ContentDiffView("ct101", "a", "beta", null, "x\n"));
        Run missing = cli("diff", "-c", configFile, "--folder", "ct101", "--content", "a");
        assertEquals(5, missing.code(), missing.err());
        assertEquals(String.join(NL, "--- alpha:ct101/a (missing)", "+++ beta:ct101/a", "@@ -0,0 +1 @@", "+x") + NL,
                missing.out());
        assertTrue(handler.calls.contains("diff-content ct101 null a"), handler.calls.toString());
        handler.contentDiffs = List.of(new ContentDiffView("ct101", "a", "beta", "x\n", "x\n"));
        Run same = cli("diff", "-c", configFile, "--folder", "ct101", "--content", "a");
        assertEquals(0, same.code(), same.err());
        assertEquals("", same.out());
    }

    @Test
    void contentRefusalsAndUsageErrors() {
        handler.refusal = "bin on beta is a binary file (it holds NUL bytes); --content shows text files only";
        Run binary = cli("diff", "-c", configFile, "--folder", "ct101", "--content", "bin");
        assertEquals(1, binary.code());
        assertTrue(binary.err().contains("is a binary file"), binary.err());
        handler.refusal = null;
        Run two = cli("diff", "-c", configFile, "--folder", "ct101", "--content", "a", "b");
        assertEquals(2, two.code());
        assertTrue(two.err().contains("--content takes one PATH"), two.err());
        Run root = cli("diff", "-c", configFile, "--folder", "ct101", "--content", ".");
        assertEquals(2, root.code());
        assertTrue(root.err().contains("--content needs a file"), root.err());
        Run outside = cli("diff", "-c", configFile, "/nowhere/x");
        assertEquals(2, outside.code());
        assertTrue(outside.err().contains("not inside any configured folder"), outside.err());
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Run run = cli("diff", "--help");
        assertEquals(0, run.code());
        assertTrue(run.out().contains("5   diff: this node and a peer differ"), run.out());
        assertTrue(run.out().contains("5 when something differs"), run.out());
    }
}
