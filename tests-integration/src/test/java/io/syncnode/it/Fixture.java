package io.syncnode.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The synthetic fidelity fixture of issue 5: one tree holding every file type and attribute a
 * container rootfs may hold (empty and nested files, setuid/setgid and sticky modes, symlinks incl.
 * dangling and absolute ones, character and block devices with large major/minor numbers, FIFOs, a
 * hard-link group of three names in different directories plus a file whose second name lies
 * outside the folder, user./trusted./security.capability xattrs incl. on a symlink and a device,
 * access and default POSIX ACLs, sparse files, non-UTF-8 and other odd names, numeric owners that
 * exist nowhere up to 2^32-2, and a distinct ns mtime on every entry, directories and symlinks
 * included).
 *
 * <p>The tree is made by {@code fixture.sh} (a resource beside this class; it can be run by hand:
 * {@code bash fixture.sh ROOT OUTSIDE}) because non-UTF-8 names cannot be made reliably through
 * this JVM's String paths. The ASCII names the tests look at are constants here; keep them in step
 * with the script. Needs root ({@code mknod}, {@code chown}, {@code trusted.} and {@code security.}
 * xattrs) and the commands of {@link #COMMANDS}: {@link #assumeUsable} skips the test otherwise.
 */
public final class Fixture {
    /** Commands the fixture and its checks use, with the Debian package that has each. */
    public static final Map<String, String> COMMANDS = commands();
    /** Three names of one inode, in different directories. */
    public static final List<String> HARD_LINK_GROUP = List.of("hl/a/one", "hl/b/two", "hl-three");
    /** A file with nlink 2 whose other name is in the {@code outside} directory: one name inside the folder. */
    public static final String LINKED_OUTSIDE = "linked-outside";
    /** 64 MiB, four data regions (about 1.1 MiB) and holes. */
    public static final String SPARSE = "sparse.img";
    public static final long SPARSE_SIZE = 64L << 20;
    /** 32 MiB of hole, no data. */
    public static final String HOLE_ONLY = "hole-only.img";
    public static final long HOLE_ONLY_SIZE = 32L << 20;
    /** Four 48 KiB random files: small enough to travel inline in an announcement. */
    public static final List<String> META_SMALL = List.of("meta/m1", "meta/m2", "meta/m3", "meta/m4");
    public static final long META_SMALL_SIZE = 48L << 10;
    /** 8 MiB random: big enough to be fetched. */
    public static final String META_BIG = "meta/big.bin";
    public static final long META_BIG_SIZE = 8L << 20;

    private static final Duration BUILD = Duration.ofMinutes(2);

    private Fixture() {
    }

    private static Map<String, String> commands() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bash", "bash");
        m.put("find", "findutils");
        m.put("mknod", "coreutils");
        m.put("stat", "coreutils");
        m.put("setfattr", "attr");
        m.put("getfattr", "attr");
        m.put("setfacl", "acl");
        m.put("rsync", "rsync");
        return Map.copyOf(m);
    }

    /**
     * Skips the calling test unless we are root, every command of {@link #COMMANDS} is installed,
     * and root may here do what the fixture does (a container without CAP_SYS_ADMIN cannot set
     * {@code trusted.} xattrs, one without CAP_MKNOD cannot make devices; a file system may lack
     * ACLs): a probe in a temp dir (on the file system of the test's folders) says which step failed.
     */
    public static void assumeUsable() {
        Host.assumeRoot("for the fidelity fixture (mknod, chown to foreign ids, trusted. and security. xattrs)");
        Host.assumeCommands(COMMANDS);
        String failed = probe();
        assumeTrue(failed.isEmpty(), "root cannot make the fidelity fixture here (" + failed.strip()
                + "; in a container: needs CAP_MKNOD, CAP_SYS_ADMIN, CAP_SETFCAP and a file system with xattrs and"
                + " ACLs); skipped");
    }

    private static String probe() {
        Path dir;
        try {
            dir = Files.createTempDirectory("syncnode-fixture-probe");
        } catch (IOException e) {
            throw new UncheckedIOException("creating a temp dir for the fixture probe", e);
        }
        try {
            Host.Result r = Host.run(Duration.ofSeconds(30), Map.of("LC_ALL", "C"), List.of("bash", "-c", String.join("\n",
                    "cd -- \"$1\" || exit 1",
                    "try() { \"$@\" 2>/dev/null || printf '%s failed; ' \"$*\"; }",
                    ": > f",
                    "try mknod dev c 300 70000",
                    "try mkfifo fifo",
                    "try chown 4294967294:100000 f",
                    "try setfattr -n trusted.probe -v 1 f",
                    "try setfattr -n security.capability -v 0x0100000200200000000000000000000000000000 f",
                    "try setfacl -m u:1000:r f"), "probe", dir.toString()));
            return r.text() + (r.exit() == 0 ? "" : "probe exit " + r.exit() + ": " + r.err().strip());
        } finally {
            Host.run(Duration.ofSeconds(30), "rm", "-rf", "--", dir.toString());
        }
    }

    /**
     * Creates the fixture at {@code root} (which must not exist; its parent must) with the second
     * name of {@link #LINKED_OUTSIDE} in the existing directory {@code outside} (same file system,
     * outside the synced folder). Fails with the script's output if a step fails.
     */
    public static void build(Path root, Path outside) {
        Host.run(BUILD, Map.of(), List.of("bash", "-c", script(), "fixture.sh", root.toString(), outside.toString())).ok();
    }

    static String script() {
        try (InputStream in = Fixture.class.getResourceAsStream("fixture.sh")) {
            if (in == null) {
                throw new IllegalStateException("resource io/syncnode/it/fixture.sh is missing from the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading fixture.sh", e);
        }
    }

    /** Bytes allocated on disk for {@code file} ({@code stat -c '%b %B'}: blocks times block unit). */
    public static long allocatedBytes(Path file) {
        String[] f = Host.ok(Duration.ofSeconds(10), "stat", "-c", "%b %B", "--", file.toString()).text().strip().split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }

    /** "ino nlink" of {@code p} (lstat). */
    public static String inode(Path p) {
        try {
            return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS) + " "
                    + Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    /**
     * Null when the names of {@link #HARD_LINK_GROUP} below {@code root} are one inode with nlink 3
     * and the same content, else what is wrong.
     */
    public static String hardLinkGroupProblem(Path root) {
        String first = inode(root.resolve(HARD_LINK_GROUP.get(0)));
        StringBuilder b = new StringBuilder();
        for (String name : HARD_LINK_GROUP) {
            b.append(' ').append(name).append(": ").append(inode(root.resolve(name)));
        }
        boolean same = HARD_LINK_GROUP.stream().allMatch(n -> inode(root.resolve(n)).equals(first));
        return same && first.endsWith(" 3") ? null : "not one inode with nlink 3 under " + root + ":" + b;
    }
}
