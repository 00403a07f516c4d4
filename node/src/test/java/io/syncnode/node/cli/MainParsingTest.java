package io.syncnode.node.cli;

import io.syncnode.node.wire.BuildInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.ConfigException;
import io.syncnode.node.cli.TestConfigs.Run;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class MainParsingTest {
    private final List<Runnable> shutdownActions = new ArrayList<>();

    private Invocation invocation(PrintStream out, PrintStream err) {
        return new Invocation(out, err, file -> {
            throw new ConfigException(file, 3, "node.name", "must match [a-z0-9][a-z0-9-]{0,31}");
        }, config -> {
            throw new AssertionError("no node is started while parsing");
        }, shutdownActions::add);
    }

    private Run run(String... args) {
        return TestConfigs.run(this::invocation, args);
    }

    /** The command object picocli filled for {@code args}. */
    @SuppressWarnings("unchecked")
    private <T> T parsed(String... args) {
        CommandLine commandLine = Main.commandLine(invocation(System.out, System.err));
        ParseResult result = commandLine.parseArgs(args);
        return (T) result.subcommand().commandSpec().userObject();
    }

    @ParameterizedTest(name = "{0} without -c reads $SYNCNODE_CONFIG or /etc/syncnode/node.toml")
    @ValueSource(strings = {"run", "status", "peers", "dirty", "sync", "check"})
    void withoutConfigTheDefaultFileIsUsed(String verb) {
        Run run = run(verb);
        assertEquals(2, run.code(), run.err());
        Path expected = new ConfigOption().path();
        assertTrue(run.err().startsWith("syncnode: " + expected + ":"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @ParameterizedTest(name = "{0} --help describes it as DESIGN.md does")
    @CsvSource(delimiter = '|', value = {
            "run     | run the node in the foreground until SIGTERM/SIGINT",
            "status  | node, cluster view (members), per folder: files, dirty, conflicts, problems",
            "peers   | members with address, last seen, dirty count toward each",
            "dirty   | list dirty entries: folder, path, peer, since",
            "sync    | push everything dirty now and wait until no dirty entry remains (exit 3 on timeout)",
            "check   | rescan now and mark what changed dirty",
            "accept-deletes | release a mass-delete halt",
            "revert  | bring a receive-only folder back to the cluster's version",
            "versions | list the kept versions of a replaced or deleted file",
            "restore | bring back a kept version of a file; it becomes a new version that wins everywhere",
            "forget  | drop a retired peer everywhere it is remembered",
            "pause   | stop syncing one folder on this node (e.g. from LXC hooks)",
            "resume  | restart syncing one folder on this node (e.g. from LXC hooks)",
            "rekey   | replace this node's session keys now, and ask every member to replace theirs",
            "reload  | make the running node re-read its configuration file (as SIGHUP does)",
            "version | print the version",
            "config  | validate a config without a node (config check FILE)",
            "import-csync2 | write a syncnode config from a csync2.cfg",
    })
    void helpOnEveryVerb(String verb, String description) {
        Run run = run(verb, "--help");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().replaceAll("\\s+", " ").contains(description), run.out());
        assertTrue(run.out().contains("3   not converged before --timeout"), run.out());
    }

    @Test
    void topLevelHelpListsExactlyTheVerbsOfThisStage() {
        Run run = run("--help");
        assertEquals(0, run.code());
        for (String verb : List.of("run", "status", "peers", "dirty", "sync", "check", "diff", "accept-deletes",
                "revert", "override", "versions", "restore", "forget", "conflicts", "resolve", "pause", "resume", "rekey",
                "reload", "keygen", "import-csync2", "config", "version")) {
            assertTrue(run.out().contains("\n  " + verb + " "), verb + " missing from:\n" + run.out());
        }
    }

    @ParameterizedTest(name = "{0} needs FOLDER")
    @ValueSource(strings = {"pause", "resume"})
    void pauseAndResumeNeedFolder(String verb) {
        Run neither = run(verb);
        assertEquals(2, neither.code());
        assertTrue(neither.err().startsWith("syncnode: Missing required parameter: 'FOLDER'"), neither.err());
        Run noFolder = run(verb, "-c", "x.toml");
        assertEquals(2, noFolder.code());
        assertTrue(noFolder.err().startsWith("syncnode: Missing required parameter: 'FOLDER'"), noFolder.err());
        assertTrue(noFolder.err().contains("Usage: syncnode " + verb + " [-hV] [-c=FILE] FOLDER"), noFolder.err());
        Run two = run(verb, "-c", "x.toml", "ct101", "ct102");
        assertEquals(2, two.code());
        assertTrue(two.err().startsWith("syncnode: Unmatched argument"), two.err());
    }

    @Test
    void acceptDeletesNeedsFolderAndForgetNeedsNode() {
        Run noFolder = run("accept-deletes", "-c", "x.toml");
        assertEquals(2, noFolder.code());
        assertTrue(noFolder.err().startsWith("syncnode: Missing required option: '--folder=F'"), noFolder.err());
        Run noNode = run("forget", "-c", "x.toml");
        assertEquals(2, noNode.code());
        assertTrue(noNode.err().startsWith("syncnode: Missing required parameter: 'NODE'"), noNode.err());
        SyncCommand sync = parsed("sync", "-c", "a.toml", "--all-peers");
        assertTrue(sync.allPeers);
        assertFalse(((SyncCommand) parsed("sync", "-c", "a.toml")).allPeers, "members only by default");
    }

    @Test
    void pauseAndResumeOptions() {
        PauseCommand pause = parsed("pause", "-c", "a.toml", "ct101");
        assertEquals("ct101", pause.folder);
        assertEquals(Path.of("a.toml"), pause.configOption.file);
        ResumeCommand resume = parsed("resume", "--config", "a.toml", "ct101");
        assertEquals("ct101", resume.folder);
    }

    @Test
    void unknownOptionIsAUsageErrorWithTheUsage() {
        Run run = run("status", "-c", "x.toml", "--bogus");
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("syncnode: Unknown option: '--bogus'"), run.err());
        assertTrue(run.err().contains("Usage: syncnode status"), run.err());
    }

    @Test
    void unknownVerbIsAUsageError() {
        Run run = run("frobnicate", "-c", "x.toml");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("Unmatched arguments"), run.err());
    }

    @Test
    void missingVerbIsAUsageError() {
        Run run = run();
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("syncnode: missing verb"), run.err());
    }

    @ParameterizedTest(name = "--timeout {0} is refused, naming the value")
    @ValueSource(strings = {"5x", "soon", "-1s", "1.5s"})
    void badTimeoutIsAUsageErrorNamingTheValue(String value) {
        Run run = run("sync", "-c", "x.toml", "--timeout", value);
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("syncnode: Invalid value for option '--timeout': '" + value
                + "' is not a duration"), run.err());
    }

    @Test
    void configErrorExitsTwoWithTheLoadersMessage() {
        Run run = run("status", "-c", "/etc/syncnode/alpha.toml");
        assertEquals(2, run.code());
        assertEquals("syncnode: /etc/syncnode/alpha.toml:3: node.name: must match [a-z0-9][a-z0-9-]{0,31}"
                + System.lineSeparator(), run.err());
        assertEquals("", run.out());
    }

    @Test
    void runWithAConfigErrorExitsTwo() {
        Run run = run("run", "-c", "alpha.toml");
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("syncnode: alpha.toml:3: node.name:"), run.err());
    }

    @Test
    void versionNeedsNoConfig() {
        Run run = run("version");
        assertEquals(0, run.code());
        // the commit is "unknown" when the build ran outside a git checkout; the time is the build's
        assertTrue(run.out().matches("syncnode \\S+\\R"
                + "commit (?:[0-9a-f]{7,40}(?:-dirty)?|unknown), "
                + "built (?:\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ|unknown), "
                + "java \\d+(?:\\.\\d+)*\\R"), run.out());
        assertEquals(run.out(), run("--version").out());
    }

    @Test
    void versionWithoutBuildInformationSaysUnknown() throws Exception {
        BuildInfo none = BuildInfo.read(null);
        assertEquals(new BuildInfo("unknown", "unknown"), none);
        assertEquals(List.of("syncnode 1.2.3", "commit unknown, built unknown, java 17.0.15"),
                List.of(VersionCommand.lines("1.2.3", none, "17.0.15")));
        BuildInfo unfiltered = BuildInfo.read(new java.io.ByteArrayInputStream(
                "commit=${build.commit}\nbuilt=\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(none, unfiltered);
        BuildInfo built = BuildInfo.read(new java.io.ByteArrayInputStream(
                "commit=abc1234-dirty\nbuilt=2026-12-06T04:00:00Z\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("commit abc1234-dirty, built 2026-12-06T04:00:00Z, java 17.0.15",
                VersionCommand.lines("1.2.3", built, "17.0.15")[1]);
    }

    @Test
    void runOptions() {
        RunCommand run = parsed("run", "-c", "a.toml", "--verbose");
        assertEquals(Path.of("a.toml"), run.configOption.file);
        assertTrue(run.verbose);
        assertFalse(this.<RunCommand>parsed("run", "--config", "a.toml").verbose);
    }

    @Test
    void listingOptions() {
        StatusCommand status = parsed("status", "-c", "a.toml", "--json");
        assertTrue(status.json);
        assertEquals(Path.of("a.toml"), status.configOption.file);
        PeersCommand peers = parsed("peers", "-c", "a.toml");
        assertFalse(peers.json);
        DirtyCommand dirty = parsed("dirty", "-c", "a.toml", "--folder", "ct101", "--json");
        assertEquals("ct101", dirty.folder);
        assertTrue(dirty.json);
        assertEquals(null, this.<DirtyCommand>parsed("dirty", "-c", "a.toml").folder);
    }

    @Test
    void syncOptions() {
        SyncCommand defaults = parsed("sync", "-c", "a.toml");
        assertEquals(Duration.ofSeconds(60), defaults.timeout);
        assertEquals(null, defaults.folder);
        SyncCommand given = parsed("sync", "-c", "a.toml", "--folder", "ct101", "--timeout", "500ms");
        assertEquals(Duration.ofMillis(500), given.timeout);
        assertEquals("ct101", given.folder);
        assertEquals(Duration.ofMinutes(2), this.<SyncCommand>parsed("sync", "-c", "a.toml", "--timeout=2m").timeout);
    }

    @Test
    void checkOptions() {
        CheckCommand check = parsed("check", "-c", "a.toml", "--folder", "ct101", "rootfs/etc/hosts", "config");
        assertEquals("ct101", check.folder);
        assertEquals(List.of("rootfs/etc/hosts", "config"), check.paths);
        assertEquals(List.of(), this.<CheckCommand>parsed("check", "-c", "a.toml").paths);
    }
    @Test
    void eachVerbsModelAloneIsTheSameAsInTheWholeCommandLine() {
        CommandLine whole = Main.commandLine(invocation(System.out, System.err));
        assertEquals(List.copyOf(Main.VERBS.keySet()), List.copyOf(whole.getSubcommands().keySet()),
                "Main.VERBS names every verb by its @Command name, in --help's order");
        for (String verb : Main.VERBS.keySet()) {
            CommandLine alone = Main.commandLineFor(invocation(System.out, System.err), new String[] {verb, "--help"});
            assertEquals(List.of(verb), List.copyOf(alone.getSubcommands().keySet()), "only " + verb + " is built");
            assertEquals(whole.getSubcommands().get(verb).getUsageMessage(),
                    alone.getSubcommands().get(verb).getUsageMessage(), verb + " --help is the same");
        }
        CommandLine unknown = Main.commandLineFor(invocation(System.out, System.err), new String[] {"stauts"});
        assertEquals(Main.VERBS.size(), unknown.getSubcommands().size(), "a verb that is not one gets every verb's"
                + " model, so that picocli can suggest the nearest");
    }
}
