package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue 5, must-show 2: a real Debian rootfs ({@link DebianRootfs}, debootstrap minbase bookworm:
 * about 6,800 entries, 200 MB, setuid binaries, devices, hard links, symlinks) copied into n1's
 * folder while three node processes run reaches n2 and n3 identical as rsync sees it
 * ({@link RsyncComparison}), and n1's own copy stays untouched. Prints the figures: entries, files,
 * bytes, copy and sync seconds.
 *
 * <p>Needs root, debootstrap and rsync (skips otherwise, saying which) and, the first time, the
 * network (debootstrap fails the test then, rather than skipping it silently).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LogTailsOnFailure.class)
@ResourceLock(Lanes.BUSY)
class RootfsIT {
    static final Duration CONVERGE = Duration.ofMinutes(3);
    static final Duration COPY = Duration.ofMinutes(5);

    Path rootfs;
    Path home;
    Cluster cluster;

    @BeforeAll
    void start() throws Exception {
        Host.assumeRoot("to make and copy a Debian rootfs (debootstrap, device nodes, foreign owners)");
        Host.assumeCommands(Map.of("debootstrap", "debootstrap", "rsync", "rsync", "find", "findutils", "du", "coreutils"));
        rootfs = DebianRootfs.cached();
        home = Files.createTempDirectory("syncnode-it-rootfs");
        cluster = Cluster.tcp(home, 3, Cluster.randomPort(), "50ms");
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
                Host.run(Duration.ofMinutes(2), "rm", "-rf", "--", home.toString());
            }
        }
    }

    @Test
    void debianRootfsSyncsFromOneNodeToTwoWithRsyncFidelity() {
        NodeProcess n1 = cluster.node(1);
        Path source = n1.folder().resolve("rootfs");
        String figures = figures(rootfs);

        long t0 = System.nanoTime();
        Host.ok(COPY, "rsync", "-aHAXS", "--numeric-ids", rootfs + "/", source + "/");
        double copied = seconds(t0);
        System.out.printf("RootfsIT: %s copied into n1's folder in %.1f s (rsync -aHAXS --numeric-ids)%n", figures, copied);

        List<RsyncComparison.Pair> pairs = List.of(
                new RsyncComparison.Pair("n1 -> n2 rootfs/", source, cluster.node(2).folder().resolve("rootfs")),
                new RsyncComparison.Pair("n1 -> n3 rootfs/", source, cluster.node(3).folder().resolve("rootfs")));
        RsyncComparison.awaitClean(pairs, CONVERGE, Duration.ofSeconds(2));
        double synced = seconds(t0);
        System.out.printf("RootfsIT: %s identical on n2 and n3 (rsync -aHAXS --numeric-ids --checksum prints nothing)"
                + " %.1f s after the copy into n1 started (%.1f s after it ended)%n", figures, synced, synced - copied);

        // the source node only reads its folder: n1's copy is still what rsync made
        assertEquals(List.of(), RsyncComparison.itemize(rootfs, source), "n1 changed its own copy of the rootfs");
    }

    /** "N entries (F regular files), B bytes" of a tree. */
    static String figures(Path tree) {
        List<String> types = Host.ok(Duration.ofMinutes(1), "find", tree.toString(), "-printf", "%y\\n").lines();
        long files = types.stream().filter("f"::equals).count();
        String bytes = Host.ok(Duration.ofMinutes(1), "du", "-s", "-B1", "--apparent-size", tree.toString()).text()
                .split("\\s+")[0];
        return String.format("Debian %s minbase: %,d entries (%,d regular files), %,d bytes", DebianRootfs.SUITE,
                types.size(), files, Long.parseLong(bytes));
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
