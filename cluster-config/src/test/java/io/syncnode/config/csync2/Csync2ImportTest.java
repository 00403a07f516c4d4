package io.syncnode.config.csync2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.ConfigLoader;
import io.syncnode.config.FolderAction;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.HostPort;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.config.Transport;
import io.syncnode.protocol.IgnoreMatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The import of real and hand-written csync2 configurations (test resources): each output is
 * loaded back with {@link ConfigLoader}, and its node, peers, folders (path, nodes, ignore,
 * policy, priority, actions) and the import's notes are compared with what csync2's semantics
 * call for.
 */
class Csync2ImportTest {
    @TempDir
    Path dir;

    static Path resource(String name) throws Exception {
        return Path.of(Csync2ImportTest.class.getResource(name).toURI());
    }

    static ImportedConfig imported(String resource, String host) throws Exception {
        return Csync2Mapper.map(Csync2Parser.parse(resource(resource)), host);
    }

    /** One folder on one line, as the loader read it. */
    static String summary(FolderConfig f) {
        String actions = f.actions().stream().map(Csync2ImportTest::summary).collect(Collectors.joining());
        return f.name() + " " + f.path() + " nodes=" + f.nodes() + " ignore=" + f.ignore() + " "
                + f.conflict().configName() + (f.priority().isEmpty() ? "" : " priority=" + f.priority()) + actions;
    }

    private static String summary(FolderAction a) {
        return " | action " + a.pattern() + " -> " + a.exec() + (a.doLocal() ? " do-local" : "");
    }

