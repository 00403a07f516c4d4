package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RsyncComparison} and the {@link Fixture} checks can fail: an {@code rsync -aHAXS
 * --numeric-ids} copy of the fixture compares clean, a {@code cp -r} copy does not, and neither does
 * a faithful copy with one thing damaged (one xattr, one ACL, one ns of a directory's mtime, one
 * broken hard link...). Each damage restores the mtime of the directory it touched, so that only the
 * damage itself can be what is reported.
 *
 * <p>Needs root and the fixture's commands (skips otherwise), except
 * {@link #unprivilegedDifferencesAreReported}, which needs rsync only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RsyncComparisonTest {
    static final Duration CMD = Duration.ofMinutes(1);

    Path home;
    Path fixture;
    final AtomicInteger copies = new AtomicInteger();

    @BeforeAll
    void createHome() throws IOException {
        home = Files.createTempDirectory("syncnode-rsync-compare");
    }

    @AfterAll
    void deleteHome() {
        if (home != null && !Boolean.getBoolean("it.keep")) {
            Host.run(CMD, "rm", "-rf", "--", home.toString());
        }
    }

    /** The fixture, built once for the class (the first test that needs it). */
    Path fixture() {
        Fixture.assumeUsable();
        if (fixture == null) {
            Path outside = home.resolve("outside");
            Host.ok(CMD, "mkdir", "-p", outside.toString());
            Fixture.build(home.resolve("fixture"), outside);
            fixture = home.resolve("fixture");
        }
        return fixture;
    }

    /** A fresh {@code rsync -aHAXS --numeric-ids} copy of the fixture. */
    Path faithfulCopy() {
        Path copy = home.resolve("copy-" + copies.incrementAndGet());
        Host.ok(CMD, "rsync", "-aHAXS", "--numeric-ids", fixture() + "/", copy + "/");
        return copy;
    }

    @Test
    void faithfulCopyComparesClean() {
        Path copy = faithfulCopy();
        assertEquals(List.of(), RsyncComparison.differences(fixture(), copy));
        assertTrue(Fixture.hardLinkGroupProblem(copy) == null, Fixture.hardLinkGroupProblem(copy));
    }

    @Test
    void cpRecursiveCopyIsReported() {
        Path copy = home.resolve("cp-r");
        Host.ok(CMD, "cp", "-r", fixture().toString(), copy.toString());
        List<String> d = RsyncComparison.differences(fixture(), copy);
        System.out.println("cp -r copy: " + d.size() + " lines, e.g.\n" + RsyncComparison.head(d, 15));
        assertFalse(d.isEmpty());
        assertTrue(d.stream().anyMatch(l -> l.endsWith(" hl/b/two => hl/a/one") || l.contains("hl/b/two")), String.join("\n", d));
        assertTrue(Fixture.hardLinkGroupProblem(copy) != null);
    }

    /** One damage: a name, what to do to a faithful copy (args: copy, source) and a fragment the report must hold. */
    interface Damage {
        void apply(Path copy, Path source);
    }

    static Stream<Arguments> damages() {
        return Stream.of(
                Arguments.of("user xattr removed", (Damage) (c, s) -> {
                    sh(c, s, "setfattr -x user.comment small.txt");
                }, "small.txt"),
                Arguments.of("trusted xattr on a symlink removed", (Damage) (c, s) -> {
                    sh(c, s, "setfattr -h -x trusted.syncnode.test links/rel");
                }, "links/rel"),
                Arguments.of("security.capability removed", (Damage) (c, s) -> {
                    sh(c, s, "setfattr -x security.capability bin/capped");
                }, "bin/capped"),
                Arguments.of("access ACL removed", (Damage) (c, s) -> {
                    sh(c, s, "setfacl -b acl/file");
                }, "acl/file"),
                Arguments.of("default ACL removed", (Damage) (c, s) -> {
                    sh(c, s, "setfacl -k acl/dir");
                }, "acl/dir/"),
                Arguments.of("setuid bit dropped", (Damage) (c, s) -> {
                    sh(c, s, "chmod 0755 bin/suid");
                }, "bin/suid"),
                Arguments.of("sticky bit dropped", (Damage) (c, s) -> {
                    sh(c, s, "chmod 0777 sticky");
                }, "sticky/"),
                Arguments.of("owner of a symlink changed", (Damage) (c, s) -> {
                    sh(c, s, "chown -h 100001 owners/link");
                }, "owners/link"),
                Arguments.of("directory mtime one second off", (Damage) (c, s) -> {
                    nudgeMtime(c, "tree", new BigDecimal("1"));
                }, "tree/"),
                Arguments.of("directory mtime one ns off", (Damage) (c, s) -> {
                    nudgeMtime(c, "tree/a", new BigDecimal("0.000000001"));
                }, "mtime tree/a:"),
                Arguments.of("symlink mtime one ns off", (Damage) (c, s) -> {
                    nudgeMtime(c, "links/timed", new BigDecimal("0.000000001"));
                }, "mtime links/timed:"),
                Arguments.of("file mtime one ns off", (Damage) (c, s) -> {
                    nudgeMtime(c, "small.txt", new BigDecimal("0.000000001"));
                }, "small.txt"),
                Arguments.of("hard link broken (same content, xattrs, mode and times)", (Damage) (c, s) -> {
                    sh(c, s, "cp -a hl/b/two hl/b/two.tmp && mv hl/b/two.tmp hl/b/two && touch -h -r \"$2/hl/b\" hl/b");
                }, "hl/b/two"),
                Arguments.of("device minor changed", (Damage) (c, s) -> {
                    sh(c, s, "rm dev/big-char && mknod -m 0640 dev/big-char c 300 70001"
                            + " && touch -h -r \"$2/dev/big-char\" dev/big-char && touch -h -r \"$2/dev\" dev");
                }, "dev/big-char"),
                Arguments.of("FIFO replaced by an empty file", (Damage) (c, s) -> {
                    sh(c, s, "rm dev/fifo && : > dev/fifo && chown 100000:100000 dev/fifo && chmod 0620 dev/fifo"
                            + " && touch -h -r \"$2/dev/fifo\" dev/fifo && touch -h -r \"$2/dev\" dev");
                }, "dev/fifo"),
                Arguments.of("one byte of content changed, size and mtime kept", (Damage) (c, s) -> {
                    sh(c, s, "printf '\\x00' | dd of=meta/big.bin bs=1 seek=4000000 conv=notrunc status=none"
                            + " && printf '\\x01' | dd of=meta/big.bin bs=1 seek=4000001 conv=notrunc status=none"
                            + " && touch -h -r \"$2/meta/big.bin\" meta/big.bin");
                }, "meta/big.bin"),
                Arguments.of("non-UTF-8 name missing", (Damage) (c, s) -> {
                    sh(c, s, "rm names/$'caf\\xe9' && touch -h -r \"$2/names\" names");
                }, "names/caf\\#351"),
                Arguments.of("file in a non-UTF-8 directory changed", (Damage) (c, s) -> {
                    sh(c, s, "d=names/$'dir-\\xe9\\xff'; echo changed >> \"$d/inner\" && touch -h -r \"$2/$d/inner\" \"$d/inner\"");
                }, "names/dir-\\#351\\#377/inner"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void damagedCopyIsReported(String name, Damage damage, String expected) {
        Path copy = faithfulCopy();
        assertEquals(List.of(), RsyncComparison.differences(fixture(), copy), "before the damage");
        damage.apply(copy, fixture());
        List<String> d = RsyncComparison.differences(fixture(), copy);
        System.out.println(name + ":\n" + RsyncComparison.head(d, 10));
        assertTrue(d.stream().anyMatch(l -> l.contains(expected)),
                name + ": expected a line with '" + expected + "', got:\n" + String.join("\n", d));
    }

    @Test
    void hardLinkCheckSeesABrokenGroup() {
        Path copy = faithfulCopy();
        assertEquals(null, Fixture.hardLinkGroupProblem(copy));
        sh(copy, fixture(), "cp -a hl-three hl-three.tmp && mv hl-three.tmp hl-three");
        String problem = Fixture.hardLinkGroupProblem(copy);
        assertTrue(problem != null && problem.contains("hl-three"), String.valueOf(problem));
    }

    @Test
    void allocationCheckSeesFilledHoles() {
        Path copy = faithfulCopy();
        long sparse = Fixture.allocatedBytes(copy.resolve(Fixture.SPARSE));
        long holeOnly = Fixture.allocatedBytes(copy.resolve(Fixture.HOLE_ONLY));
        assertTrue(sparse < 2L << 20, "rsync -S copy of the sparse file allocates " + sparse + " bytes");
        assertTrue(holeOnly < 64 << 10, "rsync -S copy of the hole-only file allocates " + holeOnly + " bytes");
        sh(copy, fixture(), "cp --sparse=never sparse.img filled.img && cp --sparse=never hole-only.img filled-hole.img");
        assertTrue(Fixture.allocatedBytes(copy.resolve("filled.img")) >= Fixture.SPARSE_SIZE);
        assertTrue(Fixture.allocatedBytes(copy.resolve("filled-hole.img")) >= Fixture.HOLE_ONLY_SIZE);
    }

    /**
     * Without root: plain files, a hard link, a directory's ns mtime, and a user xattr when setfattr
     * is there. (The source root gets an old mtime: rsync compares directory times to the second
     * and does not set one that is "equal", so a copy made within the second of a directory's last
     * change keeps its own ns; {@link RsyncComparison#mtimes} would rightly report that.)
     */
    @Test
    void unprivilegedDifferencesAreReported() throws IOException {
        assumeTrue(Host.which("rsync") != null, "needs rsync (apt-get install rsync); skipped");
        Path src = home.resolve("plain-src");
        Host.ok(CMD, "bash", "-c", "set -e; mkdir -p \"$1/d/e\"; echo a > \"$1/d/f\"; ln \"$1/d/f\" \"$1/g\";"
                + " touch -h -d @1500000000.123456789 \"$1/d/e\" \"$1/d\" \"$1\"", "sh", src.toString());
        boolean xattrs = Host.which("setfattr") != null;
        if (xattrs) {
            Host.ok(CMD, "setfattr", "-n", "user.k", "-v", "v", src.resolve("g").toString());
        }
        Path copy = home.resolve("plain-copy");
        Host.ok(CMD, "rsync", "-aHAXS", "--numeric-ids", src + "/", copy + "/");
        assertEquals(List.of(), RsyncComparison.differences(src, copy));

        nudgeMtime(copy, "d/e", new BigDecimal("0.000000001"));
        assertEquals(List.of("mtime d/e: 1500000000.1234567890 vs 1500000000.1234567900"),
                RsyncComparison.differences(src, copy));
        nudgeMtime(copy, "d/e", new BigDecimal("-0.000000001"));
        assertEquals(List.of(), RsyncComparison.differences(src, copy));

        if (xattrs) {
            Host.ok(CMD, "setfattr", "-x", "user.k", copy.resolve("g").toString());
            List<String> d = RsyncComparison.differences(src, copy);
            assertTrue(d.stream().anyMatch(l -> l.contains("d/f")) && d.stream().anyMatch(l -> l.contains("g")),
                    "the xattr of both names of the inode: " + d);
        }
    }

    /** Runs {@code script} with bash in {@code copy} ($1 = copy, $2 = source). */
    static void sh(Path copy, Path source, String script) {
        Host.run(CMD, Map.of("LC_ALL", "C"), List.of("bash", "-c", "set -euo pipefail; cd -- \"$1\"; " + script, "damage",
                copy.toString(), source.toString())).ok();
    }

    /** Moves the mtime of {@code rel} below {@code root} by {@code seconds} (ns precision, symlinks themselves). */
    static void nudgeMtime(Path root, String rel, BigDecimal seconds) {
        String t = Host.ok(CMD, "find", root.resolve(rel).toString(), "-maxdepth", "0", "-printf", "%T@").text().strip();
        BigDecimal moved = new BigDecimal(t).add(seconds).setScale(9, java.math.RoundingMode.UNNECESSARY);
        Host.ok(CMD, "touch", "-h", "-d", "@" + moved.toPlainString(), "--", root.resolve(rel).toString());
    }
}
