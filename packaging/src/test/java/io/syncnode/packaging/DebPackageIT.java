package io.syncnode.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.ConfigLoader;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb the build made (target/syncnode_VERSION_all.deb), opened as the archive it is: the file
 * list and modes, the control fields, the conffile, the example config (it must load), and the man
 * page and completion against the CLI's own verb list. No root and no dpkg needed; installing it
 * for real is {@code .ci/package-check}.
 */
class DebPackageIT {
    /** Every file the package installs, with its mode. */
    private static final Map<String, Integer> FILES = new TreeMap<>(Map.ofEntries(
            Map.entry("/usr/share/syncnode/syncnode.jar", 0644),
            Map.entry("/usr/bin/syncnode", 0755),
            Map.entry("/usr/share/syncnode/launch-jar", 0755),
            Map.entry("/lib/systemd/system/syncnode.service", 0644),
            Map.entry("/etc/syncnode/node.toml", 0644),
            Map.entry("/usr/lib/sysctl.d/60-syncnode.conf", 0644),
            Map.entry("/usr/share/man/man1/syncnode.1.gz", 0644),
            Map.entry("/usr/share/man/man5/syncnode.toml.5.gz", 0644),
            Map.entry("/usr/share/bash-completion/completions/syncnode", 0644),
            Map.entry("/usr/share/syncnode/lxc/syncnode-hook", 0755),
            Map.entry("/usr/share/syncnode/lxc/README.md", 0644),
            Map.entry("/usr/share/doc/syncnode/README.md", 0644),
            Map.entry("/usr/share/doc/syncnode/PROTOCOL.md", 0644)));

    private static final Map<String, byte[]> control = new TreeMap<>();
    private static final Map<String, byte[]> data = new TreeMap<>();
    private static final Map<String, Integer> modes = new TreeMap<>();
    private static final Map<String, String> owners = new TreeMap<>();