    static List<String> notes(ImportedConfig c) {
        return c.notes().stream().map(n -> n.where() + " " + n.kind().label() + ": " + n.subject()).toList();
    }

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("Debian example, host1 (prefix on host[12])", "debian-example.cfg", "host1", "host1",
                        List.of("host1:7800", "host2:7800", "host3:7800", "host4-eth2:7800"),
                        List.of("mygroup-etc-apache /etc/apache nodes=[host1, host2, host3, host4] ignore=[*~, .*]"
                                        + " manual | action [/httpd.conf, /sites-available/*] ->"
                                        + " [/usr/sbin/apache2ctl, graceful] do-local",
                                "mygroup-export-users-bob /export/users/bob nodes=[host1, host2, host3, host4]"
                                        + " ignore=[*~, .*, /temp] manual"),
                        List.of("debian-example.cfg:31 changed: prefix homedir",
                                "debian-example.cfg:6 not mapped: host (host3)",
                                "debian-example.cfg:9 not mapped: key /etc/csync2.key_mygroup",
                                "debian-example.cfg:25 not mapped: backup-directory /var/backups/csync2",
                                "debian-example.cfg:26 not mapped: backup-generations 3",
                                "debian-example.cfg:16 not mapped: action logfile \"/var/log/csync2_action.log\"")),
                Arguments.of("Debian example, slave host3 (prefix on *)", "debian-example.cfg", "HOST3", "host3",
                        List.of("host1:7800", "host2:7800", "host3:7800", "host4-eth2:7800"),
                        List.of("mygroup-etc-apache /etc/apache nodes=[host1, host2, host3, host4] ignore=[*~, .*]"
                                        + " manual | action [/httpd.conf, /sites-available/*] ->"
                                        + " [/usr/sbin/apache2ctl, graceful] do-local",
                                "mygroup-home-bob /home/bob nodes=[host1, host2, host3, host4] ignore=[*~, .*, /temp]"
                                        + " manual"),
                        List.of("debian-example.cfg:31 changed: prefix homedir",
                                "debian-example.cfg:6 not mapped: host (host3)",
                                "debian-example.cfg:9 not mapped: key /etc/csync2.key_mygroup",
                                "debian-example.cfg:25 not mapped: backup-directory /var/backups/csync2",
                                "debian-example.cfg:26 not mapped: backup-generations 3",
                                "debian-example.cfg:16 not mapped: action logfile \"/var/log/csync2_action.log\"")),
                Arguments.of("classic-tools.md 1.4: every root keyword", "classic-tools.cfg", "h1", "h1",
                        List.of("h1:7800", "h2:7800", "h3:7800", "10.0.0.4:7800"),
                        List.of("web /srv/www nodes=[h1, h2, h3, h4] ignore=[*.swp, /cache] newest"
                                + " | action [/conf] -> [/bin/sh, -c, systemctl reload nginx] do-local"),
                        List.of("classic-tools.cfg:4 not mapped: nossl * *",
                                "classic-tools.cfg:5 not mapped: ignore uid gid mod",
                                "classic-tools.cfg:6 not mapped: database /var/lib/csync2/h1.db3",
                                "classic-tools.cfg:7 not mapped: tempdir /var/tmp/csync2",
                                "classic-tools.cfg:8 not mapped: lock-timeout 30",
                                "classic-tools.cfg:10 changed: prefix www",
                                "classic-tools.cfg:16 not mapped: host (h3)",
                                "classic-tools.cfg:18 not mapped: key /etc/csync2.key",
                                "classic-tools.cfg:24 not mapped: backup-directory /var/backups/csync2",
                                "classic-tools.cfg:25 not mapped: backup-generations 5",
                                "classic-tools.cfg:22 not mapped: compare %www%/*.html",
                                "classic-tools.cfg:26 changed: action do-local-only",
                                "classic-tools.cfg:26 changed: action exec \"systemctl reload nginx\"")),
                Arguments.of("several groups, include file, FQDN, left/right", "several-groups.cfg", "alpha", "alpha",
                        List.of("alpha:7800", "beta.example.com:7800", "gamma:7800"),
                        List.of("etc-etc-nginx /etc/nginx nodes=[alpha, beta, gamma]"
                                        + " ignore=[*.dpkg-old, !*.dpkg-old-keep, /*.bak] priority"
                                        + " priority=[alpha, beta, gamma] | action [**] -> [/usr/sbin/nginx, -s, reload]",
                                "etc-etc-ssl /etc/ssl nodes=[alpha, beta, gamma]"
                                        + " ignore=[*.dpkg-old, !*.dpkg-old-keep, /private] priority"
                                        + " priority=[alpha, beta, gamma] | action [**] -> [/usr/sbin/nginx, -s, reload]",
                                "group_1 /var/www nodes=[gamma, alpha, beta] ignore=[] priority"
                                        + " priority=[beta, gamma, alpha]",
                                "lxc /var/lib/lxc/ct101 nodes=[alpha, gamma] ignore=[] bigger"),
                        List.of("several-groups.cfg:4 changed: host beta.example.com",
                                "several-groups.cfg:5 not mapped: key /etc/csync2.key_etc",
                                "several-groups.cfg:19 not mapped: host (alpha)",
                                "several-groups.cfg:20 not mapped: key /etc/csync2.key_www",
                                "several-groups.cfg:25 skipped: group backup",
                                "several-groups-extra.cfg:4 not mapped: key /etc/csync2.key_lxc")),
                Arguments.of("edge cases: what an ignore list cannot hold", "edge-cases.cfg", "alpha", "alpha",
                        List.of("alpha:7800", "beta:7800"),
                        List.of("edge /data nodes=[alpha, beta] ignore=[/tmp] keep-both"
                                        + " | action [/incoming] -> [/bin/sh, -c, cd /data && ./run.sh > /dev/null]"
                                        + " | action [/incoming] -> [/usr/bin/touch, /data/.done]",
                                "other /srv nodes=[alpha, beta] ignore=[\\!draft] manual"
                                        + " | action [**] -> [/usr/bin/logger, synced]"),
                        List.of("edge-cases.cfg:4 not mapped: key /etc/csync2.key_edge",
                                "edge-cases.cfg:14 changed: auto first",
                                "edge-cases.cfg:13 not mapped: include %nowhere%/x",
                                "edge-cases.cfg:11 not mapped: include /opt/app",
                                "edge-cases.cfg:10 not mapped: exclude sub/name",
                                "edge-cases.cfg:8 not mapped: include /data/tmp/keep",
                                "edge-cases.cfg:9 not mapped: exclude /data/**/*.log",
                                "edge-cases.cfg:15 not mapped: action exec \"/usr/local/bin/process %%\"",
                                "edge-cases.cfg:15 changed: action exec \"cd /data && ./run.sh > /dev/null\"",
                                "edge-cases.cfg:21 not mapped: action pattern relative/*.conf",
                                "edge-cases.cfg:21 not mapped: action",
                                "edge-cases.cfg:29 not mapped: key /etc/csync2.key_other",
                                "edge-cases.cfg:34 not mapped: include /var/log/app",
                                "edge-cases.cfg:30 not mapped: include /data/sub")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void theImportLoadsAndSaysWhatItCouldNotMap(String name, String resource, String host, String node,
                                                List<String> peers, List<String> folders, List<String> notes)
            throws Exception {
        ImportedConfig imported = imported(resource, host);
        Path file = Files.writeString(dir.resolve("node.toml"), TomlRenderer.render(imported));
        SyncnodeConfig loaded = ConfigLoader.load(file);
        assertEquals(node, loaded.node().name());
        assertEquals(Transport.TCP, loaded.cluster().transport());
        assertEquals(peers, loaded.cluster().peers().stream().map(HostPort::toString).toList());
        assertEquals(peers.get(List.of(imported.peers().toArray()).indexOf(imported.bind())),
                loaded.cluster().bind().toString(), "bind is this host's own peer address");
        assertEquals(folders, loaded.folders().stream().map(Csync2ImportTest::summary).toList());
        assertEquals(notes, notes(imported));
        String text = Files.readString(file);
        for (ImportNote n : imported.notes()) {
            assertTrue(text.contains("#  " + n.toString().lines().findFirst().orElseThrow()), n + " in:\n" + text);
        }
    }

    @Test
    void aHostThatCannotBeANodeGetsNoFolderAndTheReason() throws Exception {
        Csync2Config parsed = Csync2Parser.parse(Path.of("/etc/csync2.cfg"),
                f -> "group g {\n host web_1 web2;\n include /srv;\n}\n");
        ImportedConfig imported = Csync2Mapper.map(parsed, "web_1");
        assertEquals(List.of(), imported.folders());
        assertEquals(List.of("csync2.cfg:2 not mapped: host web_1", "csync2.cfg:1 not mapped: group g"),
                notes(imported));
        assertTrue(imported.notes().get(0).reason().startsWith("cannot be a peer address: \"web_1\" is not an IP"
                + " address or host name"), imported.notes().get(0).reason());
        assertEquals(1, Csync2Mapper.map(parsed, "web2").folders().size(), "the other host still imports");
    }

    @Test
    void includedFilesAndWildcardsAreSyncedThroughTheDirectoryAboveWithAnAllowList() throws Exception {
        Set<String> files = Set.of("/etc/corosync/corosync.conf", "/etc/corosync/authkey", "/etc/csync2/csync2.cfg",
                "/etc/csync2/key_hagroup", "/etc/drbd.conf", "/etc/lvm/lvm.conf", "/etc/sysconfig/pacemaker",
                "/etc/pacemaker/authkey");
        ImportedConfig imported = Csync2Mapper.map(Csync2Parser.parse(resource("pacemaker-files.cfg")), "node2",
                files::contains);
        SyncnodeConfig loaded = ConfigLoader.load(Files.writeString(dir.resolve("node.toml"),
                TomlRenderer.render(imported)));
        FolderConfig etc = loaded.folders().get(0);
        assertEquals(1, loaded.folders().size());
        assertEquals(List.of("ha_group", "/etc", "[node1, node2]"),
                List.of(etc.name(), etc.path().toString(), etc.nodes().toString()));
        assertEquals(List.of("/*", "!/booth", "!/corosync", "!/csync2", "!/drbd.conf", "!/drbd.d", "!/lvm",
                "!/sysconfig", "!/pacemaker", "!/ha.d", "/corosync/*", "!/corosync/corosync.conf",
                "!/corosync/authkey", "/csync2/*", "!/csync2/csync2.cfg", "!/csync2/key_hagroup", "/lvm/*",
                "!/lvm/lvm.conf", "/sysconfig/*", "!/sysconfig/pacemaker", "/pacemaker/*", "!/pacemaker/authkey",
                "/ha.d/*", "!/ha.d/*.cf"), etc.ignore());
        IgnoreMatcher ignore = IgnoreMatcher.compile(etc.ignore());
        for (String synced : List.of("corosync/corosync.conf", "corosync/authkey", "drbd.conf", "drbd.d/r0.res",
                "booth/booth.conf", "ha.d/ldirectord.cf", "sysconfig/pacemaker", "pacemaker/authkey")) {
            assertFalse(ignore.ignored(synced, false), synced + " is synced as csync2 syncs it");
        }
        for (String left : List.of("passwd", "shadow", "corosync/uidgid.d", "lvm/archive", "sysconfig/network",
                "ha.d/README", "pacemaker/cib.xml")) {
            assertTrue(ignore.ignored(left, false), left + " is not in the group");
        }
        assertEquals(List.of("pacemaker-files.cfg:5 not mapped: key /etc/csync2/key_hagroup",
                "pacemaker-files.cfg:3 changed: group ha_group"), notes(imported));
    }

    @Test
    void anIncludedDirectoryBelowAnAllowListIsWhollySyncedAndAWildcardNeedsNoFileCheck() throws Exception {
        Csync2Config parsed = Csync2Parser.parse(Path.of("/etc/csync2.cfg"), f -> """
                group g { host a; include /srv/site/*.html /srv/site/assets /srv/site/assets/img/logo.png; }
                """);
        ImportedConfig imported = Csync2Mapper.map(parsed, "a", p -> p.endsWith(".png"));
        assertEquals("/srv/site", imported.folders().get(0).path());
        assertEquals(List.of("/*", "!/*.html", "!/assets"), imported.folders().get(0).ignore(),
                "logo.png lies in the wholly included assets: no rule narrows assets");
    }

    @Test
    void tomlStringsEscapeQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", TomlRenderer.quote("a\"b\\c\n\u0001"));
    }

    @Test
    void debiansShippedFileIsAllCommentsAndGivesNoFolder() throws Exception {
        ImportedConfig imported = imported("debian-shipped.cfg", "host1");
        assertEquals(List.of(), imported.folders());
        assertEquals(List.of(), imported.notes());
    }

    @Test
    void aHostInNoGroupGetsNoFolderAndANotePerGroup() throws Exception {
        ImportedConfig imported = imported("several-groups.cfg", "delta");
        assertEquals(List.of(), imported.folders());
        assertEquals(List.of("several-groups.cfg:3 skipped: group etc", "several-groups.cfg:18 skipped: group group_1",
                "several-groups.cfg:25 skipped: group backup", "several-groups-extra.cfg:2 skipped: group lxc"),
                notes(imported).stream().filter(n -> n.contains("skipped")).toList());
    }

    @Test
    void theOutputNamesWhereAddressesComeFromAndHowToMakeCredentials() throws Exception {
        String text = TomlRenderer.render(imported("debian-example.cfg", "host1"));
        assertTrue(text.contains("reached at the address after '@' in\n# its host statement, else at its csync2"
                + " host name"), text);
        assertTrue(text.contains("`syncnode keygen node --ca CA-DIR --name host1 --out /etc/syncnode/credentials`"),
                text);
        assertTrue(text.contains("conflict = \"manual\" # csync2: auto none"), text);
    }
}
