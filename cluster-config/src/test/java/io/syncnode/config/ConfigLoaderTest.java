package io.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.ConflictScope;
import io.syncnode.protocol.DeleteConflict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    /** A certificate fingerprint, 64 lower-case hex digits. */
    static final String FP = "3f2a" + "0123456789abcdef".repeat(3) + "c0ffee00dead";

    /** The contract's example from DESIGN.md, every key set (credentials rather than insecure). */
    static final String CONTRACT = """
            [node]
            name = "alpha"                    # required; [a-z0-9][a-z0-9-]{0,31}; unique in the cluster
            state-dir = "/var/lib/syncnode"   # SQLite index, node id, control socket

            [cluster]
            name = "lxc-ha"                   # JGroups cluster name
            transport = "udp"                 # "udp" (IP multicast, default) or "tcp" (static peer list)
            bind = "10.0.0.1:7800"            # address[:port]
            multicast = "239.77.0.1:45588"    # udp only
            credentials = "/etc/syncnode/credentials"   # made by `syncnode keygen node`
            revoked = ["gamma", "sha256:%s"]

            [[folder]]
            name = "ct101"
            path = "/var/lib/lxc/ct101"
            ignore = ["rootfs/tmp/**", "**/*.swp"]       # gitignore-style globs, relative to path
            conflict = "keep-both"            # see Conflict policies
            delete-conflict = "keep-modified" # or "delete"
            conflict-scope = "file"           # or "folder": one winner for the whole folder after a split
            max-conflict-copies = 10          # per path, for keep-both
            priority = ["alpha", "beta"]      # for conflict = "priority"
            script = "/etc/syncnode/resolve"  # for conflict = "script"
            settle = "20ms"                   # quiet time before a changed path is scanned
            rescan = "1h"                     # full rescan interval, the safety net behind inotify
            nodes = ["alpha", "beta"]         # who shares the folder; default all
            """.formatted(FP);

    /**
     * The smallest valid file. Line numbers the edit cases rely on: [node] 1, node.name 2,
     * node.state-dir 3, [cluster] 5, cluster.name 6, cluster.bind 7, [[folder]] 9, folder.name 10,
     * folder.path 11. A key that is not in the base is inserted right after its section header.
     */
    static final String BASE = """
            [node]
            name = "alpha"
            state-dir = "/var/lib/syncnode"

            [cluster]
            name = "lxc-ha"
            bind = "127.0.0.1:7800"

            [[folder]]
            name = "ct101"
            path = "/var/lib/lxc/ct101"
            """;

    @TempDir
    Path dir;

    @Test
    void contractExampleLoadsEveryKey() throws Exception {
        SyncnodeConfig c = load(CONTRACT);
        assertEquals(new NodeSection("alpha", Path.of("/var/lib/syncnode")), c.node());
        assertEquals(new ClusterSection("lxc-ha", Transport.UDP, new HostPort("10.0.0.1", 7800),
                new HostPort("239.77.0.1", 45588), List.of(), Path.of("/etc/syncnode/credentials"), false,
                List.of("gamma", "sha256:" + FP)), c.cluster());
        assertTrue(c.cluster().secured());
        assertEquals(List.of(new FolderConfig("ct101", Path.of("/var/lib/lxc/ct101"),
                List.of("rootfs/tmp/**", "**/*.swp"), ConflictPolicy.KEEP_BOTH, DeleteConflict.KEEP_MODIFIED,
                ConflictScope.FILE, 10, List.of("alpha", "beta"), Path.of("/etc/syncnode/resolve"),
                Duration.ofMillis(20), Duration.ofHours(1), List.of("alpha", "beta"))), c.folders());
        assertEquals(Path.of("/var/lib/syncnode/control.sock"), c.controlSocket());
    }

    @Test
    void defaultsAreFilledIn() throws Exception {
        SyncnodeConfig c = load(BASE);
        assertEquals(new ClusterSection("lxc-ha", Transport.UDP, new HostPort("127.0.0.1", 7800),
                new HostPort("239.77.0.1", 45588), List.of(), null, false, List.of()), c.cluster());
        assertFalse(c.cluster().secured());
        assertEquals(new FolderConfig("ct101", Path.of("/var/lib/lxc/ct101"), List.of(), ConflictPolicy.KEEP_BOTH,
                DeleteConflict.KEEP_MODIFIED, ConflictScope.FILE, 10, List.of(), null, Duration.ofMillis(20),
                Duration.ofHours(1), List.of()), c.folders().get(0));
        assertTrue(c.folders().get(0).sharedWith("alpha"));
        assertTrue(c.folders().get(0).sharedWith("any-other-node"));
    }

    @Test
    void tombstoneRetentionDefaultsToThirtyDaysAndTakesADuration() throws Exception {
        assertEquals(Duration.ofDays(30), load(BASE).cluster().tombstoneRetention());
        assertEquals(Duration.ofHours(36),
                load(edit(BASE, List.of("cluster.tombstone-retention = \"1.5d\""))).cluster().tombstoneRetention());
    }

    @Test
    void tcpClusterWithEveryOtherChoice() throws Exception {
        SyncnodeConfig c = load(edit(BASE, List.of("cluster.transport = \"tcp\"", "cluster.insecure = true",
                "cluster.bind = \"node-a.example.com\"", "cluster.peers = [\"10.0.0.1\", \"[fd00::2]:7801\"]",
                "folder.conflict = \"script\"", "folder.script = \"/etc/syncnode/resolve\"",
                "folder.delete-conflict = \"delete\"", "folder.conflict-scope = \"folder\"",
                "folder.max-conflict-copies = 1000", "folder.settle = \"0ms\"", "folder.rescan = \"1s\"",
                "cluster.max-send = \"20MB/s\"", "cluster.max-receive = \"2 MiB\"")));
        assertEquals(new ClusterSection("lxc-ha", Transport.TCP, new HostPort("node-a.example.com", 7800), null,
                List.of(new HostPort("10.0.0.1", 7800), new HostPort("fd00::2", 7801)), null, true, List.of(),
                new Rate(20_000_000), new Rate(2L << 20)), c.cluster());
        FolderConfig f = c.folders().get(0);
        assertEquals(ConflictPolicy.SCRIPT, f.conflict());
        assertEquals(DeleteConflict.DELETE, f.deleteConflict());
        assertEquals(ConflictScope.FOLDER, f.conflictScope());
        assertEquals(1000, f.maxConflictCopies());
        assertEquals(Duration.ZERO, f.settle());
        assertEquals(Duration.ofSeconds(1), f.rescan());
    }

    @Test
    void actionsLoadWithTheirDefaultsInFileOrder() throws Exception {
        SyncnodeConfig c = load(BASE + """

                [[folder.action]]
                pattern = "etc/nginx/**"
                exec = ["/usr/sbin/nginx", "-s", "reload"]

                [[folder.action]]
                pattern = ["etc/cron.d/*", "!etc/cron.d/*.bak"]
                exec = ["/usr/local/bin/cron-changed"]
                do-local = true
                debounce = "0s"
                timeout = "1d"

                [[folder]]
                name = "ct102"
                path = "/var/lib/lxc/ct102"
                """);
        assertEquals(List.of(
                new FolderAction(List.of("etc/nginx/**"), List.of("/usr/sbin/nginx", "-s", "reload"), false,
                        Duration.ofSeconds(1), Duration.ofSeconds(60)),
                new FolderAction(List.of("etc/cron.d/*", "!etc/cron.d/*.bak"), List.of("/usr/local/bin/cron-changed"),
                        true, Duration.ZERO, Duration.ofDays(1))), c.folders().get(0).actions());
        assertEquals(List.of(), c.folders().get(1).actions());
    }

    @Test
    void severalFoldersKeepTheirOrder() throws Exception {
        SyncnodeConfig c = load(BASE + """
                [[folder]]
                name = "ct102"
                path = "/var/lib/lxc/ct102"
                conflict = "priority"
                priority = ["beta", "alpha"]
                """);
        assertEquals(List.of("ct101", "ct102"), c.folders().stream().map(FolderConfig::name).toList());
        assertEquals(List.of("beta", "alpha"), c.folders().get(1).priority());
    }

    /** edits (";"-separated), then the expected bind, credentials (null for none) and insecure. */
    static Stream<Arguments> admittedBinds() {
        return Stream.of(
                Arguments.of("cluster.bind = \"127.0.0.5\"", new HostPort("127.0.0.5", 7800), null, false),
                Arguments.of("cluster.bind = \"127.255.255.254:7801\"", new HostPort("127.255.255.254", 7801), null,
                        false),
                Arguments.of("cluster.bind = \"[::1]\"", new HostPort("::1", 7800), null, false),
                Arguments.of("cluster.bind = \"[0:0:0:0:0:0:0:1]:7801\"", new HostPort("0:0:0:0:0:0:0:1", 7801), null,
                        false),
                Arguments.of("cluster.bind = \"[::0:1]\"", new HostPort("::0:1", 7800), null, false),
                Arguments.of("cluster.bind = \"localhost\"", new HostPort("localhost", 7800), null, false),
                Arguments.of("cluster.bind = \"LocalHost:7801\"", new HostPort("LocalHost", 7801), null, false),
                Arguments.of("cluster.bind = \"127.0.0.1\"; cluster.insecure = true", new HostPort("127.0.0.1", 7800),
                        null, true),
                Arguments.of("cluster.bind = \"10.0.0.1\"; cluster.credentials = \"/etc/syncnode/credentials\"",
                        new HostPort("10.0.0.1", 7800), Path.of("/etc/syncnode/credentials"), false),
                Arguments.of("cluster.bind = \"10.0.0.1\"; cluster.credentials = \"/c\"; cluster.insecure = false",
                        new HostPort("10.0.0.1", 7800), Path.of("/c"), false),
                Arguments.of("cluster.bind = \"10.0.0.1\"; cluster.insecure = true", new HostPort("10.0.0.1", 7800),
                        null, true),
                Arguments.of("cluster.bind = \"[fd00::1]\"; cluster.insecure = true", new HostPort("fd00::1", 7800),
                        null, true),
                Arguments.of("cluster.bind = \"node-a.example.com\"; cluster.credentials = \"/c\"",
                        new HostPort("node-a.example.com", 7800), Path.of("/c"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("admittedBinds")
    void admitsLoopbackOrCredentialsOrInsecure(String edits, HostPort bind, Path credentials, boolean insecure)
            throws Exception {
        ClusterSection c = load(edit(BASE, List.of(edits.split("; ")))).cluster();
        assertEquals(bind, c.bind());
        assertEquals(credentials, c.credentials());
        assertEquals(credentials != null, c.secured());
        assertEquals(insecure, c.insecure());
    }

    /** Every accepted spelling of one fingerprint, kept as written. */
    static Stream<String> fingerprintSpellings() {
        String upper = FP.toUpperCase(Locale.ROOT);
        String pairs = String.join(":", FP.split("(?<=\\G..)"));
        return Stream.of(FP, upper, "sha256:" + FP, "SHA256:" + upper,
                "Sha256:" + FP.substring(0, 32) + upper.substring(32), pairs, "sha256:" + pairs, "SHA256:" + pairs.toUpperCase(Locale.ROOT),
                "sha256:" + pairs.replaceFirst(":", ""));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("fingerprintSpellings")
    void revokedFingerprintIsKeptAsWritten(String fingerprint) throws Exception {
        String list = "cluster.revoked = [\"beta\", \"" + fingerprint + "\"]";
        assertEquals(List.of("beta", fingerprint), load(edit(BASE, List.of(list))).cluster().revoked());
    }

    @Test
    void nodeHttpIsTheOptionalHealthAndMetricsListener() throws Exception {
        assertEquals(null, load(BASE).node().http());
        assertEquals(new HostPort("127.0.0.1", 9187), load(edit(BASE, List.of("node.http = \"127.0.0.1:9187\""))).node().http());
        assertEquals(new HostPort("::1", 9187), load(edit(BASE, List.of("node.http = \"[::1]:9187\""))).node().http());
    }

    @Test
    void folderNodesNameWhoSharesIt() throws Exception {
        FolderConfig f = load(edit(BASE, List.of("folder.nodes = [\"beta\", \"alpha\"]",
                "folder.conflict = \"priority\"", "folder.priority = [\"alpha\", \"beta\"]"))).folders().get(0);
        assertEquals(List.of("beta", "alpha"), f.nodes());
        assertTrue(f.sharedWith("alpha"));
        assertTrue(f.sharedWith("beta"));
        assertFalse(f.sharedWith("gamma"));
        assertEquals(List.of(), load(edit(BASE, List.of("folder.nodes = []"))).folders().get(0).nodes());
    }

    @Test
    void nonLoopbackBindWithoutCredentialsIsRefusedWithTheRemedy() throws IOException {
        Path file = write(BASE.replace("127.0.0.1:7800", "10.0.0.1:7800"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":5: cluster.credentials: bind address 10.0.0.1 is not a loopback address: set"
                + " credentials = \"DIR\" (make them with `syncnode keygen ca --out CA-DIR` once per cluster, then"
                + " `syncnode keygen node --ca CA-DIR --name alpha --out DIR` per node), or set insecure = true to run"
                + " without admission and encryption", e.getMessage());
    }

    @Test
    void folderNotSharedWithThisNodeIsRefusedWithTheRemedy() throws IOException {
        Path file = write(edit(BASE, List.of("folder.nodes = [\"beta\", \"gamma\"]")));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":10: folder[0].nodes: folder \"ct101\" is not shared with this node (\"alpha\"): add"
                + " \"alpha\" to nodes, or remove the folder from this node's config", e.getMessage());
    }

    /** edits (";"-separated), expected key, expected line, part of the reason. */
    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("node.name = \"Alpha\"", "node.name", 2, "must match [a-z0-9][a-z0-9-]{0,31}"),
                bad("node.name = \"-a\"", "node.name", 2, "must match"),
                bad("node.name = \"a23456789012345678901234567890123\"", "node.name", 2, "must match"),
                bad("node.name = 3", "node.name", 2, "expected a string"),
                bad("-node.name", "node.name", 1, "required"),
                bad("node.state-dir = \"var/lib\"", "node.state-dir", 3, "must be an absolute path"),
                bad("node.state-dir = \"/var/../lib\"", "node.state-dir", 3, "must be normalised"),
                bad("-node.state-dir", "node.state-dir", 1, "required"),
                bad("node.nmae = \"x\"", "node.nmae", 2, "unknown key"),
                bad("node.http = \"127.0.0.1\"", "node.http", 2, "needs HOST:PORT with a port from 1 to 65535"),
                bad("node.http = \"127.0.0.1:0\"", "node.http", 2, "port must be a number from 1 to 65535"),
                bad("node.http = \"127.0.0.1:http\"", "node.http", 2, "port must be a number"),
                bad("node.http = 9187", "node.http", 2, "expected a string"),
                bad("cluster.name = \"\"", "cluster.name", 6, "must match [A-Za-z0-9._-]{1,64}"),
                bad("cluster.name = \"lxc ha\"", "cluster.name", 6, "must match"),
                bad("-cluster.name", "cluster.name", 5, "required"),
                bad("cluster.transport = \"sctp\"", "cluster.transport", 6, "must be one of udp, tcp"),
                bad("cluster.bnd = \"10.0.0.1\"", "cluster.bnd", 6, "unknown key"),
                bad("-cluster.bind", "cluster.bind", 5, "required"),
                bad("cluster.bind = 7800", "cluster.bind", 7, "expected a string"),
                bad("cluster.bind = \"\"", "cluster.bind", 7, "expected address[:port]"),
                bad("cluster.bind = \"10.0.0.1:0\"", "cluster.bind", 7, "port must be a number from 1 to 65535"),
                bad("cluster.bind = \"10.0.0.1:65536\"", "cluster.bind", 7, "from 1 to 65535"),
                bad("cluster.bind = \"10.0.0.1:http\"", "cluster.bind", 7, "from 1 to 65535"),
                bad("cluster.bind = \"10.0.0.256\"", "cluster.bind", 7, "not a valid IPv4 address"),
                bad("cluster.bind = \"10.0.1\"", "cluster.bind", 7, "not a valid IPv4 address"),
                bad("cluster.bind = \"under_score\"", "cluster.bind", 7, "not an IP address or host name"),
                bad("cluster.bind = \"::1\"", "cluster.bind", 7, "IPv6 addresses go in brackets"),
                bad("cluster.bind = \"[::g]:7800\"", "cluster.bind", 7, "not a valid IPv6 address"),
                bad("cluster.multicast = \"10.0.0.1:45588\"", "cluster.multicast", 6, "IPv4 multicast address"),
                bad("cluster.multicast = \"240.0.0.1\"", "cluster.multicast", 6, "IPv4 multicast address"),
                bad("cluster.peers = [\"10.0.0.2\"]", "cluster.peers", 6, "only allowed with transport = \"tcp\""),
                bad("cluster.transport = \"tcp\"", "cluster.peers", 5, "required with transport = \"tcp\""),
                bad("cluster.transport = \"tcp\"; cluster.peers = []", "cluster.peers", 6, "required with"),
                bad("cluster.transport = \"tcp\"; cluster.multicast = \"239.1.1.1\"", "cluster.multicast", 6,
                        "only allowed with transport = \"udp\""),
                bad("cluster.transport = \"tcp\"; cluster.peers = [\"10.0.0.1\", \"10.0.0.2:99999\"]",
                        "cluster.peers[1]", 6, "from 1 to 65535"),
                bad("cluster.transport = \"tcp\"; cluster.peers = \"10.0.0.1\"", "cluster.peers", 6,
                        "expected a list of strings"),
                bad("folder.name = \"-x\"", "folder[0].name", 10, "must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
                bad("folder.name = \"a/b\"", "folder[0].name", 10, "must match"),
                bad("-folder.name", "folder[0].name", 9, "required"),
                bad("-folder.path", "folder[0].path", 9, "required"),
                bad("folder.path = \"lxc/ct101\"", "folder[0].path", 11, "must be an absolute path"),
                bad("folder.path = \"/var/lib/lxc/./ct101\"", "folder[0].path", 11, "must be normalised"),
                bad("folder.settel = \"1s\"", "folder[0].settel", 10, "unknown key"),
                bad("folder.ignore = [\"ok\", \"[abc\"]", "folder[0].ignore[1]", 10, "'[' without a closing ']'"),
                bad("folder.ignore = \"*.swp\"", "folder[0].ignore", 10, "expected a list of strings"),
                bad("folder.ignore = [1]", "folder[0].ignore", 10, "expected a list of strings"),
                bad("folder.conflict = \"newer\"", "folder[0].conflict", 10,
                        "must be one of keep-both, newest, oldest, bigger, smaller, priority, manual, script"),
                bad("folder.delete-conflict = \"keep\"", "folder[0].delete-conflict", 10,
                        "must be one of keep-modified, delete"),
                bad("folder.conflict-scope = \"global\"", "folder[0].conflict-scope", 10,
                        "must be one of file, folder"),
                bad("folder.max-conflict-copies = 0", "folder[0].max-conflict-copies", 10, "from 1 to 1000"),
                bad("folder.max-conflict-copies = 1001", "folder[0].max-conflict-copies", 10, "from 1 to 1000"),
                bad("folder.max-conflict-copies = \"10\"", "folder[0].max-conflict-copies", 10, "expected an integer"),
                bad("folder.max-conflict-copies = 1.5", "folder[0].max-conflict-copies", 10, "expected an integer"),
                bad("folder.conflict = \"priority\"", "folder[0].priority", 9, "required with conflict = \"priority\""),
                bad("folder.priority = [\"alpha\", \"Beta\"]", "folder[0].priority[1]", 10, "is not a node name"),
                bad("folder.conflict = \"script\"", "folder[0].script", 9, "required with conflict = \"script\""),
                bad("folder.script = \"resolve.sh\"", "folder[0].script", 10, "must be an absolute path"),
                bad("folder.settle = \"20\"", "folder[0].settle", 10, "expected a duration such as 20ms, 5s, 1h"),
                bad("folder.settle = \"-1s\"", "folder[0].settle", 10, "expected a duration"),
                bad("folder.settle = \"1 s\"", "folder[0].settle", 10, "expected a duration"),
                bad("folder.settle = \"61s\"", "folder[0].settle", 10, "must be from 0s to 60s"),
                bad("folder.settle = 5", "folder[0].settle", 10, "expected a string"),
                bad("folder.rescan = \"500ms\"", "folder[0].rescan", 10, "must be at least 1s"),
                bad("folder.rescan = \"0\"", "folder[0].rescan", 10, "expected a duration"),
                // secure by default: the [cluster] line, as for any key that is missing
                bad("cluster.bind = \"10.0.0.1\"", "cluster.credentials", 5, "bind address 10.0.0.1 " + NOT_LOOPBACK),
                bad("cluster.bind = \"10.0.0.1\"; cluster.insecure = false", "cluster.credentials", 5, NOT_LOOPBACK),
                bad("cluster.bind = \"0.0.0.0\"", "cluster.credentials", 5, "bind address 0.0.0.0 " + NOT_LOOPBACK),
                bad("cluster.bind = \"128.0.0.1\"", "cluster.credentials", 5, NOT_LOOPBACK),
                bad("cluster.bind = \"[fd00::1]:7800\"", "cluster.credentials", 5,
                        "bind address fd00::1 " + NOT_LOOPBACK),
                bad("cluster.bind = \"[::]\"", "cluster.credentials", 5, NOT_LOOPBACK),
                bad("cluster.bind = \"[::2]\"", "cluster.credentials", 5, NOT_LOOPBACK),
                bad("cluster.bind = \"[::ffff:127.0.0.1]\"", "cluster.credentials", 5, NOT_LOOPBACK),
                bad("cluster.bind = \"node-a.example.com\"", "cluster.credentials", 5, NOT_LOOPBACK),
                bad("cluster.bind = \"localhost.localdomain\"", "cluster.credentials", 5, NOT_LOOPBACK),
                bad("cluster.bind = \"localhost6\"", "cluster.credentials", 5, NOT_LOOPBACK),
                bad("cluster.credentials = \"etc/syncnode/credentials\"", "cluster.credentials", 6,
                        "must be an absolute path"),
                bad("cluster.credentials = \"/etc/syncnode/../credentials\"", "cluster.credentials", 6,
                        "must be normalised"),
                bad("cluster.credentials = true", "cluster.credentials", 6, "expected a string"),
                bad("cluster.insecure = \"true\"", "cluster.insecure", 6, "expected true or false"),
                bad("cluster.insecure = 1", "cluster.insecure", 6, "expected true or false"),
                bad("cluster.credentials = \"/c\"; cluster.insecure = true", "cluster.insecure", 6,
                        "insecure = true cannot be combined with credentials; remove one"),
                bad("cluster.bind = \"10.0.0.1\"; cluster.credentials = \"/c\"; cluster.insecure = true",
                        "cluster.insecure", 6, "insecure = true cannot be combined with credentials; remove one"),
                bad("cluster.max-send = \"fast\"", "cluster.max-send", 6, "\"fast\" is not a rate (e.g. 20MB/s, 512KiB/s)"),
                bad("cluster.max-receive = \"500KB/s\"", "cluster.max-receive", 6, "below the smallest cap, 1MB/s"),
                bad("cluster.max-send = 20", "cluster.max-send", 6, "expected a string"),
                bad("cluster.tombstone-retention = \"30\"", "cluster.tombstone-retention", 6,
                        "\"30\": expected a duration such as 20ms, 5s, 1h"),
                bad("cluster.tombstone-retention = \"10m\"", "cluster.tombstone-retention", 6,
                        "\"10m\" must be at least 1h (tombstones are collected once an hour)"),
                bad("cluster.tombstone-retention = 30", "cluster.tombstone-retention", 6, "expected a string"),
                bad("cluster.revoked = \"beta\"", "cluster.revoked", 6, "expected a list of strings"),
                bad("cluster.revoked = [\"beta\", 3]", "cluster.revoked", 6, "expected a list of strings"),
                bad("cluster.revoked = [\"beta\", \"Gamma\"]", "cluster.revoked[1]", 6, "\"Gamma\" " + NEITHER),
                bad("cluster.revoked = [\"\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"sha256:\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"" + FP.substring(1) + "\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"" + FP + "0\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"sha256:" + FP.substring(2) + "\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"" + FP.substring(1) + "g\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"sha1:" + FP.substring(0, 40) + "\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"sha512:" + FP + "\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"sha256 " + FP + "\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"sha256::" + FP + "\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\":" + FP + "\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"" + FP + ":\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"3:f2a" + FP.substring(4) + "\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"3f::2a" + FP.substring(4) + "\"]", "cluster.revoked[0]", 6, NEITHER),
                bad("cluster.revoked = [\"beta\", \"gamma\", \"beta\"]", "cluster.revoked[2]", 6,
                        "\"beta\" is already revoked by revoked[0]"),
                bad("cluster.revoked = [\"" + FP + "\", \"beta\", \"SHA256:" + FP.toUpperCase(Locale.ROOT) + "\"]",
                        "cluster.revoked[2]", 6, "is already revoked by revoked[0] (\"" + FP + "\")"),
                bad("cluster.revoked = [\"sha256:" + FP + "\", \"" + String.join(":", FP.split("(?<=\\G..)")) + "\"]",
                        "cluster.revoked[1]", 6, "is already revoked by revoked[0]"),
                bad("folder.nodes = \"alpha\"", "folder[0].nodes", 10, "expected a list of strings"),
                bad("folder.nodes = [\"alpha\", \"Beta\"]", "folder[0].nodes[1]", 10,
                        "\"Beta\" is not a node name; must match [a-z0-9][a-z0-9-]{0,31}"),
                bad("folder.nodes = [\"alpha\", \"beta\", \"alpha\"]", "folder[0].nodes[2]", 10,
                        "\"alpha\" is already listed as nodes[0]"),
                bad("folder.nodes = [\"beta\", \"beta\"]", "folder[0].nodes[1]", 10, "already listed as nodes[0]"),
                bad("folder.nodes = [\"beta\"]", "folder[0].nodes", 10,
                        "folder \"ct101\" is not shared with this node (\"alpha\"): add \"alpha\" to nodes, or remove"
                                + " the folder from this node's config"),
                bad("folder.nodes = [\"alpha\", \"beta\"]; folder.priority = [\"beta\", \"gamma\"]",
                        "folder[0].priority[1]", 10,
                        "\"gamma\" is not in nodes [alpha, beta]; priority may only name nodes that share the folder"),
                bad("folder.nodes = [\"alpha\"]; folder.conflict = \"priority\"; folder.priority = [\"beta\"]",
                        "folder[0].priority[0]", 10, "\"beta\" is not in nodes [alpha]"));
    }

    private static final String NOT_LOOPBACK = "is not a loopback address: set credentials = \"DIR\" (make them"
            + " with `syncnode keygen ca --out CA-DIR` once per cluster, then `syncnode keygen node --ca CA-DIR --name"
            + " alpha --out DIR` per node), or set insecure = true to run without admission and encryption";
    private static final String NEITHER = "is neither a node name ([a-z0-9][a-z0-9-]{0,31}) nor a certificate"
            + " fingerprint (\"sha256:\" and 64 hex digits, or the 64 hex digits alone; any case, ':' allowed between"
            + " byte pairs)";

    private static Arguments bad(String edits, String key, int line, String reason) {
        return Arguments.of(edits, key, line, reason);
    }

    @ParameterizedTest(name = "{0} -> {1} at line {2}: {3}")
    @MethodSource("badValues")
    void rejectsBadValue(String edits, String key, int line, String reason) throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> load(edit(BASE, List.of(edits.split("; ")))));
        assertRejected(e, key, line, reason);
    }

    /** description, whole file, expected key (null for none), line, part of the reason. */
    static Stream<Arguments> badFiles() {
        String second = BASE + """

                [[folder]]
                name = "ct102"
                path = "/var/lib/lxc/ct102"
                """;
        return Stream.of(
                file("unknown top-level key", "debug = true\n" + BASE, "debug", 1, "unknown key"),
                file("unknown top-level table", BASE + "\n[clutser]\nname = \"x\"\n", "clutser", 13, "unknown key"),
                file("unknown key in second folder", second + "settel = \"1s\"\n", "folder[1].settel", 16,
                        "unknown key"),
                file("unknown key after multi-line array", BASE + "ignore = [\n  \"a\",\n  \"b\", # c ]\n]\nbad = 1\n",
                        "folder[0].bad", 16, "unknown key"),
                file("unknown key after multi-line string", BASE.replace("name = \"ct101\"",
                        "name = \"\"\"\nct101\"\"\"") + "bad = 1\n", "folder[0].bad", 13, "unknown key"),
                file("unknown quoted key", BASE + "\"set tle\" = \"1s\"\n", "folder[0].set tle", 12, "unknown key"),
                file("unknown key in inline table takes the table's line",
                        "\ncluster = { name = \"c\", bind = \"1.2.3.4\", bnd = 1 }\n[node]\nname = \"a\"\nstate-dir = \"/s\"\n"
                                + "[[folder]]\nname = \"f\"\npath = \"/f\"\n", "cluster.bnd", 2, "unknown key"),
                file("duplicate folder name", second.replace("\"ct102\"", "\"ct101\""), "folder[1].name", 14,
                        "already the name of folder[0]"),
                file("duplicate folder path", second.replace("/ct102", "/ct101"), "folder[1].path", 15,
                        "already the path of folder[0]"),
                file("folder inside another", second.replace("/ct102", "/ct101/rootfs"), "folder[1].path", 15,
                        "overlap"),
                file("folder around another", second.replace("/ct102", ""), "folder[1].path", 15, "overlap"),
                file("second folder not shared with this node", second + "nodes = [\"beta\"]\n", "folder[1].nodes",
                        16, "folder \"ct102\" is not shared with this node (\"alpha\")"),
                file("non-loopback bind in an inline table takes the table's line",
                        "\ncluster = { name = \"c\", bind = \"10.0.0.1\" }\n[node]\nname = \"a\"\nstate-dir = \"/s\"\n"
                                + "[[folder]]\nname = \"f\"\npath = \"/f\"\n", "cluster.credentials", 2,
                        "bind address 10.0.0.1 is not a loopback address"),
                file("no folder", BASE.substring(0, BASE.indexOf("[[folder]]")), "folder", 0,
                        "at least one [[folder]] is required"),
                file("folder as a plain table", BASE.replace("[[folder]]", "[folder]"), "folder", 9,
                        "expected an array of tables ([[folder]])"),
                file("no node table", BASE.substring(BASE.indexOf("[cluster]")), "node", 0, "[node] table is required"),
                file("node as a string", "node = \"alpha\"\n" + BASE.substring(BASE.indexOf("[cluster]")), "node", 1,
                        "expected a table"),
                file("syntax error: unterminated string", BASE.replace("\"127.0.0.1:7800\"", "\"127.0.0.1:7800"), null,
                        7, "TOML syntax error"),
                file("syntax error: missing value", BASE.replace("name = \"ct101\"", "name ="), null, 10,
                        "TOML syntax error"),
                file("empty file", "", "node", 0, "[node] table is required"),
                file("action without pattern", action("exec = [\"/bin/true\"]"), "folder[0].action[0].pattern", 13,
                        "required: a glob or a list of globs"),
                file("action pattern with a bad glob", action(EXEC_OK + "pattern = \"[abc\""),
                        "folder[0].action[0].pattern", 15, "'[' without a closing ']'"),
                file("action pattern list with a bad glob", action(EXEC_OK + "pattern = [\"a/**\", \"[abc\"]"),
                        "folder[0].action[0].pattern[1]", 15, "'[' without a closing ']'"),
                file("action pattern of comments only", action(EXEC_OK + "pattern = [\"# x\", \"\"]"),
                        "folder[0].action[0].pattern", 15, "matches nothing"),
                file("action pattern not a string", action(EXEC_OK + "pattern = 3"), "folder[0].action[0].pattern",
                        15, "expected a string or a list of strings"),
                file("action without exec", action("pattern = \"a/**\""), "folder[0].action[0].exec", 13,
                        "required; expected a list of strings"),
                file("action exec as a shell line", action("pattern = \"a/**\"\nexec = \"/usr/sbin/nginx -s reload\""),
                        "folder[0].action[0].exec", 15, "it is not run through a shell"),
                file("action exec empty", action("pattern = \"a/**\"\nexec = []"), "folder[0].action[0].exec", 15,
                        "is empty"),
                file("action exec relative", action("pattern = \"a/**\"\nexec = [\"nginx\", \"-s\", \"reload\"]"),
                        "folder[0].action[0].exec[0]", 15, "\"nginx\" must be an absolute path"),
                file("action exec not normalised", action("pattern = \"a/**\"\nexec = [\"/usr/../sbin/nginx\"]"),
                        "folder[0].action[0].exec[0]", 15, "must be normalised"),
                file("action exec with a number", action("pattern = \"a/**\"\nexec = [\"/bin/kill\", 1]"),
                        "folder[0].action[0].exec", 15, "expected a list of strings"),
                file("action do-local not a bool", action(ACTION_OK + "do-local = \"yes\""),
                        "folder[0].action[0].do-local", 16, "expected true or false"),
                file("action debounce bad", action(ACTION_OK + "debounce = \"soon\""),
                        "folder[0].action[0].debounce", 16, "expected a duration"),
                file("action debounce too long", action(ACTION_OK + "debounce = \"2h\""),
                        "folder[0].action[0].debounce", 16, "must be from 0s to 1h"),
                file("action timeout too short", action(ACTION_OK + "timeout = \"500ms\""),
                        "folder[0].action[0].timeout", 16, "must be from 1s to 1d"),
                file("action unknown key", action(ACTION_OK + "logfile = \"/var/log/x\""),
                        "folder[0].action[0].logfile", 16, "unknown key; expected one of [debounce, do-local, exec,"
                                + " pattern, timeout]"),
                file("action in the second folder", BASE + "\n[[folder]]\nname = \"b\"\npath = \"/b\"\n"
                                + "[[folder.action]]\n" + ACTION_OK + "[[folder.action]]\npattern = \"x\"\n",
                        "folder[1].action[1].exec", 19, "required"),
                file("action as a plain table", BASE + "\n[folder.action]\n" + ACTION_OK, "folder[0].action", 13,
                        "expected an array of tables ([[folder[0].action]])"));
    }

    /** A valid action body (two lines); a key added after it is on line 16 of {@link #action}. */
    private static final String ACTION_OK = "pattern = \"etc/**\"\nexec = [\"/bin/true\"]\n";

    /** An action's exec line alone; a key added after it is on line 15 of {@link #action}. */
    private static final String EXEC_OK = "exec = [\"/bin/true\"]\n";

    /** {@link #BASE} with one {@code [[folder.action]]} (header on line 13) holding {@code body}. */
    private static String action(String body) {
        return BASE + "\n[[folder.action]]\n" + body + "\n";
    }

    private static Arguments file(String description, String text, String key, int line, String reason) {
        return Arguments.of(description, text, key, line, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsBadFile(String description, String text, String key, int line, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(text));
        assertRejected(e, key, line, reason);
    }

    @Test
    void missingFileIsAConfigException() {
        Path missing = dir.resolve("nope.toml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(missing + ": file not found", e.getMessage());
    }

    @Test
    void directoryIsAConfigException() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
        assertTrue(e.reason().startsWith("cannot read"), e.getMessage());
    }

    @Test
    void messageNamesFileLineKeyAndReason() throws IOException {
        Path file = write(edit(BASE, List.of("folder.settle = \"soon\"")));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":10: folder[0].settle: \"soon\": expected a duration such as 20ms, 5s, 1h",
                e.getMessage());
    }

    @Test
    void syntaxErrorCarriesNoStackTraceText() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("[node\n"));
        assertNull(e.key());
        assertTrue(!e.reason().contains("\n") && !e.reason().contains("at ["), e.reason());
    }

    private static void assertRejected(ConfigException e, String key, int line, String reason) {
        assertEquals(key, e.key(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.reason().contains(reason), () -> "reason of " + e.getMessage());
    }

    private SyncnodeConfig load(String text) throws IOException, ConfigException {
        return ConfigLoader.load(write(text));
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "syncnode", ".toml");
        Files.writeString(file, text);
        return file;
    }

    /**
     * Applies edits to a file with one section per name ("node", "cluster", first "folder"):
     * {@code "section.key = value"} replaces that key's line or, if absent, inserts it right after
     * the section header; {@code "-section.key"} deletes the key's line.
     */
    static String edit(String text, List<String> edits) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        for (String e : edits) {
            boolean delete = e.startsWith("-");
            String body = delete ? e.substring(1) : e;
            String section = body.substring(0, body.indexOf('.'));
            String key = body.substring(section.length() + 1).split(" = ")[0];
            int header = lines.indexOf(section.equals("folder") ? "[[folder]]" : "[" + section + "]");
            int at = header + 1;
            while (at < lines.size() && !lines.get(at).startsWith(key + " = ") && !lines.get(at).isEmpty()) {
                at++;
            }
            boolean found = at < lines.size() && lines.get(at).startsWith(key + " = ");
            if (delete) {
                lines.remove(at);
            } else if (found) {
                lines.set(at, body.substring(section.length() + 1));
            } else {
                lines.add(header + 1, body.substring(section.length() + 1));
            }
        }
        return String.join("\n", lines);
    }
}
