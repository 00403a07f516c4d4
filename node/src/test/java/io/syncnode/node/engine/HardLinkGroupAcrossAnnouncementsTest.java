package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncnode.node.control.StatusView;
import io.syncnode.node.os.NativeFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hard-link group made or changed while the nodes run reaches a replica over several
 * announcements, one per step, each with the group as the writer knew it then: a name joins (and
 * may become the group's new first name, the smallest path), a name goes. The replica must end
 * with the writer's link structure after every step: every name present with the same content,
 * the names of one inode on the writer one inode on the replica, with the same nlink, and the
 * cluster quiet afterwards.
 *
 * <p>Regression: a replica that held two names of one inode and then got a new, smaller first name
 * relinked the first of them to the new inode, which moved the ctime of the old inode; the second
 * name's recorded signature was then stale, its relink was refused as a local change, and its
 * rescan (nlink 1 by then) announced it as a file of its own (FidelityIT: hl/b/two alone, nlink 1).
 * Small content travels inline (staged, so the names are relinked after the batch); large content
 * is copied from a local name of the same hash (at once, so the names link while applied).
 */
class HardLinkGroupAcrossAnnouncementsTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int SMALL = 100;
    private static final int LARGE = 100 * 1024;

    @TempDir
    Path tmp;
    LocalCluster cluster;
    Path a;
    Path b;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of());
        cluster.startAll(T);
        a = cluster.dir(0);
        b = cluster.dir(1);
        Files.createDirectories(a.resolve("hl/a"));
        Files.createDirectories(a.resolve("hl/b"));
        Files.createDirectories(a.resolve("hl/c"));
        converged("the directories");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {SMALL, LARGE})
    void eachNewNameIsSmallerThanTheGroupSoTheFirstNameChangesEveryStep(int size) throws Exception {
        write("hl/c/three", size);
        converged("hl/c/three alone");
        link("hl/c/three", "hl/b/two");
        converged("hl/b/two joined: the first name of {hl/b/two, hl/c/three}");
        link("hl/c/three", "hl/a/one");
        converged("hl/a/one joined: the first name of {hl/a/one, hl/b/two, hl/c/three}");
        quiet();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {SMALL, LARGE})
    void theFixturesOrderTwoLargerNamesThenASmallerOne(int size) throws Exception {
        // fixture.sh of the integration tests: one, ln one two, ln one hl-three ("hl-three" < "hl/a/one")
        write("hl/a/one", size);
        converged("hl/a/one alone");
        link("hl/a/one", "hl/b/two");
        converged("hl/b/two joined hl/a/one");
        link("hl/a/one", "hl-three");
        converged("hl-three joined: the first name of {hl-three, hl/a/one, hl/b/two}");
        quiet();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {SMALL, LARGE})
    void namesLeaveAndJoinAgain(int size) throws Exception {
        write("hl/b/two", size);
        converged("hl/b/two alone");
        link("hl/b/two", "hl/a/one");
        converged("hl/a/one joined as the first name");
        link("hl/b/two", "hl/c/three");
        converged("hl/c/three joined");
        Files.delete(a.resolve("hl/b/two"));
        converged("hl/b/two, a middle name, removed");
        Files.delete(a.resolve("hl/a/one"));
        converged("hl/a/one, the first name, removed: hl/c/three alone");
        link("hl/c/three", "hl/b/two");
        converged("hl/b/two joined hl/c/three again, as the first name");
        link("hl/c/three", "hl/a/one");
        converged("hl/a/one joined again, as the first name");
        quiet();
    }

    private void write(String rel, int size) throws IOException {
        byte[] content = new byte[size];
        new Random(rel.hashCode() + size).nextBytes(content);
        Files.write(a.resolve(rel), content);
    }

    private void link(String existing, String newName) throws IOException {
        NativeFs.link(a.resolve(existing), a.resolve(newName));
    }

    /**
     * Waits until the replica has the writer's regular files with their link structure, the
     * trees are identical and nothing is dirty on either node.
     */
    private void converged(String step) {
        await(T, () -> structure(b).equals(structure(a)),
                () -> "after " + step + ": the replica's names, contents and inodes as the writer's\n writer:  "
                        + structure(a) + "\n replica: " + structure(b));
        cluster.awaitSame(T);
        await(T, () -> cluster.node(0).controlHandler().dirty(null).isEmpty()
                && cluster.node(1).controlHandler().dirty(null).isEmpty(), () -> "after " + step + ": dirty drained");
        assertEquals(structure(a), structure(b), "after " + step);
    }

    /** After the last write: no announcements, no applies, and the structure holds. */
    private void quiet() {
        StatusView.Counters c0 = counters(0);
        StatusView.Counters c1 = counters(1);
        Map<String, String> want = structure(a);
        io.syncnode.testing.Await.holdsFor(Duration.ofSeconds(2), Duration.ofMillis(100), () -> {
            assertEquals(c0.announcementsSent(), counters(0).announcementsSent(), "the writer kept announcing");
            assertEquals(c1.announcementsSent(), counters(1).announcementsSent(), "the replica kept announcing (loop)");
            assertEquals(c1.filesApplied(), counters(1).filesApplied(), "the replica kept applying");
            assertEquals(want, structure(b), "the replica's link structure changed afterwards");
        });
    }

    private StatusView.Counters counters(int i) {
        return cluster.node(i).controlHandler().status().counters();
    }

    /**
     * Every regular file under {@code root}/hl*: its content hash, nlink and the names of its
     * inode (so two trees compare equal when their link groups are the same, whatever the inode
     * numbers).
     */
    private static Map<String, String> structure(Path root) {
        Map<String, List<String>> byInode = new TreeMap<>();
        Map<String, String> out = new TreeMap<>();
        try (var files = Files.walk(root)) {
            for (Path p : files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                String rel = root.relativize(p).toString();
                if (!rel.startsWith("hl") || rel.contains(".syncnode-tmp.")) {
                    continue;
                }
                byInode.computeIfAbsent(Long.toString(NativeFs.inode(p)), k -> new ArrayList<>()).add(rel);
                out.put(rel, sha256(Files.readAllBytes(p)).substring(0, 12) + " nlink " + NativeFs.nlink(p));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return Map.of("unreadable", e.toString()); // mid-apply (a temp file went): not equal yet
        }
        for (List<String> names : byInode.values()) {
            String group = new TreeSet<>(names).toString();
            for (String n : names) {
                out.put(n, out.get(n) + " inode of " + group);
            }
        }
        return out;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
