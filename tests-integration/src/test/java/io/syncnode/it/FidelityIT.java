package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.syncnode.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue 5, must-show 1, 3 and 4, between three node processes (tcp on 127.0.0.1/.2/.3): the
 * {@link Fixture} (every file type and attribute) syncs with rsync's fidelity, a hard-link group
 * edited through one name stays one inode group everywhere, metadata-only changes move no content,
 * and sockets are skipped and logged once per path.
 *
 * <p>n1's folder holds the fixture twice: {@code scanned/} is made before the nodes start (found by
 * the start-up scan), {@code live/} while they run (found through inotify, entry by entry, with
 * xattrs, ACLs and times arriving after the entries they belong to). Identical means: {@link
 * RsyncComparison} prints nothing for each part and each replica, plus what rsync does not
 * check: holes of sparse files kept (allocation on the replica about the source's), and the
 * hard-link group one inode with nlink 3. Each part is compared on its own. And the source stays
 * the source: n1's own parts are still what was written there (reference copies are kept outside
 * the folder), and after the metadata-only changes on n2 every node holds n2's values: no node may
 * win with a version of its own making (e.g. of a directory whose mtime moved while it applied the
 * directory's children).
 *
 * <p>Content transfer counters of {@code status --json}: {@code bytesFetched} (literal bytes of
 * fetches), {@link #INLINE_COUNTER} (content that came inline in announcements; nodes before issue
 * 5 lacked it) and, as a cross-check, {@code wireBytesReceived} (all syncnode messages) within
 * {@link #METADATA_WIRE_BOUND}.
 *
 * <p>Needs root and the fixture's commands; skips otherwise. {@code -Dit.keep=true} keeps the dirs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(LogTailsOnFailure.class)
@ResourceLock(Lanes.BUSY)
class FidelityIT {
    /**
     * The counter of content bytes that arrived inline in announcements (the receiving side of
     * "small files travel inline"); must be reported and must not grow across metadata-only changes.
     */
    static final String INLINE_COUNTER = "inlineBytesReceived";
    /**
     * Upper bound on a receiver's {@code wireBytesReceived} growth for the metadata-only changes:
     * they touch 4 files of 48 KiB (192 KiB if their content went inline again) and 8 MiB ones;
     * records, acks and a digest take a few KiB.
     */
    static final long METADATA_WIRE_BOUND = 96 << 10;
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final Duration STEP = Duration.ofSeconds(45);
    static final Duration POLL = Duration.ofSeconds(1);
    static final List<String> PARTS = List.of("scanned", "live");

    Path home;
    Cluster cluster;

    @BeforeAll
    void start() throws Exception {
        Fixture.assumeUsable();
        home = Files.createTempDirectory("syncnode-it-fidelity");
        cluster = Cluster.tcp(home, 3, Cluster.randomPort(), "50ms");
        Files.createDirectories(outside());
        Fixture.build(n(1).folder().resolve("scanned"), outside());
        keepReference("scanned");
        cluster.startAll();
    }

    @AfterAll
    void stop() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (home != null && !Boolean.getBoolean("it.keep")) {
                // rm, not Files.walk: the fixture's non-UTF-8 names and foreign owners are no concern of rm's
                Host.run(Duration.ofMinutes(1), "rm", "-rf", "--", home.toString());
            }
        }
    }

    NodeProcess n(int i) {
        return cluster.node(i);
    }

    /** Second names of the fixtures' {@code linked-outside}: same file system, outside every folder. */
    Path outside() {
        return home.resolve("outside");
    }

    @Test
    @Order(1)
    void fixtureReachesBothReplicasWithRsyncFidelity() {
        long t0 = System.nanoTime();
        Fixture.build(n(1).folder().resolve("live"), outside());
        System.out.printf("FidelityIT: live part written on n1 in %.1f s (while the cluster runs)%n", seconds(t0));
        keepReference("live"); // at once: n1's node only reads what it did not write itself

        // all of these run and report, also when an earlier one fails
        assertAll(() -> {
            awaitClean(n(1), List.of(n(2), n(3)), PARTS, CONVERGE);
            System.out.printf("FidelityIT: both parts identical on n2 and n3 (rsync -aHAXS --checksum) %.1f s after the"
                    + " live part started%n", seconds(t0));
        }, this::holesAndLinksKept, () -> Await.holdsFor(Duration.ofSeconds(3), Duration.ofMillis(500), () -> {
            for (String part : PARTS) {
                List<String> d = RsyncComparison.differences(reference(part), n(1).folder().resolve(part));
                assertEquals(List.of(), d, "n1's own " + part + "/ is no longer what was written there (a node's"
                        + " version, e.g. of a directory's mtime, won over the source's):\n" + RsyncComparison.head(d, 40));
            }
        }));
    }

    /** Where a part's reference copy is kept (outside every folder): what was written into n1's folder. */
    Path reference(String part) {
        return home.resolve("reference").resolve(part);
    }

    /** An rsync -aHAXS copy of n1's {@code part} as it was written (compared to n1's own part later). */
    void keepReference(String part) {
        Host.ok(Duration.ofMinutes(1), "mkdir", "-p", home.resolve("reference").toString());
        Host.ok(Duration.ofMinutes(1), "rsync", "-aHAXS", "--numeric-ids", n(1).folder().resolve(part) + "/",
                reference(part) + "/");
    }

    /** Sparse files allocate about what the source does; the hard-link group is one inode; linked-outside has nlink 1. */
    void holesAndLinksKept() {
        List<String> failures = new ArrayList<>();
        for (String part : PARTS) {
            Path source = n(1).folder().resolve(part);
            long sparseOnSource = Fixture.allocatedBytes(source.resolve(Fixture.SPARSE));
            for (NodeProcess r : List.of(n(2), n(3))) {
                Path replica = r.folder().resolve(part);
                long sparse = Fixture.allocatedBytes(replica.resolve(Fixture.SPARSE));
                long holeOnly = Fixture.allocatedBytes(replica.resolve(Fixture.HOLE_ONLY));
                System.out.printf("FidelityIT: %s/%s: %s allocates %,d bytes (source %,d), %s %,d bytes%n", r.name(), part,
                        Fixture.SPARSE, sparse, sparseOnSource, Fixture.HOLE_ONLY, holeOnly);
                if (sparse > sparseOnSource + (1 << 20)) {
                    failures.add(r.name() + ": " + part + "/" + Fixture.SPARSE + " lost its holes: " + sparse
                            + " bytes allocated for " + Fixture.SPARSE_SIZE + " (source: " + sparseOnSource + ")");
                }
                if (holeOnly > 64 << 10) {
                    failures.add(r.name() + ": " + part + "/" + Fixture.HOLE_ONLY + " lost its hole: " + holeOnly
                            + " bytes allocated for " + Fixture.HOLE_ONLY_SIZE + " bytes of hole");
                }
                String group = Fixture.hardLinkGroupProblem(replica);
                if (group != null) {
                    failures.add(r.name() + ": " + group);
                }
                String outside = Fixture.inode(replica.resolve(Fixture.LINKED_OUTSIDE));
                if (!outside.endsWith(" 1")) {
                    failures.add(r.name() + ": " + part + "/" + Fixture.LINKED_OUTSIDE
                            + " has one name in the folder, so nlink 1; ino nlink: " + outside);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    /** Issue 5, must-show 4: append through one name on n2, overwrite in place through another on n3. */
    @Test
    @Order(2)
    void hardLinkGroupEditedThroughOneNameStaysOneGroupEverywhere() throws IOException {
        BigFiles.awaitNoDirty(CONVERGE, n(1), n(2), n(3));

        Path two = n(2).folder().resolve("live").resolve(Fixture.HARD_LINK_GROUP.get(1));
        Files.writeString(two, "appended on n2 through " + Fixture.HARD_LINK_GROUP.get(1) + "\n", StandardOpenOption.APPEND);
        byte[] appended = Files.readAllBytes(two);
        awaitGroupEverywhere("live", appended, "after an append through " + Fixture.HARD_LINK_GROUP.get(1) + " on n2");

        Path three = n(3).folder().resolve("scanned").resolve(Fixture.HARD_LINK_GROUP.get(2));
        try (RandomAccessFile f = new RandomAccessFile(three.toFile(), "rw")) {
            f.seek(0);
            f.write("ONE INODE".getBytes(StandardCharsets.US_ASCII)); // in place: same inode, same size
        }
        byte[] overwritten = Files.readAllBytes(three);
        awaitGroupEverywhere("scanned", overwritten, "after an in-place overwrite through "
                + Fixture.HARD_LINK_GROUP.get(2) + " on n3");

        awaitClean(n(2), List.of(n(1), n(3)), List.of("live"), STEP);
        awaitClean(n(3), List.of(n(1), n(2)), List.of("scanned"), STEP);
    }

    /** Issue 5, must-show 3: chown, chmod, setfattr, setfacl and touch on n2 reach n1 and n3 without content. */
    @Test
    @Order(3)
    void metadataOnlyChangesMoveNoContent() {
        BigFiles.awaitNoDirty(CONVERGE, n(1), n(2), n(3));
        Map<String, JsonNode> before = counters(n(1), n(3));

        Path live = n(2).folder().resolve("live");
        Path scanned = n(2).folder().resolve("scanned");
        List<String> m = Fixture.META_SMALL;
        String[][] changes = {
            {"chown", "123456:654321", live.resolve(m.get(0)).toString()},
            {"chown", "-h", "200000:200001", live.resolve("links/rel").toString()},
            {"chmod", "0751", live.resolve(m.get(1)).toString()},
            {"setfattr", "-n", "user.changed", "-v", "on n2", live.resolve(m.get(2)).toString()},
            {"setfattr", "-n", "user.big", "-v", "replaced on n2", live.resolve(m.get(2)).toString()},
            {"setfacl", "-m", "u:4242:r--", live.resolve(m.get(3)).toString()},
            {"touch", "-h", "-d", "@1600000000.111111111", live.resolve(m.get(3)).toString()},
            {"chown", "300000:300000", live.resolve(Fixture.META_BIG).toString()},
            {"chmod", "02750", live.resolve(Fixture.META_BIG).toString()},
            {"setfattr", "-n", "trusted.changed", "-v", "big", live.resolve(Fixture.META_BIG).toString()},
            {"touch", "-h", "-d", "@1600000001.222222222", live.resolve(Fixture.META_BIG).toString()},
            {"touch", "-h", "-d", "@1600000002.333333333", scanned.resolve(Fixture.META_BIG).toString()},
            {"chmod", "0600", scanned.resolve("dev/big-char").toString()},
            {"chmod", "0711", live.resolve("tree/a").toString()},
            {"touch", "-h", "-d", "@1600000003.444444444", live.resolve("tree/a/b").toString()},
            {"touch", "-h", "-d", "@1600000004.555555555", scanned.resolve("links/timed").toString()},
        };
        for (String[] c : changes) {
            Host.ok(Duration.ofSeconds(30), c);
        }
        // n2's values, as find -printf '%U:%G %m %T@' shows them ("*" where the change did not touch it)
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("live/" + m.get(0), "123456:654321 * *");
        expected.put("live/" + m.get(1), "* 751 *");
        expected.put("live/" + m.get(3), "* * 1600000000.1111111110");
        expected.put("live/" + Fixture.META_BIG, "300000:300000 2750 1600000001.2222222220");
        expected.put("scanned/" + Fixture.META_BIG, "* * 1600000002.3333333330");
        expected.put("scanned/dev/big-char", "* 600 *");
        expected.put("live/tree/a", "* 711 *");
        expected.put("live/tree/a/b", "* * 1600000003.4444444440");
        expected.put("scanned/links/timed", "* * 1600000004.5555555550");
        expected.put("live/links/rel", "200000:200001 * *");
        // all run and report, also when the first fails
        assertAll(() -> {
            awaitClean(n(2), List.of(n(1), n(3)), PARTS, STEP);
            BigFiles.awaitNoDirty(STEP, n(1), n(2), n(3));
        }, () -> noContentMoved(before, counters(n(1), n(3)), changes.length),
                () -> n2sValuesEverywhere(expected));
    }

    /** Every node holds n2's owner, mode and mtime where n2 changed them. */
    void n2sValuesEverywhere(Map<String, String> expected) {
        List<String> failures = new ArrayList<>();
        for (NodeProcess n : cluster.nodes()) {
            expected.forEach((rel, want) -> {
                String[] got = Host.ok(Duration.ofSeconds(10), "find", n.folder().resolve(rel).toString(), "-maxdepth", "0",
                        "-printf", "%U:%G %m %T@").text().split(" ");
                String[] w = want.split(" ");
                for (int i = 0; i < w.length; i++) {
                    if (!w[i].equals("*") && !w[i].equals(got[i])) {
                        failures.add(n.name() + ": " + rel + " is " + String.join(" ", got) + ", n2 made it " + want);
                        break;
                    }
                }
            });
        }
        assertEquals(List.of(), failures, "n2's metadata-only changes did not win everywhere");
    }

    /** The receivers' content counters did not grow between {@code before} and {@code after}. */
    static void noContentMoved(Map<String, JsonNode> before, Map<String, JsonNode> after, int changes) {
        List<String> failures = new ArrayList<>();
        for (String node : before.keySet()) {
            JsonNode b = before.get(node);
            JsonNode a = after.get(node);
            long fetched = a.path("bytesFetched").asLong() - b.path("bytesFetched").asLong();
            long wire = a.path("wireBytesReceived").asLong() - b.path("wireBytesReceived").asLong();
            boolean hasInline = a.has(INLINE_COUNTER);
            long inline = a.path(INLINE_COUNTER).asLong() - b.path(INLINE_COUNTER).asLong();
            System.out.printf("FidelityIT: %s for %d metadata-only changes: bytesFetched +%,d, wireBytesReceived +%,d, %s%n",
                    node, changes, fetched, wire, hasInline ? INLINE_COUNTER + " +" + inline
                            : INLINE_COUNTER + " not reported");
            if (fetched != 0) {
                failures.add(node + " fetched " + fetched + " content bytes");
            }
            if (!hasInline) {
                failures.add(node + " does not report " + INLINE_COUNTER + " in status --json counters");
            } else if (inline != 0) {
                failures.add(node + " received " + inline + " content bytes inline (" + INLINE_COUNTER + ")");
            }
            if (wire > METADATA_WIRE_BOUND) {
                failures.add(node + " received " + wire + " wire bytes (> " + METADATA_WIRE_BOUND
                        + "): content travelled, inline or otherwise");
            }
        }
        assertEquals(List.of(), failures, "metadata-only changes moved content; counters before " + before + ", after " + after);
    }

    /** Sockets are never synced, and the node says so once per path (not on every rescan). */
    @Test
    @Order(4)
    void socketsAreSkippedAndLoggedOncePerPath() throws IOException {
        List<String> sockets = List.of("live/app.sock", "scanned/tree/a/db.sock");
        List<ServerSocketChannel> open = new ArrayList<>();
        try {
            for (String s : sockets) {
                ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                ch.bind(UnixDomainSocketAddress.of(n(1).folder().resolve(s)));
                open.add(ch);
            }
            // a file after the sockets: once it is on the replicas, n1 has seen the sockets' events too
            Path marker = n(1).folder().resolve("live/after-sockets.txt");
            Files.writeString(marker, "written after the sockets\n");
            for (NodeProcess r : List.of(n(2), n(3))) {
                Path copy = r.folder().resolve("live/after-sockets.txt");
                Await.await(STEP, Duration.ofMillis(100), () -> Files.exists(copy),
                        () -> copy + " (written on n1 after the sockets) arrives");
            }
            for (String s : sockets) {
                String name = Path.of(s).getFileName().toString();
                Await.await(STEP, Duration.ofMillis(200), () -> logLines(n(1), name).size() >= 1,
                        () -> "n1 logs that it skips the socket " + s + "; lines naming it: " + logLines(n(1), name));
            }
            for (int round = 1; round <= 2; round++) {
                CliResult check = n(1).control("check");
                assertEquals(0, check.exit(), check.toString());
            }
            Await.holdsFor(Duration.ofSeconds(2), Duration.ofMillis(250), () -> {
                for (String s : sockets) {
                    String name = Path.of(s).getFileName().toString();
                    List<String> lines = logLines(n(1), name);
                    if (lines.size() != 1) {
                        throw new AssertionError("n1 logs socket " + s + " once (start, inotify and two rescans),"
                                + " not " + lines.size() + " times:\n" + String.join("\n", lines));
                    }
                }
            });
            for (NodeProcess r : List.of(n(2), n(3))) {
                for (String s : sockets) {
                    assertFalse(Files.exists(r.folder().resolve(s), LinkOption.NOFOLLOW_LINKS), r.name() + " has " + s);
                }
                assertEquals(0, Cluster.dirtyCount(r.statusJson()), r.name() + " dirty entries: " + r.dirtyJson());
            }
            assertEquals(0, Cluster.dirtyCount(n(1).statusJson()), "n1 dirty entries: " + n(1).dirtyJson());
        } finally {
            for (ServerSocketChannel ch : open) {
                ch.close();
            }
            for (String s : sockets) {
                Files.deleteIfExists(n(1).folder().resolve(s));
            }
        }
    }

    /** Lines of {@code n}'s log that mention {@code fileName}. */
    static List<String> logLines(NodeProcess n, String fileName) {
        return Arrays.stream(n.logText().split("\n")).filter(l -> l.contains(fileName)).toList();
    }

    /** {@link RsyncComparison#awaitClean} from {@code source}'s parts to the same parts of each replica. */
    static void awaitClean(NodeProcess source, List<NodeProcess> replicas, List<String> parts, Duration timeout) {
        List<RsyncComparison.Pair> pairs = new ArrayList<>();
        for (String part : parts) {
            for (NodeProcess r : replicas) {
                pairs.add(new RsyncComparison.Pair(source.name() + " -> " + r.name() + " " + part + "/",
                        source.folder().resolve(part), r.folder().resolve(part)));
            }
        }
        RsyncComparison.awaitClean(pairs, timeout, POLL);
    }

    /** Every node's {@code part} has the hard-link group as one inode (nlink 3) holding {@code content}. */
    void awaitGroupEverywhere(String part, byte[] content, String when) {
        AtomicReference<String> problem = new AtomicReference<>();
        Await.await(STEP, Duration.ofMillis(200), () -> {
            for (NodeProcess n : cluster.nodes()) {
                Path root = n.folder().resolve(part);
                String p = Fixture.hardLinkGroupProblem(root);
                if (p == null) {
                    for (String name : Fixture.HARD_LINK_GROUP) {
                        if (!Arrays.equals(content, read(root.resolve(name)))) {
                            p = part + "/" + name + " does not hold the new content yet";
                            break;
                        }
                    }
                }
                problem.set(p == null ? null : n.name() + ": " + p);
                if (p != null) {
                    return false;
                }
            }
            return true;
        }, () -> "the hard-link group of " + part + "/ is one inode with the new content on every node " + when
                + "; last problem: " + problem.get());
        for (NodeProcess n : cluster.nodes()) {
            assertArrayEquals(content, read(n.folder().resolve(part).resolve(Fixture.HARD_LINK_GROUP.get(0))), n.name());
        }
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    static Map<String, JsonNode> counters(NodeProcess... nodes) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (NodeProcess n : nodes) {
            out.put(n.name(), n.statusJson().path("counters"));
        }
        return out;
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
