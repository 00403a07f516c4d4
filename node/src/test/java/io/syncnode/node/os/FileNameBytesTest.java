package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feasibility finding: file names that are arbitrary bytes (not valid UTF-8) on JDK 17.
 * Each test documents one measured behaviour; the numbers are for a directory holding one file
 * per byte 0x01..0xff except '/' (254 names "n" + byte), 128 of which are not valid UTF-8.
 *
 * <p>Result: a Path from the file system keeps the exact bytes, but its String is lossy in the
 * default UTF-8 locale; {@code -Dsun.jnu.encoding} is ignored; {@code LC_ALL=C} is worse; a
 * Latin-1 locale works but must be generated and changes the JVM's default charset. jnr readdir
 * plus byte[] syscalls work, and so does the pure-JDK {@code toUri()}/{@code Path.of(URI)}
 * detour that {@link PathBytes} uses.
 */
class FileNameBytesTest {
    /** Lists the directory in args[0] and tries Path.of(path.toString()) for every entry. */
    private static final String PROBE = String.join("\n",
            "import java.nio.file.*;",
            "public class Probe { public static void main(String[] a) throws Exception {",
            "  int ok = 0, bad = 0, threw = 0;",
            "  try (var s = Files.list(Path.of(a[0]))) { for (Path p : (Iterable<Path>) s::iterator) {",
            "    try { Path q = Path.of(p.toString());",
            "      if (q.equals(p) && Files.exists(q, LinkOption.NOFOLLOW_LINKS)) ok++; else bad++;",
            "    } catch (InvalidPathException e) { threw++; } } }",
            "  System.out.println(\"jnu=\" + System.getProperty(\"sun.jnu.encoding\") + \" ok=\" + ok",
            "      + \" bad=\" + bad + \" threw=\" + threw);",
            "}}");

    @TempDir
    Path tmp;
    private Path all;

    @BeforeEach
    void createOneFilePerByte() throws IOException {
        all = Files.createDirectory(tmp.resolve("all"));
        for (int b = 1; b <= 0xff; b++) {
            if (b != '/') {
                Files.createFile(PathBytes.resolve(all, new byte[] {'n', (byte) b}));
            }
        }
    }

