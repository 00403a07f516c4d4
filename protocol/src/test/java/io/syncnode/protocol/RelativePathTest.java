package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RelativePathTest {

    /**
     * A path of exactly {@code total} UTF-8 bytes built from {@code unit} (padded with 'a' where a
     * whole unit does not fit), in components of at most about 200 bytes.
     */
    static String pathOfBytes(int total, String unit) {
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        int component = 0;
        while (bytes < total) {
            if (component >= 200 && total - bytes >= 2) {
                sb.append('/');
                bytes++;
                component = 0;
            } else if (total - bytes >= unitBytes) {
                sb.append(unit);
                bytes += unitBytes;
                component += unitBytes;
            } else {
                sb.append('a');
                bytes++;
                component++;
            }
        }
        return sb.toString();
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static Arguments valid(String name, String path) {
        return Arguments.of(named(name, path), null);
    }

    static Arguments invalid(String name, String path, String reasonFragment) {
        return Arguments.of(named(name, path), reasonFragment);
    }

    static Stream<Arguments> paths() {
        return Stream.of(
                valid("single name", "a"),
                valid("nested", "a/b/c"),
                valid("dot file", ".hidden"),
                valid("name starting with two dots", "..a"),
                valid("name ending with two dots", "a.."),
                valid("three dots", "a/.../b"),
                valid("spaces and backslash are names", "a b/c\\d"),
                valid("255-byte component", "a".repeat(255)),
                valid("255 bytes of 2-byte chars (127 x e-acute + a)", "\u00e9".repeat(127) + "a"),
                valid("255 bytes of 3-byte chars (85 x euro)", "x/" + "\u20ac".repeat(85)),
                valid("exactly 4096 bytes", pathOfBytes(4096, "a")),
                valid("exactly 4096 bytes of 2-byte chars", pathOfBytes(4096, "\u00e9")),
                invalid("empty", "", "empty path"),
                invalid("null", null, "empty path"),
                invalid("root slash", "/", "absolute"),
                invalid("absolute", "/etc/passwd", "absolute"),
                invalid("trailing slash", "a/", "empty path component"),
                invalid("double slash", "a//b", "empty path component"),
                invalid("dot after a slash", "a/.", "'.' component"),
                invalid("dot in the middle", "a/./b", "'.' component"),
                invalid("trailing dot", "a/.", "'.' component"),
                invalid("dot-dot", "..", "'..' component"),
                invalid("leading dot-dot", "../x", "'..' component"),
                invalid("dot-dot in the middle", "a/../../etc", "'..' component"),
                invalid("trailing dot-dot", "a/..", "'..' component"),
                invalid("NUL in a name", "a\0b", "NUL"),
                invalid("NUL alone", "\0", "NUL"),
                invalid("NUL hiding a traversal", "a/\0/../b", "NUL"),
                invalid("4097 bytes", pathOfBytes(4097, "a"), "longer than 4096 bytes"),
                invalid("4097 bytes in 2-byte chars (about 2049 chars)", pathOfBytes(4097, "\u00e9"),
                        "longer than 4096 bytes"),
                invalid("component of 256 bytes", "d/" + "a".repeat(256), "component longer than 255 bytes"),
                invalid("component of 128 2-byte chars (256 bytes)", "\u00e9".repeat(128),
                        "component longer than 255 bytes"),
                invalid("component of 86 3-byte chars (258 bytes)", "x/" + "\u20ac".repeat(86) + "/y",
                        "component longer than 255 bytes"),
                valid("the temp prefix inside a name", "a.syncnode-tmp.b"),
                valid("the temp prefix without its last dot", ".syncnode-tmp"),
                invalid("a temp name", ".syncnode-tmp.x", "reserved for temp files"),
                invalid("below a temp-named directory", ".syncnode-tmp.x/y", "reserved for temp files"),
                invalid("a temp name deep down", "a/b/.syncnode-tmp.c.1a2b3c/d", "reserved for temp files"));
    }

    @Test
    void generatedPathsHaveTheirIntendedLengths() {
        assertEquals(4096, utf8Length(pathOfBytes(4096, "a")));
        assertEquals(4096, utf8Length(pathOfBytes(4096, "\u00e9")));
        assertEquals(4097, utf8Length(pathOfBytes(4097, "\u00e9")));
        assertTrue(pathOfBytes(4097, "\u00e9").length() < 2100, "counted in bytes, not chars");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("paths")
    void problemNamesTheReason(String path, String reasonFragment) {
        String problem = RelativePath.problem(path);
        if (reasonFragment == null) {
            assertNull(problem);
            assertSame(path, RelativePath.validate(path));
        } else {
            assertTrue(problem != null && problem.contains(reasonFragment),
                    "expected a reason containing \"" + reasonFragment + "\", got " + problem);
            RelativePath.InvalidPathException e = assertThrows(RelativePath.InvalidPathException.class,
                    () -> RelativePath.validate(path));
            assertEquals(problem, e.reason());
            assertTrue(e.getMessage().contains(problem), e.getMessage());
        }
    }

    @Test
    void exceptionMessageShowsNulEscaped() {
        RelativePath.InvalidPathException e = assertThrows(RelativePath.InvalidPathException.class,
                () -> RelativePath.validate("a\0b"));
        assertTrue(e.getMessage().contains("\"a\\x00b\""), e.getMessage());
        assertTrue(e.getMessage().indexOf('\0') < 0, "no raw NUL in the message");
    }

    static Stream<Arguments> parentsAndNames() {
        return Stream.of(
                Arguments.of(named("top-level entry", "a"), "", "a"),
                Arguments.of(named("one level", "a/b"), "a", "b"),
                Arguments.of(named("two levels", "a/b/c"), "a/b", "c"),
                Arguments.of(named("dot file", "dir/.hidden"), "dir", ".hidden"),
                Arguments.of(named("multibyte", "\u00e9t\u00e9/\u20ac.txt"), "\u00e9t\u00e9", "\u20ac.txt"));
    }

    @ParameterizedTest(name = "{0}: parent \"{1}\", name \"{2}\"")
    @MethodSource("parentsAndNames")
    void parentAndName(String path, String parent, String name) {
        assertEquals(parent, RelativePath.parent(path));
        assertEquals(name, RelativePath.name(path));
    }

    static Stream<Arguments> withins() {
        return Stream.of(
                Arguments.of(named("top-level entry in the root", "a"), "", true),
                Arguments.of(named("nested entry in the root", "a/b/c"), "", true),
                Arguments.of(named("the root itself", ""), "", true),
                Arguments.of(named("the directory itself", "a"), "a", true),
                Arguments.of(named("child", "a/b"), "a", true),
                Arguments.of(named("grandchild", "a/b/c"), "a", true),
                Arguments.of(named("nested directory itself", "a/b"), "a/b", true),
                Arguments.of(named("sibling sharing a prefix: ab vs a", "ab"), "a", false),
                Arguments.of(named("shorter path: a vs ab", "a"), "ab", false),
                Arguments.of(named("parent of the directory", "a"), "a/b", false),
                Arguments.of(named("prefix-sharing child: ab/c vs a", "ab/c"), "a", false),
                Arguments.of(named("prefix-sharing nested: a/bc vs a/b", "a/bc"), "a/b", false),
                Arguments.of(named("same name elsewhere: b/a vs a", "b/a"), "a", false),
                Arguments.of(named("root is not within a directory", ""), "a", false));
    }

    @ParameterizedTest(name = "\"{0}\" within \"{1}\": {2}")
    @MethodSource("withins")
    void isWithin(String path, String dir, boolean expected) {
        assertEquals(expected, RelativePath.isWithin(path, dir));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({".syncnode-tmp.x, true", "a/.syncnode-tmp.x/y, true", "a/b/.syncnode-tmp.f.1a2b, true",
            "a.syncnode-tmp.b, false", ".syncnode-tmp, false", "a/b.syncnode-tmp.c/d, false", "a/b, false"})
    void inTempEntryAgreesWithTheReservedPrefixRuleOfProblem(String path, boolean expected) {
        assertEquals(expected, RelativePath.inTempEntry(path));
        assertEquals(expected, RelativePath.problem(path) != null, "problem() refuses exactly these");
    }
}
