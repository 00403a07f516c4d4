package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import io.syncnode.config.ClusterSection;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.control.ReloadView;
import io.syncnode.node.control.StatusView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clusters with credentials in one JVM over SHARED_LOOPBACK: every packet goes through the seal
 * layer (real JGroups, real SQLite, real inotify).
 */
class SealedClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void sealedNodesFormOneViewAndSyncBothWays() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 3, List.of()).secured()) {
            c.startAll(WAIT);
            Files.writeString(c.dir(0).resolve("a.txt"), "from n0");
            Files.writeString(c.dir(2).resolve("b.txt"), "from n2");
            // written in place: an empty first version may be synced before the content, so wait for the content
            Await.await(WAIT, () -> "from n0".equals(content(c.dir(1).resolve("a.txt")))
                    && "from n2".equals(content(c.dir(1).resolve("b.txt")))
                    && "from n2".equals(content(c.dir(0).resolve("b.txt"))), () -> "files everywhere");
            StatusView status = c.node(0).controlHandler().status();
            assertEquals(3, status.members().size(), status.members().toString());
            Await.await(WAIT, () -> c.node(0).controlHandler().status().security().sessions().stream()
                    .filter(StatusView.Session::ready).count() == 2, () -> "both peers hold n0's keys and n0 theirs: "
                    + c.node(0).controlHandler().status().security());
            StatusView.Security s = c.node(0).controlHandler().status().security();
            assertEquals("sealed", s.mode());
            assertEquals(2, s.sessions().size(), s.toString());
            s.refused().forEach((k, v) -> assertEquals(0L, v, "refused " + k + " in " + s));
            // udp: announcements go by multicast, as GROUP packets: n0 signed its own, checked n2's
            long signed = s.traffic().get("signed");
            long verified = s.traffic().get("verified");
            assertTrue(signed > 0 && signed <= s.traffic().get("sealed"), "signed GROUP packets in " + s);
            assertTrue(verified > 0 && verified <= s.traffic().get("opened"), "checked signatures in " + s);
        }
    }

    @Test
    void aFolderSharedWithSomeNodesReachesOnlyThemAndTakesOnlyTheirChanges() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 3, List.of()).secured()) {
            // n0 and n1 share "private" between them; n2 claims to share it too (its config lists itself)
            for (int i = 0; i < 3; i++) {
                List<String> nodes = i < 2 ? List.of("n0", "n1") : List.of("n0", "n1", "n2");
                withFolder(c, i, "private", nodes);
            }
            c.startAll(WAIT);
            Path p0 = privateDir(c, 0);
            Path p1 = privateDir(c, 1);
            Path p2 = privateDir(c, 2);
            Files.writeString(p0.resolve("secret.txt"), "only for n1");
            Files.writeString(p2.resolve("intruder.txt"), "n2 was not invited");
            Files.writeString(c.dir(2).resolve("open.txt"), "the shared folder still works");
            Await.await(WAIT, () -> Files.exists(p1.resolve("secret.txt")) && Files.exists(c.dir(0).resolve("open.txt"))
                    && Files.exists(c.dir(1).resolve("open.txt")), () -> "n1 has the private file, n0 and n1 the open one");
            Await.await(WAIT, () -> c.node(0).controlHandler().status().counters().rejectedMessages() > 0
                    && c.node(1).controlHandler().status().counters().rejectedMessages() > 0,
                    () -> "n0 and n1 refused n2's messages about the private folder");
            assertTrue(c.node(0).controlHandler().sync("private", WAIT, false).converged(), "n0's private change is acknowledged by n1 alone");
            assertFalse(Files.exists(p2.resolve("secret.txt")), "the private file never reached n2");
            assertFalse(Files.exists(p0.resolve("intruder.txt")), "n2's change to the private folder is refused");
            assertFalse(Files.exists(p1.resolve("intruder.txt")));
            assertEquals(List.of(), c.node(0).controlHandler().dirty("private"), "nothing is dirty toward n2");
        }
    }

    @Test
    void aMemberRevokedByReloadLeavesTheViewAndItsChangesNoLongerArrive() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 3, List.of()).secured()) {
            for (int i = 0; i < 3; i++) {
                writeToml(c, i, List.of());
            }
            c.startAll(WAIT);
            Files.writeString(c.dir(2).resolve("before.txt"), "n2 still a member");
            Await.await(WAIT, () -> Files.exists(c.dir(0).resolve("before.txt")), () -> "n2's file at n0");

            writeToml(c, 0, List.of("n2"));
            writeToml(c, 1, List.of("n2"));
            ReloadView r0 = c.node(0).controlHandler().reload();
            c.node(1).controlHandler().reload();
            assertEquals(1, r0.applied().size(), r0.toString());
            assertEquals(List.of(), r0.needsRestart(), r0.toString());
            Set<String> two = new TreeSet<>(List.of("n0", "n1"));
            Await.await(WAIT, () -> new TreeSet<>(c.node(0).controlHandler().status().members()).equals(two)
                    && new TreeSet<>(c.node(1).controlHandler().status().members()).equals(two),
                    () -> "n2 left the views of n0 and n1: " + c.node(0).controlHandler().status().members());
            Files.writeString(c.dir(2).resolve("after.txt"), "n2 was revoked");
            Files.writeString(c.dir(0).resolve("n0-after.txt"), "not for n2");
            Await.await(WAIT, () -> Files.exists(c.dir(1).resolve("n0-after.txt")), () -> "n0 and n1 go on syncing");
            Await.await(WAIT, () -> c.node(0).controlHandler().status().security().refused().get("unknownSender") > 0
                    || c.node(0).controlHandler().status().security().refused().get("certificate") > 0,
                    () -> "n0 refuses n2's packets: " + c.node(0).controlHandler().status().security());
            assertFalse(Files.exists(c.dir(0).resolve("after.txt")), "n2's change after its revocation never arrives");
            assertFalse(Files.exists(c.dir(2).resolve("n0-after.txt")), "n2 reads nothing sent after its revocation");
            assertTrue(c.node(0).controlHandler().status().security().keyGeneration() > 1, "n0 rotated its keys");
        }
    }

    /**
     * The CA itself is replaced without downtime, as the README's guide says: every node trusts both
     * CAs (reload), moves to credentials of the new CA (reload), then stops trusting the old one
     * (reload); a stream of writes goes on throughout and every write arrives everywhere.
     */
    @Test
    void theCaIsReplacedWhileTheClusterKeepsSyncing() throws Exception {
        try (LocalCluster c = new LocalCluster(tmp, 3, List.of()).secured()) {
            for (int i = 0; i < 3; i++) {
                writeToml(c, i, List.of());
            }
            c.startAll(WAIT);
            Path oldCa = c.base.resolve("ca");
            Path newCa = c.base.resolve("ca2");
            io.syncnode.node.trust.KeyGen.createCa(newCa, Duration.ofDays(1), java.time.Clock.systemUTC());
            int[] written = {0};
            Runnable write = () -> {
                try {
                    Files.writeString(c.dir(written[0] % 3).resolve("w" + written[0] + ".txt"), "write " + written[0]);
                    written[0]++;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            // 1: every node trusts both CAs
            for (int i = 0; i < 3; i++) {
                Path bundle = credentialsOf(c, i).resolve("ca.crt");
                Files.writeString(bundle, Files.readString(bundle) + Files.readString(newCa.resolve("ca.crt")));
                write.run();
                assertEquals(List.of(), c.node(i).controlHandler().reload().needsRestart());
                assertEquals(2, c.node(i).controlHandler().status().security().trusted().size());
            }
            // 2: each node moves to credentials of the new CA (still trusting the old one)
            for (int i = 0; i < 3; i++) {
                Path fresh = c.base.resolve("n" + i + "/credentials2");
                io.syncnode.node.trust.KeyGen.createNode(newCa, "n" + i, fresh, Duration.ofDays(1),
                        List.of(oldCa.resolve("ca.crt")), java.time.Clock.systemUTC());
                for (String f : List.of("node.crt", "node.key", "ca.crt")) {
                    Files.move(fresh.resolve(f), credentialsOf(c, i).resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                write.run();
                c.node(i).controlHandler().reload();
                awaitThreeMembers(c);
            }
            // 3: the old CA is no longer trusted anywhere
            for (int i = 0; i < 3; i++) {
                Files.copy(newCa.resolve("ca.crt"), credentialsOf(c, i).resolve("ca.crt"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                write.run();
                c.node(i).controlHandler().reload();
                assertEquals(1, c.node(i).controlHandler().status().security().trusted().size());
            }
            awaitThreeMembers(c);
            int n = written[0];
            for (int i = 0; i < 3; i++) {
                int node = i;
                Await.await(WAIT, () -> java.util.stream.IntStream.range(0, n)
                        .allMatch(k -> Files.exists(c.dir(node).resolve("w" + k + ".txt"))), () -> "all " + n + " writes on n" + node);
            }
            for (int i = 0; i < 3; i++) {
                c.node(i).controlHandler().status().security().refused().forEach((k, v) -> {
                    if (!k.equals("unknownSender")) {
                        assertEquals(0L, v, "refused " + k);
                    }
                });
            }
        }
    }

    private static Path credentialsOf(LocalCluster c, int i) {
        return c.configs.get(i).cluster().credentials();
    }

    private static void awaitThreeMembers(LocalCluster c) {
        for (int i = 0; i < 3; i++) {
            int node = i;
            Await.await(WAIT, () -> c.node(node).controlHandler().status().members().size() == 3
                    && c.node(node).controlHandler().status().security().sessions().stream()
                    .filter(StatusView.Session::ready).count() == 2,
                    () -> "n" + node + " with every member ready: " + c.node(node).controlHandler().status().security());
        }
    }

    /** Gives node {@code i} a second folder "private" shared with {@code nodes}. */
    private static void withFolder(LocalCluster c, int i, String name, List<String> nodes) throws Exception {
        SyncnodeConfig cfg = c.configs.get(i);
        FolderConfig data = cfg.folders().get(0);
        Path dir = Files.createDirectories(c.base.resolve(cfg.node().name() + "/" + name));
        FolderConfig f = new FolderConfig(name, dir, List.of(), data.conflict(), data.deleteConflict(),
                data.conflictScope(), data.maxConflictCopies(), List.of(), null, data.settle(), data.rescan(), nodes);
        List<FolderConfig> folders = new ArrayList<>(cfg.folders());
        folders.add(f);
        c.configs.set(i, new SyncnodeConfig(cfg.file(), cfg.node(), cfg.cluster(), folders));
    }

    private static Path privateDir(LocalCluster c, int i) {
        return c.configs.get(i).folders().get(1).path();
    }

    /**
     * Writes node {@code i}'s config file as TOML (the in-memory config of {@link LocalCluster},
     * with {@code revoked}), so that {@code reload} reads the same config but for the revocations.
     */
    private static void writeToml(LocalCluster c, int i, List<String> revoked) throws Exception {
        SyncnodeConfig cfg = c.configs.get(i);
        ClusterSection cl = cfg.cluster();
        FolderConfig f = cfg.folders().get(0);
        String toml = """
                [node]
                name = "%s"
                state-dir = "%s"

                [cluster]
                name = "%s"
                transport = "udp"
                bind = "%s"
                multicast = "%s"
                credentials = "%s"
                revoked = [%s]

                [[folder]]
                name = "%s"
                path = "%s"
                settle = "%dms"
                """.formatted(cfg.node().name(), cfg.node().stateDir(), cl.name(), cl.bind(), cl.multicast(),
                cl.credentials(), String.join(", ", revoked.stream().map(r -> "\"" + r + "\"").toList()), f.name(),
                f.path(), f.settle().toMillis());
        Files.writeString(cfg.file(), toml);
    }

    /** A file's content, or null while it is absent. */
    private static String content(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
