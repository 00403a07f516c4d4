package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.ConfigLoader;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.cli.TestConfigs.Run;
import io.syncnode.protocol.ConflictPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import-csync2}: the CLI in this JVM, end to end, on csync2 files in a temporary directory. */
class ImportCsync2CommandTest {
    private static final String CSYNC2 = """
            # two groups; alpha is in one
            group www {
            	host alpha beta@10.0.0.2 (gamma);
            	key /etc/csync2.key_www;
            	include /var/www;
            	exclude /var/www/cache *.swp;
            	auto younger;
            	action {
            		pattern /var/www/conf;
            		exec "/usr/sbin/nginx -s reload";
            	}
            	backup-directory /var/backups/csync2;
            }
            group db {
            	host beta gamma;
            	key /etc/csync2.key_db;
            	include /var/lib/db;
            }
            """;

    @TempDir
    Path dir;
    Path cfg;

    @BeforeEach
    void write() throws IOException {
        cfg = Files.writeString(dir.resolve("csync2.cfg"), CSYNC2);
    }

    private static Invocation invocation(PrintStream out, PrintStream err) {
        return new Invocation(out, err, file -> {
            throw new AssertionError("import-csync2 reads no syncnode configuration");
        }, config -> {
            throw new AssertionError("import-csync2 starts no node");
        }, action -> { });
    }

    private static Run run(String... args) {
        return TestConfigs.run(ImportCsync2CommandTest::invocation, args);
    }

    private static void assertNoStackTrace(Run run) {
        String all = run.out() + run.err();
        assertFalse(all.contains("Exception") || all.contains("\tat "), all);
    }

    @Test
    void writesALoadableConfigAndListsWhatItCouldNotMap() throws Exception {
        Path out = dir.resolve("node.toml");
        Run run = run("import-csync2", cfg.toString(), "--host", "Alpha", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("wrote " + out + " (node alpha, 1 folder(s))" + System.lineSeparator(), run.out());
        SyncnodeConfig loaded = ConfigLoader.load(out);
        assertEquals("alpha", loaded.node().name());
        assertEquals("alpha:7800", loaded.cluster().bind().toString());
        assertEquals(List.of("alpha:7800", "10.0.0.2:7800", "gamma:7800"),
                loaded.cluster().peers().stream().map(Object::toString).toList());
        FolderConfig www = loaded.folders().get(0);
        assertEquals(List.of("www", "/var/www", "[alpha, beta, gamma]", "[*.swp, /cache]"),
                List.of(www.name(), www.path().toString(), www.nodes().toString(), www.ignore().toString()));
        assertEquals(ConflictPolicy.NEWEST, www.conflict());
        assertEquals(List.of("/conf"), www.actions().get(0).pattern());
        assertEquals(List.of("/usr/sbin/nginx", "-s", "reload"), www.actions().get(0).exec());
        List<String> err = run.err().lines().toList();
        List<String> expected = List.of("csync2.cfg:3: not mapped: host (gamma): ",
                "csync2.cfg:4: not mapped: key /etc/csync2.key_www: ",
                "csync2.cfg:12: not mapped: backup-directory /var/backups/csync2: ", "csync2.cfg:14: skipped: group db: ");
        assertEquals(expected.size() + 1, err.size(), run.err());
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(err.get(i).startsWith(expected.get(i)), err.get(i));
        }
        assertTrue(err.get(4).startsWith("3 not mapped, 0 changed, 1 skipped; next:"), run.err());
        assertTrue(Files.readString(out).contains("#  csync2.cfg:4: not mapped: key /etc/csync2.key_www: syncnode"
                + " admits members by certificate"), Files.readString(out));
        assertNoStackTrace(run);
    }

    @Test
    void withoutOutTheConfigGoesToStdoutAndAnExistingFileIsNeverOverwritten() throws Exception {
        Run run = run("import-csync2", cfg.toString(), "--host", "alpha");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("[[folder]]\nname = \"www\"\npath = \"/var/www\"\n"), run.out());
        Path existing = Files.writeString(dir.resolve("node.toml"), "keep me");
        Run refused = run("import-csync2", cfg.toString(), "--host", "alpha", "--out", existing.toString());
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("syncnode: " + existing + " exists; it is never overwritten"),
                refused.err());
        assertEquals("keep me", Files.readString(existing));
    }

    @Test
    void badInputExitsTwoNamingTheLineWithoutAStackTrace() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.cfg"), "group g {\n\thost a;\n\tauto newest;\n}\n");
        Run run = run("import-csync2", bad.toString(), "--host", "a");
        assertEquals(2, run.code());
        assertEquals("syncnode: " + bad + ":3: unknown auto method 'newest'; csync2 knows none, first, younger, older,"
                + " bigger, smaller, left and right" + System.lineSeparator(), run.err());
        assertEquals("", run.out());
        Run missing = run("import-csync2", dir.resolve("nope.cfg").toString(), "--host", "a");
        assertEquals(2, missing.code());
        assertEquals("syncnode: " + dir.resolve("nope.cfg") + ": file not found" + System.lineSeparator(),
                missing.err());
        assertNoStackTrace(run);
    }

    @Test
    void aHostInNoGroupExitsTwoSayingWhichGroupsItSkipped() {
        Run run = run("import-csync2", cfg.toString(), "--host", "delta");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("csync2.cfg:2: skipped: group www: host delta is not in it (hosts: alpha"
                + " beta@10.0.0.2 (gamma))"), run.err());
        assertTrue(run.err().contains("nothing to import for host delta"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void withoutHostThisMachinesNameIsUsed() {
        String me = ImportCsync2Command.localHostName().toLowerCase(java.util.Locale.ROOT);
        Run run = run("import-csync2", cfg.toString());
        assertEquals(2, run.code(), "this machine is in no group of the file");
        assertTrue(run.err().contains("nothing to import for host " + me), run.err());
    }

    @Test
    void anIncludedFileOnThisMachineIsSyncedThroughItsDirectory() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("app.conf"), "x");
        Files.createDirectories(app.resolve("conf.d"));
        Path cfg2 = Files.writeString(dir.resolve("files.cfg"), "group app {\n host alpha beta;\n include " + app
                + "/app.conf " + app + "/conf.d;\n}\n");
        Path out = dir.resolve("app.toml");
        Run run = run("import-csync2", cfg2.toString(), "--host", "alpha", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        FolderConfig folder = ConfigLoader.load(out).folders().get(0);
        assertEquals(app, folder.path());
        assertEquals(List.of("/*", "!/app.conf", "!/conf.d"), folder.ignore());
        assertTrue(run.err().contains("files.cfg:1: changed: group app: folder app (" + app + ") is not itself"
                + " included"), run.err());
    }

    @Test
    void fileIsRequired() {
        Run run = run("import-csync2");
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("syncnode: Missing required parameter: 'FILE'"), run.err());
        assertTrue(run.err().contains("Usage: syncnode import-csync2"), run.err());
    }
}
