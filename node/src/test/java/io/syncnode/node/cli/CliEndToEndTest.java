package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.cli.TestConfigs.Run;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.ControlServer;
import io.syncnode.node.control.FakeControlHandler;
import io.syncnode.node.control.StatusView;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in this JVM against a real control socket served by a fake node. */
class CliEndToEndTest {
    private static final String NL = System.lineSeparator();

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
        return TestConfigs.run((out, err) -> new Invocation(out, err, file -> {
            assertEquals(config.file(), file);
            return config;
        }, c -> {
            throw new AssertionError("not started here");
        }, action -> { }), args);
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void statusJsonHasTheDesignKeys() throws IOException {
        Run run = cli("status", "-c", configFile, "--json");
        assertEquals(4, run.code(), "a halted folder: degraded; " + run.err());
        JsonNode status = new ObjectMapper().readTree(run.out());
        assertEquals(Set.of("node", "members", "folders", "counters", "security", "view", "start", "health"), keys(status));
        assertTrue(status.get("start").isNull(), "a running node has no start view");
        assertFalse(status.get("health").get("healthy").asBoolean());
        assertEquals("[\"folder etc halted: root vanished: /etc/syncnode-shared\",\"folder etc: 1 open problem\"]",
                status.get("health").get("reasons").toString());
        assertEquals(Set.of("id", "coordinator", "lastMerge", "merges", "deadConnectionsClosed", "dropped"), keys(status.get("view")));
        assertEquals(Set.of("mode", "fingerprint", "trusted", "keyGeneration", "sessions", "refused", "traffic"),
                keys(status.get("security")));
        assertEquals("sealed", status.get("security").get("mode").asText());
        assertEquals(1, status.get("security").get("refused").get("tampered").asLong());
        assertEquals(3, status.get("view").get("dropped").get("fragmentsOpen").asLong());
        assertEquals("alpha", status.get("node").asText());
        assertEquals(Set.of("name", "path", "files", "dirty", "conflicts", "problems", "state", "problem",
                "lastHeal", "sinceHeal", "problemList", "actions", "type", "locallyChanged", "need", "queued", "versions"),
                keys(status.get("folders").get(0)));
        assertEquals(Set.of("mode", "kept", "bytes", "failed"), keys(status.get("folders").get(0).get("versions")));
        assertTrue(status.get("counters").has("announcementsSent"));
        assertEquals("", run.err());
    }

