package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
 * hard-link group one inode with nlink 3. Each part is compared on its own (not the folder root,
 * whose mtime no node syncs).
 *
 * <p>Content transfer counters of {@code status --json}: {@code bytesFetched} (literal bytes of
 * fetches) and {@code wireBytesReceived} (all syncnode messages) exist; small files travel inline
 * in announcements, which no counter of their own shows yet: {@link #INLINE_COUNTER} is checked
 * when the node reports it, and the wire bound of {@link #METADATA_WIRE_BOUND} stands in for it.
 *
 * <p>Needs root and the fixture's commands; skips otherwise. {@code -Dit.keep=true} keeps the dirs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(LogTailsOnFailure.class)
class FidelityIT {
    /**
     * Placeholder: the counter of content bytes that arrived inline in announcements (the
     * receiving side of "small files travel inline"). Not in {@code status --json} on today's
     * main; asserted not to grow across metadata-only changes once a node reports it.
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

        // all of these run and report, also when an earlier one fails
        assertAll(() -> {
            awaitClean(n(1), List.of(n(2), n(3)), PARTS, CONVERGE);
            System.out.printf("FidelityIT: both parts identical on n2 and n3 (rsync -aHAXS --checksum) %.1f s after the"
                    + " live part started%n", seconds(t0));
        }, this::holesAndLinksKept);
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
        // both run and report, also when the first fails
        assertAll(() -> {
            awaitClean(n(2), List.of(n(1), n(3)), PARTS, STEP);
            BigFiles.awaitNoDirty(STEP, n(1), n(2), n(3));
        }, () -> noContentMoved(before, counters(n(1), n(3)), changes.length));
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
                            : INLINE_COUNTER + " not reported by the node (placeholder; wire bound used)");
            if (fetched != 0) {
                failures.add(node + " fetched " + fetched + " content bytes");
            }
            if (hasInline && inline != 0) {
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