    @BeforeAll
    static void open() throws IOException {
        Path dir = Path.of(System.getProperty("syncnode.deb.dir", "target"));
        List<Path> debs = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("syncnode_.*_all\\.deb")).forEach(debs::add);
        }
        assertEquals(1, debs.size(), "one syncnode_*_all.deb in " + dir + ": " + debs);
        try (ArArchiveInputStream ar = new ArArchiveInputStream(Files.newInputStream(debs.get(0)))) {
            for (ArArchiveEntry e = ar.getNextEntry(); e != null; e = ar.getNextEntry()) {
                switch (e.getName()) {
                    case "debian-binary" -> assertEquals("2.0\n", new String(ar.readAllBytes(), StandardCharsets.US_ASCII));
                    case "control.tar.gz" -> readTar(ar, control, null, null);
                    case "data.tar.gz" -> readTar(ar, data, modes, owners);
                    default -> throw new AssertionError("unexpected ar member " + e.getName());
                }
            }
        }
    }

    private static void readTar(InputStream in, Map<String, byte[]> into, Map<String, Integer> modes,
                                Map<String, String> owners) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in));
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
            if (e.isDirectory()) {
                continue;
            }
            String name = e.getName().replaceFirst("^\\./", "/").replaceFirst("^(?!/)", "/");
            into.put(name, tar.readAllBytes());
            if (modes != null) {
                modes.put(name, e.getMode() & 07777);
                owners.put(name, e.getUserName() + ":" + e.getGroupName());
            }
        }
    }

    private static String text(Map<String, byte[]> files, String name) throws IOException {
        byte[] b = files.get(name);
        assertTrue(b != null, name + " is in the package");
        if (name.endsWith(".gz")) {
            b = new GZIPInputStream(new java.io.ByteArrayInputStream(b)).readAllBytes();
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Map<String, String> controlFields() throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line : text(control, "/control").split("\n")) {
            if (line.startsWith(" ") && last != null) {
                fields.put(last, fields.get(last) + "\n" + line);
            } else if (line.contains(":")) {
                last = line.substring(0, line.indexOf(':'));
                fields.put(last, line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return fields;
    }

    @Test
    void theDataHoldsExactlyTheInstalledFilesWithTheirModesOwnedByRoot() {
        assertEquals(FILES.keySet(), data.keySet());
        assertEquals(FILES, modes);
        owners.forEach((name, owner) -> assertEquals("root:root", owner, name));
    }

    @Test
    void theControlFieldsNameAnArchitectureIndependentPackageNeedingJava17() throws IOException {
        Map<String, String> f = controlFields();
        assertEquals("syncnode", f.get("Package"));
        String version = System.getProperty("syncnode.version", "0.1.0-SNAPSHOT");
        // jdeb writes a Maven SNAPSHOT as ~snapshot, which Debian sorts before the release
        assertEquals(version.replace("-SNAPSHOT", "~snapshot"), f.get("Version"));
        assertEquals("all", f.get("Architecture"));
        List<String> java = List.of(f.get("Depends").split("\\s*\\|\\s*"));
        assertTrue(java.contains("openjdk-17-jre-headless") && java.contains("java17-runtime-headless"), f.get("Depends"));
        assertTrue(f.containsKey("Description") && f.containsKey("Maintainer"), f.toString());
        assertEquals("/etc/syncnode/node.toml", text(control, "/conffiles").trim());
        for (String script : List.of("/postinst", "/prerm", "/postrm")) {
            assertTrue(text(control, script).startsWith("#!/bin/sh\n"), script);
        }
    }

    @Test
    void theExampleConfigLoads(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("node.toml");
        Files.write(file, data.get("/etc/syncnode/node.toml"));
        SyncnodeConfig config = ConfigLoader.load(file);
        assertEquals(Path.of("/var/lib/syncnode"), config.node().stateDir(), "the unit's StateDirectory");
    }

    @Test
    void theUnitRunsTheInstalledLauncherAsANotifyService() throws IOException {
        String unit = text(data, "/lib/systemd/system/syncnode.service");
        for (String line : List.of("Type=notify", "NotifyAccess=main",
                "ExecStart=/usr/bin/syncnode run -c /etc/syncnode/node.toml",
                "ExecReload=/usr/bin/syncnode reload -c /etc/syncnode/node.toml", "StateDirectory=syncnode",
                "ReadWritePaths=/var/lib/syncnode", "ProtectSystem=strict", "CacheDirectory=syncnode")) {
            assertTrue(unit.lines().anyMatch(line::equals), line);
        }
        assertTrue(text(data, "/usr/bin/syncnode").contains(
                "exec /usr/share/syncnode/launch-jar /usr/share/syncnode/syncnode.jar \"$@\""));
    }

    /** The verbs of {@code syncnode --help}, from the jar's own command model. */
    private static Set<String> verbs() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.execute(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err));
        Set<String> verbs = new TreeSet<>();
        boolean inCommands = false;
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.isBlank()) {
                break;
            } else if (inCommands && line.matches("  [a-z][a-z0-9-]*( .*)?")) {
                verbs.add(line.trim().split("\\s+")[0]);
            }
        }
        assertTrue(verbs.contains("run") && verbs.contains("status"), verbs.toString());
        return verbs;
    }

    @Test
    void theManPageAndTheCompletionKnowEveryVerb() throws IOException {
        // troff spells a command's hyphen \- (a real hyphen-minus, as typed)
        String man = text(data, "/usr/share/man/man1/syncnode.1.gz").replace("\\-", "-");
        String completion = text(data, "/usr/share/bash-completion/completions/syncnode");
        for (String verb : verbs()) {
            assertTrue(man.contains("\n.B " + verb + "\n") || man.contains("\n.B " + verb + " "),
                    "syncnode(1) describes `" + verb + "` under VERBS");
            assertTrue(completion.contains(verb), "the completion offers `" + verb + "`");
        }
        assertTrue(completion.contains("complete -F _complete_syncnode"), "a bash completion function");
    }
}