    @Test
    void configSourceSeamReachesTheNode() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = Main.execute(new String[] {"status", "-c", configFile, "--json"}, new PrintStream(out, true),
                System.err, file -> config);
        assertEquals(4, code, "the fake node has a halted folder");
        assertTrue(out.toString().startsWith("{\"node\":\"alpha\",\"members\":[\"alpha\",\"beta\"],\"folders\":["),
                out.toString());
        assertTrue(out.toString().contains("\"actions\":[{\"action\":\"etc action[0] (nginx)\",\"runs\":3,\"failed\":1,"
                + "\"pending\":false,\"running\":false}]"), out.toString());
    }

    @Test
    void statusTable() {
        Run run = cli("status", "-c", configFile);
        assertEquals(4, run.code(), "a halted folder: degraded; " + run.err());
        assertEquals(String.join(NL,
                "node      alpha",
                "members   alpha, beta",
                "view      [alpha|4], coordinator alpha; last merge 2026-11-21T10:00:00Z (1 since the start);"
                        + " dropped packets: fragmentsOpen 3",
                "security  sealed: sha256:" + "ab".repeat(32) + ", key generation 2, 1 of 1 peer session(s) ready;"
                        + " refused packets: tampered 1",
                "",
                "FOLDER  STATE   FILES  DIRTY  CONFLICTS  PROBLEMS  PATH",
                "ct101   idle     1200      2          0         0  /var/lib/lxc/ct101",
                "etc     halted     12      0          1         1  /etc/syncnode-shared",
                "etc: halted: root vanished: /etc/syncnode-shared",
                "etc: problem: hosts: apply failed: No space left on device",
                "etc action[0] (nginx): 3 run(s), 1 failed",
                "etc: partition healed at 2026-11-21T10:00:00Z; 2 concurrent path(s) since: {kept-both=2}",
                "health: degraded: folder etc halted: root vanished: /etc/syncnode-shared; folder etc: 1 open problem",
                ""), run.out());
    }

    /** A folder that still needs content (a seed) says how much, how fast and how long, under the table. */
    @Test
    void statusShowsWhatASeedingFolderStillNeeds() {
        StatusView s = handler.status;
        StatusView.FolderStatus f = s.folders().get(0);
        StatusView.FolderStatus seeding = new StatusView.FolderStatus(f.name(), f.path(), f.files(), f.dirty(),
                f.conflicts(), f.problems(), "syncing", null, null, null, List.of(), List.of(), "send-receive", 0,
                new StatusView.Need(1200, 3L << 30, 45_000_000, 80, 80L), 3);
        handler.status = new StatusView(s.node(), s.members(), List.of(seeding), s.counters(), s.security(), s.view());
        Run run = cli("status", "-c", configFile);
        assertTrue(run.out().contains(NL + "ct101: needs 1200 file(s) (3.0 GiB) from peers; 45.0 MB/s, 80.0 files/s;"
                + " ETA 80 s" + NL), run.out());
    }

    @Test
    void statusShowsTheKeptVersionsOfAFolderThatKeepsThem() throws IOException {
        StatusView s = handler.status;
        StatusView.FolderStatus f = s.folders().get(0);
        StatusView.FolderStatus keeping = new StatusView.FolderStatus(f.name(), f.path(), f.files(), f.dirty(),
                f.conflicts(), f.problems(), f.state(), null, null, null, List.of(), List.of(), null, 0,
                StatusView.Need.NONE, 0, new StatusView.Versions("staggered", 12, 4096, 1));
        handler.status = new StatusView(s.node(), s.members(), List.of(keeping, s.folders().get(1)), s.counters(),
                s.security(), s.view());
        Run run = cli("status", "-c", configFile);
        assertTrue(run.out().contains(NL + "ct101: versions (staggered): 12 kept, 4096 bytes; 1 could not be kept"
                + " (see the log)" + NL), run.out());
        assertFalse(run.out().contains("etc: versions"), "a folder that keeps none says nothing: " + run.out());
        JsonNode json = new ObjectMapper().readTree(cli("status", "-c", configFile, "--json").out());
        assertEquals("{\"mode\":\"staggered\",\"kept\":12,\"bytes\":4096,\"failed\":1}",
                json.get("folders").get(0).get("versions").toString());
    }

    @Test
    void restoreReadsTimesAsIsoLocalOrAgo() {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-12-06T12:00:00Z"),
                java.time.ZoneId.of("Europe/Berlin"));
        assertEquals(java.time.Instant.parse("2026-12-06T07:15:00Z"),
                RestoreCommand.parseTime("2026-12-06T07:15:00Z", clock));
        assertEquals(java.time.Instant.parse("2026-12-06T06:15:00Z"),
                RestoreCommand.parseTime("2026-12-06T07:15", clock), "local time, Berlin is UTC+1 in December");
        assertEquals(java.time.Instant.parse("2026-12-06T06:15:00Z"),
                RestoreCommand.parseTime("2026-12-06 07:15:00", clock));
        assertEquals(java.time.Instant.parse("2026-12-06T10:30:00Z"), RestoreCommand.parseTime("1h30m ago", clock));
        assertEquals(null, RestoreCommand.parseTime("yesterday", clock));
        assertEquals(null, RestoreCommand.parseTime("2d ago", clock));
    }

    /** The exit code of {@code status} for each health state: what a keepalived or LB check tests. */
    @Test
    void statusExitCodeSaysHealthyOrDegraded() throws IOException {
        StatusView sick = handler.status;
        StatusView.FolderStatus idle = sick.folders().get(0);
        StatusView.FolderStatus halted = sick.folders().get(1);
        StatusView.FolderStatus clean = new StatusView.FolderStatus("etc", halted.path(), 12, 3, 1, 0, "syncing",
                null, null, null);
        StatusView.FolderStatus problems = new StatusView.FolderStatus("etc", halted.path(), 12, 0, 0, 2, "idle",
                null, null, null, halted.problemList());
        StatusView.FolderStatus paused = new StatusView.FolderStatus("etc", halted.path(), 12, 0, 0, 0, "paused",
                null, null, null);
        record Case(List<String> members, StatusView.FolderStatus etc, int code, String health) { }
        List<Case> cases = List.of(
                new Case(List.of("alpha", "beta"), clean, 0, "health: ok"),
                new Case(List.of("alpha", "beta"), paused, 0, "health: ok"),
                new Case(List.of("alpha"), clean, 4, "health: degraded: no other member in the view"),
                new Case(List.of(), clean, 4, "health: degraded: no other member in the view"),
                new Case(List.of("alpha", "beta"), halted, 4,
                        "health: degraded: folder etc halted: root vanished: /etc/syncnode-shared; folder etc: 1 open problem"),
                new Case(List.of("alpha", "beta"), problems, 4, "health: degraded: folder etc: 2 open problems"));
        for (Case c : cases) {
            handler.status = new StatusView(sick.node(), c.members(), List.of(idle, c.etc()), sick.counters(),
                    sick.security(), sick.view());
            Run text = cli("status", "-c", configFile);
            assertEquals(c.code(), text.code(), c + ": " + text.out() + text.err());
            assertTrue(text.out().endsWith(c.health() + NL), c + ": " + text.out());
            Run json = cli("status", "-c", configFile, "--json");
            assertEquals(c.code(), json.code(), c + ": " + json.err());
            assertEquals(c.code() == 0, new ObjectMapper().readTree(json.out()).get("health").get("healthy").asBoolean());
        }
    }

    @Test
    void peersTableAndJson() throws IOException {
        Run table = cli("peers", "-c", configFile);
        assertEquals(0, table.code(), table.err());
        assertEquals(String.join(NL,
                "NAME   ADDRESS        MEMBER  DIRTY  LAST SEEN             VERSION",
                "beta   10.0.0.2:7800  yes         3  2026-11-21T10:00:00Z  0.1.0 (3f2a1bc)",
                "gamma  10.0.0.3:7800  no          0  -                     -",
                ""), table.out());
        Run json = cli("peers", "-c", configFile, "--json");
        JsonNode peers = new ObjectMapper().readTree(json.out());
        assertEquals(2, peers.size());
        assertEquals(Set.of("name", "address", "member", "dirty", "lastSeen", "clockOffsetMs", "version"),
                keys(peers.get(0)));
        assertEquals(3, peers.get(0).get("dirty").asLong());
    }

    @Test
    void dirtyTableJsonAndFolder() throws IOException {
        Run table = cli("dirty", "-c", configFile);
        assertEquals(String.join(NL,
                "FOLDER  PATH              PEER  SINCE",
                "ct101   rootfs/etc/hosts  beta  2026-11-21T10:00:00Z",
                "ct101   config            beta  2026-11-21T10:00:01Z",
                ""), table.out());
        Run json = cli("dirty", "-c", configFile, "--folder", "ct101", "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode dirty = new ObjectMapper().readTree(json.out());
        assertEquals(Set.of("folder", "path", "peer", "since"), keys(dirty.get(0)));
        assertEquals("nothing dirty" + NL, cli("dirty", "-c", configFile, "--folder", "etc").out());
        assertEquals(List.of("dirtyPage null null 1000", "dirtyPage ct101 null 1000", "dirtyPage etc null 1000"),
                handler.calls);
    }

    @Test
    void unknownFolderIsAUsageErrorNamingTheKnownOnes() {
        Run run = cli("dirty", "-c", configFile, "--folder", "nope");
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("syncnode: unknown folder 'nope'; this config has: ct101, etc"), run.err());
        assertEquals(List.of(), handler.calls);
    }

    @Test
    void syncConverged() {
        Run run = cli("sync", "-c", configFile, "--folder", "ct101", "--timeout", "2s");
        assertEquals(0, run.code(), run.err());
        assertEquals("in sync: nothing dirty remains in ct101" + NL, run.out());
        assertEquals(List.of("sync ct101 2000"), handler.calls);
    }

    @Test
    void syncStillDirtyAfterTimeoutExitsThreeSayingWhatRemains() {
        handler.syncConverges = false;
        Run run = cli("sync", "-c", configFile, "--timeout", "1s");
        assertEquals(3, run.code(), run.err());
        assertEquals(String.join(NL,
                "syncnode: not converged within 1s: 2 dirty entries remain:",
                "  ct101  rootfs/etc/hosts  -> beta  since 2026-11-21T10:00:00Z",
                "  ct101  config            -> beta  since 2026-11-21T10:00:01Z",
                ""), run.err());
        assertEquals("", run.out());
    }

    @Test
    void syncOfAllFoldersSaysWhichPausedFoldersItLeftOut() {
        StatusView.FolderStatus a = handler.status.folders().get(0);
        StatusView.FolderStatus b = handler.status.folders().get(1);
        handler.status = new StatusView("alpha", List.of("alpha"), List.of(paused(a), paused(b)),
                handler.status.counters(), handler.status.security(), handler.status.view());
        Run run = cli("sync", "-c", configFile);
        assertEquals(0, run.code(), run.err());
        assertEquals("in sync: nothing dirty remains (paused, left out: ct101, etc)" + NL, run.out());
    }

    private static StatusView.FolderStatus paused(StatusView.FolderStatus f) {
        return new StatusView.FolderStatus(f.name(), f.path(), f.files(), f.dirty(), f.conflicts(), f.problems(),
                "paused", f.problem(), f.lastHeal(), f.sinceHeal());
    }

    @Test
    void pauseTwiceAndResumeTwiceAreNotErrors() {
        Run pause = cli("pause", "-c", configFile, "ct101");
        assertEquals(0, pause.code(), pause.err());
        assertEquals("paused ct101: this node neither announces its changes nor applies remote ones until"
                + " `syncnode resume ct101` (kept across restarts)" + NL, pause.out());
        Run again = cli("pause", "-c", configFile, "ct101");
        assertEquals(0, again.code(), again.err());
        assertEquals("ct101 was already paused; nothing to do" + NL, again.out());
        Run resume = cli("resume", "-c", configFile, "ct101");
        assertEquals(0, resume.code(), resume.err());
        assertEquals("resumed ct101: rescanned; changes made meanwhile are being exchanged with the other nodes"
                + NL, resume.out());
        Run running = cli("resume", "-c", configFile, "ct101");
        assertEquals(0, running.code(), running.err());
        assertEquals("ct101 was not paused; nothing to do" + NL, running.out());
        assertEquals(List.of("pause ct101", "pause ct101", "resume ct101", "resume ct101"), handler.calls);
        assertEquals("", pause.err() + again.err() + resume.err() + running.err());
    }

    @Test
    void rekeyAsksTheWholeClusterUnlessLocal() {
        Run all = cli("rekey", "-c", configFile);
        assertEquals(0, all.code(), all.err());
        assertEquals("keys replaced: this node is at key generation 2; every member was asked to replace its keys too"
                + NL, all.out());
        Run local = cli("rekey", "-c", configFile, "--local");
        assertEquals(0, local.code(), local.err());
        assertEquals("keys replaced: this node is at key generation 3" + NL, local.out());
        assertEquals(List.of("rekey all", "rekey local"), handler.calls);
    }

    @Test
    void rekeyRefusedByANodeWithoutCredentialsExitsOneWithItsMessage() {
        handler.refusal = "this node runs without [cluster] credentials: it has no keys to replace";
        Run run = cli("rekey", "-c", configFile);
        assertEquals(1, run.code());
        assertEquals("syncnode: " + handler.refusal + NL, run.err());
    }

    @Test
    void reloadSaysWhatTookEffectAndWhatNeedsARestart() {
        handler.reloadView = new io.syncnode.node.control.ReloadView(List.of("[cluster] credentials /c and revoked [n3]"),
                List.of("[[folder]] tables"));
        Run run = cli("reload", "-c", configFile);
        assertEquals(0, run.code(), run.err());
        assertEquals("applied: [cluster] credentials /c and revoked [n3]" + NL
                + "changed, takes effect at the next restart: [[folder]] tables" + NL, run.out());
        handler.reloadView = new io.syncnode.node.control.ReloadView(List.of(), List.of());
        assertEquals("reloaded: nothing changed" + NL, cli("reload", "-c", configFile).out());
        assertEquals(List.of("reload", "reload"), handler.calls);
    }

    @Test
    void pauseOrResumeOfAnUnknownFolderIsAUsageErrorNamingTheKnownOnes() {
        for (String verb : List.of("pause", "resume")) {
            Run run = cli(verb, "-c", configFile, "nope");
            assertEquals(2, run.code(), verb);
            assertTrue(run.err().startsWith("syncnode: unknown folder 'nope'; this config has: ct101, etc"), run.err());
        }
        assertEquals(List.of(), handler.calls);
    }

    @Test
    void pauseOrResumeRefusedByTheNodeExitsOneWithItsMessage() {
        handler.refusal = "cannot pause folder ct101: cannot record the pause of folder ct101 in /x: read-only";
        Run run = cli("pause", "-c", configFile, "ct101");
        assertEquals(1, run.code());
        assertEquals("syncnode: " + handler.refusal + NL, run.err());
        assertEquals("", run.out());
    }

    @Test
    void pauseOrResumeWithoutANodeExitsOneSayingSo() {
        server.close();
        for (String verb : List.of("pause", "resume")) {
            Run run = cli(verb, "-c", configFile, "ct101");
            assertEquals(1, run.code(), verb);
            assertTrue(run.err().startsWith("syncnode: no node is running for this config"), run.err());
        }
    }

    @Test
    void statusShowsAPausedFolderAndHowToResumeIt() throws IOException {
        StatusView.FolderStatus a = handler.status.folders().get(0);
        handler.status = new StatusView("alpha", List.of("alpha", "beta"), List.of(paused(a)),
                handler.status.counters(), handler.status.security(), handler.status.view());
        Run run = cli("status", "-c", configFile);
        assertEquals(0, run.code(), "a paused folder is the operator's choice, not a degradation; " + run.err());
        assertEquals(String.join(NL,
                "node      alpha",
                "members   alpha, beta",
                "view      [alpha|4], coordinator alpha; last merge 2026-11-21T10:00:00Z (1 since the start);"
                        + " dropped packets: fragmentsOpen 3",
                "security  sealed: sha256:" + "ab".repeat(32) + ", key generation 2, 1 of 1 peer session(s) ready;"
                        + " refused packets: tampered 1",
                "",
                "FOLDER  STATE   FILES  DIRTY  CONFLICTS  PROBLEMS  PATH",
                "ct101   paused   1200      2          0         0  /var/lib/lxc/ct101",
                "ct101: paused on this node: not sending or applying changes until `syncnode resume ct101`",
                "health: ok",
                ""), run.out());
        JsonNode json = new ObjectMapper().readTree(cli("status", "-c", configFile, "--json").out());
        assertEquals("paused", json.get("folders").get(0).get("state").asText());
    }

    @Test
    void checkWholeConfigAndFolderRelativePaths() {
        Run all = cli("check", "-c", configFile);
        assertEquals(0, all.code(), all.err());
        assertEquals("4 paths marked dirty" + NL, all.out());
        handler.changed = 1;
        Run some = cli("check", "-c", configFile, "--folder", "ct101", "rootfs/etc/hosts", "./config");
        assertEquals("1 path marked dirty" + NL, some.out());
        assertEquals(List.of("check null []", "check ct101 [rootfs/etc/hosts, config]"), handler.calls);
    }

    @Test
    void checkFileSystemPathsFindTheirFolder() {
        Path root = config.folders().get(0).path();
        Run run = cli("check", "-c", configFile, root.resolve("rootfs/etc/hosts").toString(),
                config.folders().get(1).path().toString(), root.resolve("a/../b").toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("8 paths marked dirty" + NL, run.out());
        assertEquals(List.of("check ct101 [rootfs/etc/hosts, b]", "check etc []"), handler.calls);
    }

    @Test
    void checkPathsOutsideTheFoldersAreUsageErrors() {
        Run outside = cli("check", "-c", configFile, "/usr/bin");
        assertEquals(2, outside.code());
        assertTrue(outside.err().startsWith("syncnode: '/usr/bin' is not inside any configured folder"), outside.err());
        Run escaping = cli("check", "-c", configFile, "--folder", "ct101", "../etc/passwd");
        assertEquals(2, escaping.code());
        assertTrue(escaping.err().startsWith("syncnode: '../etc/passwd' is outside folder 'ct101'"), escaping.err());
        assertEquals(List.of(), handler.calls);
    }

    @Test
    void checkNamesAHaltedFolderAndTheVerbThatAcceptsItsDeletesAndExitsOne() {
        handler.halted = java.util.Map.of("ct101", "a scan found 25 of 30 files gone (more than 50 %); not"
                + " propagating the deletes. If they are intended, run `syncnode accept-deletes -c FILE --folder ct101`");
        for (String[] args : List.of(new String[] {"check", "-c", configFile},
                new String[] {"check", "-c", configFile, "--folder", "ct101"})) {
            Run run = cli(args);
            assertEquals(1, run.code(), run.err());
            assertEquals("4 paths marked dirty" + NL, run.out());
            assertEquals("syncnode: folder ct101 is halted: " + handler.halted.get("ct101") + NL, run.err());
        }
        assertEquals(List.of("check null []", "check ct101 []"), handler.calls, "check never asks to accept");
    }

    @Test
    void revertNamesTheFolderAndSaysHowManyPathsWentBack() {
        Run run = cli("revert", "-c", configFile, "--folder", "ct101");
        assertEquals(0, run.code(), run.err());
        assertEquals("reverted 2 paths of ct101 to the cluster's version (content still being fetched arrives by"
                + " itself)" + NL, run.out());
        handler.refusal = "cannot revert folder ct101: folder ct101 is not receive-only: its local changes are announced,"
                + " so there is nothing to revert";
        Run refused = cli("revert", "-c", configFile, "--folder", "ct101");
        assertEquals(1, refused.code());
        assertEquals("syncnode: " + handler.refusal + NL, refused.err());
        Run noFolder = cli("revert", "-c", configFile);
        assertEquals(2, noFolder.code());
        assertEquals(List.of("revert ct101", "revert ct101"), handler.calls);
    }

    @Test
    void overrideNeedsYesThenSaysWhatWonAndWhoWasAbsent() {
        Run unconfirmed = cli("override", "-c", configFile, "--folder", "ct101");
        assertEquals(2, unconfirmed.code());
        assertTrue(unconfirmed.err().contains("run it again with --yes"), unconfirmed.err());
        assertEquals(List.of(), handler.calls, "nothing asked without --yes");
        Run run = cli("override", "-c", configFile, "--folder", "ct101", "--yes");
        assertEquals(0, run.code(), run.err());
        assertEquals("override ct101: this node's tree wins on beta: 3 path(s) replaced, 2 removed; they arrive as"
                + " usual (`syncnode sync --folder ct101` waits for them)" + NL
                + "not members now, not overridden: gamma" + NL, run.out());
        handler.refusal = "cannot override folder ct101: folder ct101 is receive-only on this node";
        Run refused = cli("override", "-c", configFile, "--folder", "ct101", "--yes");
        assertEquals(1, refused.code());
        assertEquals("syncnode: " + handler.refusal + NL, refused.err());
        assertEquals(List.of("override ct101", "override ct101"), handler.calls);
    }

    @Test
    void versionsListsTheKeptVersionsNewestFirst() throws IOException {
        Run run = cli("versions", "-c", configFile, "--folder", "ct101", "rootfs/etc/hosts");
        assertEquals(0, run.code(), run.err());
        String[] lines = run.out().split(NL);
        assertEquals(3, lines.length, run.out());
        assertTrue(lines[0].matches("ID +KEPT +SIZE +MTIME +MODE +OWNER +BY"), lines[0]);
        assertTrue(lines[1].matches("20261206-071503-123 +2026-12-06T07:15:03.123Z +14 +2026-12-06T07:10:00Z +0640 +0:33"
                + " +deleted by beta"), lines[1]);
        assertTrue(lines[2].matches("20261206-070000-001 +2026-12-06T07:00:00.001Z +9 +2026-12-05T20:00:00Z +0644 +0:0"
                + " +replaced by beta"), lines[2]);
        Run absolute = cli("versions", "-c", configFile, dir.resolve("etc/hosts").toString(), "--json");
        assertEquals(0, absolute.code(), absolute.err());
        JsonNode json = new ObjectMapper().readTree(absolute.out());
        assertEquals("etc", json.get("folder").asText());
        assertEquals("hosts", json.get("path").asText());
        assertEquals(Set.of("id", "keptAt", "size", "mtime", "mode", "uid", "gid", "hash", "replacedBy", "deleted"),
                keys(json.get("versions").get(0)));
        handler.kept = List.of();
        Run none = cli("versions", "-c", configFile, "--folder", "etc", "hosts");
        assertEquals("no kept versions of hosts in etc" + NL, none.out());
        assertEquals(List.of("versions ct101 rootfs/etc/hosts", "versions etc hosts", "versions etc hosts"), handler.calls);
    }

    @Test
    void versionsRefusesAPathOutsideEveryFolderAndPassesTheNodesRefusalOn() {
        Run outside = cli("versions", "-c", configFile, "/nowhere/file");
        assertEquals(2, outside.code());
        assertTrue(outside.err().startsWith("syncnode: '/nowhere/file' is not inside any configured folder"), outside.err());
        Run noPath = cli("versions", "-c", configFile);
        assertEquals(2, noPath.code());
        assertTrue(noPath.err().contains("Missing required parameter: 'PATH'"), noPath.err());
        handler.refusal = "no folder named \"ct101\" on this node";
        Run refused = cli("versions", "-c", configFile, "--folder", "ct101", "x");
        assertEquals(1, refused.code());
        assertEquals("syncnode: " + handler.refusal + NL, refused.err());
        assertFalse(refused.err().contains("Exception"));
    }

    @Test
    void restoreTakesAVersionOrATimeButNotBoth() {
        Run byId = cli("restore", "-c", configFile, "--folder", "ct101", "config", "--version", "20261206-070000-001");
        assertEquals(0, byId.code(), byId.err());
        assertEquals("restored config in ct101 from version 20261206-070000-001; it becomes a new version on every node"
                + NL, byId.out());
        Run byTime = cli("restore", "-c", configFile, "--folder", "ct101", "config", "--at", "2026-12-06T07:10:00Z");
        assertEquals(0, byTime.code(), byTime.err());
        Run both = cli("restore", "-c", configFile, "--folder", "ct101", "config", "--at", "1h ago", "--version", "x");
        assertEquals(2, both.code());
        assertTrue(both.err().startsWith("syncnode: restore needs exactly one of --version ID and --at TIME"),
                both.err());
        Run neither = cli("restore", "-c", configFile, "--folder", "ct101", "config");
        assertEquals(2, neither.code());
        assertTrue(neither.err().startsWith("syncnode: restore needs exactly one of --version ID and --at TIME"),
                neither.err());
        Run badTime = cli("restore", "-c", configFile, "--folder", "ct101", "config", "--at", "yesterday");
        assertEquals(2, badTime.code());
        assertTrue(badTime.err().startsWith("syncnode: --at 'yesterday' is not a time"), badTime.err());
        handler.refusal = "cannot restore config in folder ct101: folder ct101 keeps no versions (versions = \"none\")";
        Run refused = cli("restore", "-c", configFile, "--folder", "ct101", "config", "--version", "x");
        assertEquals(1, refused.code());
        assertEquals("syncnode: " + handler.refusal + NL, refused.err());
        assertEquals(List.of("restore ct101 config 20261206-070000-001 null",
                "restore ct101 config null " + java.time.Instant.parse("2026-12-06T07:10:00Z").toEpochMilli(),
                "restore ct101 config x null"), handler.calls);
    }

    @Test
    void acceptDeletesReleasesTheNamedFolderOnceAndIsNoErrorAfterwards() {
        handler.massDeleteHalted = "ct101";
        Run run = cli("accept-deletes", "-c", configFile, "--folder", "ct101");
        assertEquals(0, run.code(), run.err());
        assertEquals("accepted the deletes of ct101: rescanned, 25 changes announced to the other nodes" + NL,
                run.out());
        Run again = cli("accept-deletes", "-c", configFile, "--folder", "ct101");
        assertEquals(0, again.code(), again.err());
        assertEquals("ct101 is not halted for a mass delete; nothing to accept" + NL, again.out());
        Run unknown = cli("accept-deletes", "-c", configFile, "--folder", "nope");
        assertEquals(2, unknown.code());
        assertEquals(List.of("accept-deletes ct101", "accept-deletes ct101"), handler.calls);
    }

    @Test
    void forgetDropsARetiredPeerIsRefusedForAMemberAndIdempotent() {
        Run run = cli("forget", "-c", configFile, "gamma");
        assertEquals(0, run.code(), run.err());
        assertEquals("forgot gamma: dropped 12 dirty entries toward it and its peer entry; if it comes back it is"
                + " treated as a new peer" + NL, run.out());
        Run again = cli("forget", "-c", configFile, "gamma");
        assertEquals(0, again.code(), again.err());
        assertEquals("no peer named gamma is remembered on this node; nothing to forget" + NL, again.out());
        Run member = cli("forget", "-c", configFile, "beta");
        assertEquals(1, member.code());
        assertEquals("syncnode: peer beta is a member of the cluster now" + NL, member.err());
        Run bad = cli("forget", "-c", configFile, "Not/A/Name");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("syncnode: 'Not/A/Name' is not a node name: names match [a-z0-9][a-z0-9-]{0,31}"),
                bad.err());
        assertEquals(List.of("forget gamma", "forget gamma", "forget beta"), handler.calls);
    }

    @Test
    void syncNamesTheAbsentPeersItSkippedAndAllPeersWaitsOnThem() {
        handler.skipped = List.of(new io.syncnode.node.control.SyncView.SkippedPeer("gamma", 12),
                new io.syncnode.node.control.SyncView.SkippedPeer("delta", 1));
        Run run = cli("sync", "-c", configFile, "--folder", "ct101");
        assertEquals(0, run.code(), run.err());
        assertEquals("in sync: nothing dirty remains toward the members in ct101; skipped absent peers:"
                + " gamma (12 dirty paths), delta (1 dirty path)" + NL, run.out());
        Run all = cli("sync", "-c", configFile, "--folder", "ct101", "--all-peers");
        assertEquals(0, all.code(), all.err());
        assertEquals("in sync: nothing dirty remains in ct101" + NL, all.out());
        assertEquals(List.of("sync ct101 60000", "sync ct101 60000 all-peers"), handler.calls);
    }

    @Test
    void aRefusalByTheNodeExitsOneWithItsMessage() {
        handler.refusal = "folder ct101 is halted: root vanished";
        Run run = cli("check", "-c", configFile, "--folder", "ct101");
        assertEquals(1, run.code());
        assertEquals("syncnode: folder ct101 is halted: root vanished" + NL, run.err());
    }

    @Test
    void noRunningNodeExitsOneSayingSo() {
        server.close();
        for (String verb : List.of("status", "peers", "dirty", "sync", "check")) {
            Run run = cli(verb, "-c", configFile);
            assertEquals(1, run.code(), verb);
            assertEquals("syncnode: no node is running for this config: cannot connect to " + config.controlSocket()
                    + ": start it with `syncnode run -c FILE`" + NL, run.err(), verb);
        }
    }

    /**
     * The control socket answers from the moment {@code run} begins: while the node starts, status
     * tells the phase (exit 4: not healthy yet), resume (what an LXC pre-start hook calls) waits
     * and then succeeds, other verbs are refused saying the node is starting.
     */
    @Test
    void whileTheNodeStartsStatusAnswersResumeWaitsAndOtherVerbsSaySo() throws Exception {
        server.close();
        List<Runnable> shutdown = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch scanDone = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch scanReported = new java.util.concurrent.CountDownLatch(1);
        NodeStarter starter = new NodeStarter() {
            @Override
            public RunningNode start(SyncnodeConfig c) {
                throw new AssertionError("started with progress");
            }

            @Override
            public RunningNode start(SyncnodeConfig c, io.syncnode.node.StartProgress progress) throws Exception {
                io.syncnode.node.control.ScanProgress scan = new io.syncnode.node.control.ScanProgress();
                progress.scanProgress(java.util.Map.of("ct101", scan));
                progress.scanning(List.of("ct101"));
                scan.began(5000);
                for (int i = 0; i < 1200; i++) {
                    scan.entry();
                }
                scan.hashed(12L << 20);
                scanReported.countDown();
                if (!scanDone.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never let the scan end");
                }
                scan.ended();
                return new RunningNode() {
                    @Override
                    public ControlHandler controlHandler() {
                        return handler;
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Thread runner = new Thread(() -> Main.execute(new String[] {"run", "-c", configFile},
                new Invocation(new PrintStream(out, true), System.err, file -> config, starter, shutdown::add)));
        runner.start();
        try {
            TestConfigs.await(Duration.ofSeconds(10), () -> Files.exists(config.controlSocket()));
            // the socket answers before the starter reports its scan (a loaded machine showed "starting")
            assertTrue(scanReported.await(10, java.util.concurrent.TimeUnit.SECONDS), "the starter reported its scan");
            Run status = cli("status", "-c", configFile);
            assertEquals(4, status.code(), status.out() + status.err());
            assertTrue(status.out().contains("start     scanning; ct101: 1200 of 5000 entries, 12 MiB hashed, "),
                    status.out());
            assertTrue(status.out().contains("ct101   scanning   1200"), status.out());
            assertTrue(status.out().endsWith("health: degraded: starting: scanning; no other member in the view" + NL),
                    status.out());
            JsonNode json = new ObjectMapper().readTree(cli("status", "-c", configFile, "--json").out());
            assertEquals("scanning", json.get("start").get("phase").asText());
            JsonNode scan = json.get("start").get("scans").get(0);
            assertEquals(1200, scan.get("entries").asLong());
            assertEquals(5000, scan.get("expected").asLong());
            assertEquals(12L << 20, scan.get("bytesHashed").asLong());
            assertTrue(scan.get("running").asBoolean());

            Run dirty = cli("dirty", "-c", configFile);
            assertEquals(1, dirty.code());
            assertTrue(dirty.err().startsWith("syncnode: node alpha is starting (scanning); `syncnode status` shows its"
                    + " progress"), dirty.err());

            Run[] resumed = new Run[1];
            Thread resume = new Thread(() -> resumed[0] = cli("resume", "-c", configFile, "ct101"));
            resume.start();
            assertEquals(4, cli("status", "-c", configFile).code(), "still starting");
            assertFalse(handler.calls.contains("resume ct101"), "not passed on before the node runs: " + handler.calls);
            scanDone.countDown();
            resume.join(20_000);
            assertFalse(resume.isAlive());
            assertEquals(0, resumed[0].code(), resumed[0].err());
            assertTrue(handler.calls.contains("resume ct101"), handler.calls.toString());
            TestConfigs.await(Duration.ofSeconds(10), () -> out.toString().contains("running"));
            JsonNode after = new ObjectMapper().readTree(cli("status", "-c", configFile, "--json").out());
            assertTrue(after.get("start").isNull(), "a running node has no start view: " + after);
        } finally {
            scanDone.countDown();
            shutdown.forEach(Runnable::run);
            runner.join(10_000);
        }
    }

    @Test
    void runServesTheControlSocketUntilShutdownThenClosesServerAndNode() throws Exception {
        server.close();
        List<Runnable> shutdown = new java.util.concurrent.CopyOnWriteArrayList<>();
        boolean[] nodeClosed = {false};
        NodeStarter starter = c -> new NodeStarter.RunningNode() {
            @Override
            public ControlHandler controlHandler() {
                return handler;
            }

            @Override
            public void close() {
                assertFalse(Files.exists(config.controlSocket()), "the control socket closes first");
                nodeClosed[0] = true;
            }
        };
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int[] code = {-1};
        Thread runner = new Thread(() -> code[0] = Main.execute(new String[] {"run", "-c", configFile},
                new Invocation(new PrintStream(out, true), System.err, file -> config, starter, shutdown::add)));
        runner.start();
        TestConfigs.await(Duration.ofSeconds(10), () -> out.toString().contains("running"));
        assertEquals("syncnode alpha running (control: " + config.controlSocket() + ")" + NL, out.toString());
        assertEquals(4, cli("status", "-c", configFile).code(), "answered (degraded: the fake node has a halted folder)");

        shutdown.forEach(Runnable::run); // what SIGTERM does
        runner.join(10_000);
        assertEquals(0, code[0]);
        assertTrue(nodeClosed[0]);
        assertFalse(Files.exists(config.controlSocket()));
    }

    @Test
    void runRefusesWhenAnotherNodeServesTheSocketBeforeStartingItsNode() {
        boolean[] started = {false};
        NodeStarter starter = c -> {
            started[0] = true;
            throw new AssertionError("no node starts while another serves the socket");
        };
        Run run = TestConfigs.run((out, err) -> new Invocation(out, err, file -> config, starter, action -> { }),
                "run", "-c", configFile);
        assertEquals(1, run.code());
        assertTrue(run.err().startsWith("syncnode: cannot start node alpha: another syncnode is already running"),
                run.err());
        assertFalse(started[0], "the socket is taken first, so a second node never touches the index");
        assertTrue(Files.exists(config.controlSocket()), "the running node's socket stays");
    }

    @Test
    void runWhenTheNodeFailsToStartPrintsTheCauseChainAndExitsOne() {
        server.close();
        Run run = TestConfigs.run((out, err) -> new Invocation(out, err, file -> config, c -> {
            throw new IllegalStateException("cannot join cluster lxc-ha",
                    new IOException("bind 127.0.0.1:7800: Address already in use"));
        }, action -> { }), "run", "-c", configFile);
        assertEquals(1, run.code());
        assertEquals("syncnode: cannot start node alpha: cannot join cluster lxc-ha: bind 127.0.0.1:7800: "
                + "Address already in use" + NL, run.err());
        assertFalse(run.err().contains("\tat "));
        assertFalse(Files.exists(config.controlSocket()), "the socket opened for the start is gone with it");
    }

    @Test
    void runWithTheRealNodeBeforeItIsBuiltFailsCleanly() {
        Run run = TestConfigs.run((out, err) -> new Invocation(out, err, file -> config, NodeStarter.syncNode(),
                action -> { }), "run", "-c", configFile);
        assertEquals(1, run.code());
        assertTrue(run.err().startsWith("syncnode: cannot start node alpha: "), run.err());
        assertFalse(run.err().contains("\tat "));
    }
}
