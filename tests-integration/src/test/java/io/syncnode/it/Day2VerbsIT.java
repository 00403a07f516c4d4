package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 15's day-2 verbs against three real node processes (tcp on loopback), through the real CLI:
 * {@code diff} on a diverged pair (one line per kind of difference: missing here and there,
 * content, mode, owner (as root), mtime, xattrs; exit 5, then 0), {@code override}
 * (refused without {@code --yes}; then a send-only node's tree wins over an extra, a changed and a
 * deleted file on both other members), and the release of a remote mass-delete halt by
 * {@code accept-deletes --folder F}.
 */
@ExtendWith(LogTailsOnFailure.class)
class Day2VerbsIT {
    private Path home;
    private Cluster cluster;

    @AfterEach
    void stop() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            Cluster.deleteTree(home);
        }
    }

    private void start(boolean n1SendOnly) throws Exception {
        home = Files.createTempDirectory("syncnode-it-day2");
        cluster = Cluster.tcp(home, 3, Cluster.randomPort(), "10ms");
        if (n1SendOnly) {
            Path cfg = cluster.node(1).config();
            Files.writeString(cfg, Files.readString(cfg) + "type = \"send-only\"\n"); // the data folder is the last table
        }
        cluster.startAll();
    }

    @Test
    void diffShowsTheDivergenceAndOverrideMakesTheSendOnlyTreeWin() throws Exception {
        start(true);
        NodeProcess n1 = cluster.node(1); // send-only: its tree is to win
        NodeProcess n2 = cluster.node(2);
        NodeProcess n3 = cluster.node(3);
        Files.writeString(n1.folder().resolve("a.txt"), "n1's a");
        Files.writeString(n1.folder().resolve("b.txt"), "n1's b");
        for (String f : List.of("m.txt", "o.txt", "t.txt", "x.txt")) {
            Files.writeString(n1.folder().resolve(f), "n1's " + f);
        }
        Cluster.awaitIdentical("data", cluster.nodes(), Cluster.CONVERGE);
        CliResult same = n1.control("diff", "--folder", "data", "n2");
        assertEquals(0, same.exit(), "identical: " + same);

        Files.writeString(n2.folder().resolve("extra.txt"), "only the members have this");
        Files.writeString(n2.folder().resolve("a.txt"), "n2 changed a");
        Files.delete(n2.folder().resolve("b.txt"));
        Files.setPosixFilePermissions(n2.folder().resolve("m.txt"), PosixFilePermissions.fromString("rw-------"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) { // chown needs root (CI runs as root)
            Files.setAttribute(n2.folder().resolve("o.txt"), "unix:uid", 4321);
        }
        Files.setLastModifiedTime(n2.folder().resolve("t.txt"), FileTime.fromMillis(946_684_800_000L));
        Files.getFileAttributeView(n2.folder().resolve("x.txt"), UserDefinedFileAttributeView.class)
                .write("tag", StandardCharsets.UTF_8.encode("n2"));
        Cluster.awaitIdentical("data", List.of(n2, n3), Cluster.CONVERGE);
        CliResult differs = n1.control("diff", "--folder", "data", "n2");
        assertEquals(5, differs.exit(), "different: " + differs);
        String out = differs.out();
        assertTrue(line(out, "extra.txt").contains("missing here"), out);
        assertTrue(line(out, "b.txt").contains("missing there"), out);
        assertTrue(line(out, "a.txt").contains("content"), out);
        assertTrue(line(out, "m.txt").contains("mode 0644 here, 0600 there"), out);
        if (root) {
            assertTrue(line(out, "o.txt").contains("owner 0:0 here, 4321:0 there"), out);
        }
        assertTrue(line(out, "t.txt").contains("mtime"), out);
        assertTrue(line(out, "x.txt").contains("xattrs"), out);

        CliResult unconfirmed = n1.control("override", "--folder", "data");
        assertEquals(2, unconfirmed.exit(), unconfirmed.toString());
        assertTrue(unconfirmed.err().contains("--yes"), unconfirmed.toString());
        assertTrue(Files.exists(n2.folder().resolve("extra.txt")), "nothing changed without --yes");
        CliResult override = n1.control("override", "--folder", "data", "--yes");
        assertEquals(0, override.exit(), override.toString());
        assertTrue(override.out().startsWith("override data: this node's tree wins on n2, n3:"), override.toString());
        Cluster.awaitIdentical("data", cluster.nodes(), Cluster.CONVERGE);
        assertEquals("n1's a", Files.readString(n2.folder().resolve("a.txt")));
        assertEquals("n1's b", Files.readString(n3.folder().resolve("b.txt")));
        assertFalse(Files.exists(n3.folder().resolve("extra.txt")));
        Await.await(Cluster.CONVERGE, Duration.ofMillis(500), () -> n1.control("diff", "--folder", "data").exit() == 0,
                () -> "diff with every member says identical: " + n1.control("diff", "--folder", "data"));
    }

    @Test
    void aRemoteMassDeleteHaltsTheOthersUntilAcceptDeletesNamesTheFolder() throws Exception {
        start(false);
        NodeProcess n1 = cluster.node(1);
        NodeProcess n2 = cluster.node(2);
        Path bulk = Files.createDirectories(n2.folder().resolve("bulk"));
        for (int i = 0; i < 135; i++) {
            Files.writeString(bulk.resolve("f" + i + ".txt"), "file " + i);
        }
        for (int i = 135; i < 140; i++) {
            Files.writeString(n2.folder().resolve("f" + i + ".txt"), "file " + i);
        }
        Cluster.awaitIdentical("data", cluster.nodes(), Cluster.CONVERGE);
        cluster.awaitNoDirty(Cluster.CONVERGE);
        Files.move(bulk, home.resolve("bulk-moved-away")); // one announcement: 136 of 141 entries deleted
        Await.await(Cluster.CONVERGE, Duration.ofMillis(500), () -> halted(n1),
                () -> "n1 halted by n2's mass delete: " + n1.statusJson().path("folders"));
        assertTrue(Files.exists(n1.folder().resolve("bulk/f0.txt")), "the held deletes are not applied");
        CliResult check = n1.control("check");
        assertTrue(Files.exists(n1.folder().resolve("bulk/f0.txt")), "check of all folders never accepts them: " + check);
        CliResult accepted = n1.control("accept-deletes", "--folder", "data");
        assertEquals(0, accepted.exit(), accepted.toString());
        Await.await(Cluster.CONVERGE, Duration.ofMillis(200), () -> !Files.exists(n1.folder().resolve("bulk"))
                && Files.exists(n1.folder().resolve("f139.txt")), () -> "n1 applied the accepted deletes");
        assertFalse(halted(n1), "released");
    }

    private static boolean halted(NodeProcess n) {
        return "halted".equals(n.statusJson().path("folders").path(0).path("state").asText());
    }

    private static String line(String out, String path) {
        return out.lines().filter(l -> l.contains(path)).findFirst().orElse("(no line for " + path + ")");
    }
}