    @Test
    void defaultUtf8LocaleKeepsBytesInPathButNotInString() throws Exception {
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
                "documents the default here, sun.jnu.encoding=UTF-8 (LANG=C.UTF-8)");
        Path d = Files.createDirectory(tmp.resolve("d"));
        run(List.of("bash", "-c", "touch $'caf\\xe9' $'caf\\xe8'"), d, Map.of());
        List<Path> entries;
        try (Stream<Path> s = Files.list(d)) {
            entries = s.sorted().toList();
        }
        assertEquals(2, entries.size());
        for (Path p : entries) {
            // (1a) the Path object itself still works: it holds the raw bytes
            assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS));
            // (1b) its String does not: 0xe9 / 0xe8 both decode to U+FFFD...
            assertEquals("caf\uFFFD", p.getFileName().toString());
            // ...and Path.of(string) encodes U+FFFD as EF BF BD: another, missing file
            Path again = Path.of(p.toString());
            assertNotEquals(p, again);
            assertFalse(Files.exists(again, LinkOption.NOFOLLOW_LINKS));
        }
        assertEquals(entries.get(0).toString(), entries.get(1).toString(), "two files, one String");

        // PathBytes recovers the exact bytes and rebuilds a working Path from them
        assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xe8}, PathBytes.nameBytes(entries.get(0)));
        assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xe9}, PathBytes.nameBytes(entries.get(1)));
        Path rebuilt = PathBytes.resolve(d, new byte[] {'c', 'a', 'f', (byte) 0xe9});
        assertEquals(entries.get(1), rebuilt);

        // and the native calls of this package reach the right file (PathBytes.of is byte-exact)
        NativeFs.setMtimeNoFollow(rebuilt, 1_700_000_000_000_000_001L);
        assertEquals(1_700_000_000_000_000_001L,
                Files.getLastModifiedTime(entries.get(1), LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS));
        NativeFs.setXattr(rebuilt, "user.k", new byte[] {42});
        assertArrayEquals(new byte[] {42}, NativeFs.listXattrs(entries.get(1)).get("user.k"));
        assertTrue(NativeFs.listXattrs(entries.get(0)).isEmpty());
    }

    @Test
    void jnuEncodingFlagIsIgnoredOnJdk17() throws Exception {
        // (2) -Dsun.jnu.encoding=ISO-8859-1: the JDK overrides it from the locale; nothing changes
        String out = probe(List.of("-Dsun.jnu.encoding=ISO-8859-1"), Map.of());
        assertEquals("jnu=UTF-8 ok=126 bad=128 threw=0", out);
    }

    @Test
    void cLocaleIsWorse() throws Exception {
        // (3) LC_ALL=C: jnu becomes US-ASCII; the 128 high-byte names throw InvalidPathException
        String out = probe(List.of(), Map.of("LC_ALL", "C"));
        assertEquals("jnu=ANSI_X3.4-1968 ok=126 bad=0 threw=128", out);
    }

    @Test
    void aGeneratedLatin1LocaleRoundTripsEveryByte() throws Exception {
        // (3b) a real ISO-8859-1 locale does round-trip all 254 names, but it must be generated
        // (Debian's image ships only C, C.utf8, POSIX) and it also makes file.encoding ISO-8859-1
        Path localedef = Path.of("/usr/bin/localedef");
        assumeTrue(Files.isExecutable(localedef), "needs localedef (libc-bin) to generate a Latin-1 locale");
        Path loc = Files.createDirectory(tmp.resolve("locales"));
        run(List.of(localedef.toString(), "-i", "en_US", "-f", "ISO-8859-1", loc.resolve("en_US.ISO-8859-1").toString()),
                tmp, Map.of());
        String out = probe(List.of(), Map.of("LOCPATH", loc.toString(), "LC_ALL", "en_US.ISO-8859-1"));
        assertEquals("jnu=ISO-8859-1 ok=254 bad=0 threw=0", out);
    }

    @Test
    void nativeReaddirAndByteSyscallsSeeEveryName() throws IOException {
        // (4) jnr opendir/readdir give the raw bytes; byte[] paths work for lstat/open/xattrs
        List<byte[]> names = NativeFs.listNames(all);
        assertEquals(254, names.size());
        Map<Integer, byte[]> byLast = new HashMap<>();
        for (byte[] n : names) {
            assertEquals(2, n.length);
            byLast.put(n[1] & 0xff, n);
        }
        for (int b = 1; b <= 0xff; b++) {
            if (b == '/') {
                continue;
            }
            byte[] name = byLast.get(b);
            assertArrayEquals(new byte[] {'n', (byte) b}, name, "byte " + b);
            Path p = PathBytes.resolve(all, name);
            assertEquals(0, NativeFs.allocatedBytes(p)); // lstat by exact bytes
            assertTrue(NativeFs.dataRegions(p).isEmpty()); // open by exact bytes
            assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void pathBytesRoundTripsEveryNameInThisJvm() throws IOException {
        // the recommended pure-JDK route: Path -> bytes -> Path, for all 254 names, any locale
        List<Path> entries;
        try (Stream<Path> s = Files.list(all)) {
            entries = s.toList();
        }
        assertEquals(254, entries.size());
        List<String> lossyStrings = new ArrayList<>();
        for (Path p : entries) {
            byte[] name = PathBytes.nameBytes(p);
            assertEquals(2, name.length, p.toString());
            Path back = PathBytes.resolve(all, name);
            assertEquals(p, back);
            assertTrue(Files.exists(back, LinkOption.NOFOLLOW_LINKS));
            byte[] whole = PathBytes.bytes(p);
            assertEquals(p, PathBytes.fromBytes(whole));
            assertTrue(Arrays.equals(name, Arrays.copyOfRange(whole, whole.length - 2, whole.length)));
            if (p.toString().indexOf('\uFFFD') >= 0) {
                lossyStrings.add(p.toString());
            }
            // relative paths stay relative
            Path rel = Path.of("x").resolve(p.getFileName());
            assertFalse(PathBytes.fromBytes(PathBytes.bytes(rel)).isAbsolute());
            assertEquals(rel, PathBytes.fromBytes(PathBytes.bytes(rel)));
        }
        if ("UTF-8".equals(System.getProperty("sun.jnu.encoding"))) {
            assertEquals(128, lossyStrings.size()); // 0x80..0xff alone are never valid UTF-8
        }
    }

    private String probe(List<String> jvmFlags, Map<String, String> env) throws Exception {
        Path src = tmp.resolve("Probe.java");
        if (!Files.exists(src)) {
            Files.writeString(src, PROBE);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add(src.toString());
        cmd.add(all.toString());
        return run(cmd, tmp, env).strip();
    }

    private static String run(List<String> cmd, Path cwd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, proc.exitValue(), cmd + ": " + out);
        return out;
    }
}
