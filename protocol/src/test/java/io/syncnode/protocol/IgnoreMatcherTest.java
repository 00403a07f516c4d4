package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IgnoreMatcherTest {

    /** patterns separated by " | ", the path (a trailing '/' marks a directory), expected. */
    static Stream<Arguments> cases() {
        return Stream.of(
                // the contract's examples
                c("rootfs/tmp/**", "rootfs/tmp/a", true),
                c("rootfs/tmp/**", "rootfs/tmp/a/b", true),
                c("rootfs/tmp/**", "rootfs/tmp/", false),
                c("rootfs/tmp/**", "rootfs/tmpx/a", false),
                c("rootfs/tmp/**", "other/rootfs/tmp/a", false),
                c("**/*.swp", "a.swp", true),
                c("**/*.swp", "rootfs/etc/.hosts.swp", true),
                c("**/*.swp", "rootfs/etc/hosts", false),
                // basename patterns match at any depth
                c("*.log", "x.log", true),
                c("*.log", "var/log/x.log", true),
                c("*.log", "x.log.1", false),
                c("*.log", "logs.d/", false),
                c("core", "a/b/core", true),
                c("core", "a/core/file", true),
                // * and ? do not cross '/'
                c("a/*.txt", "a/x.txt", true),
                c("a/*.txt", "a/b/x.txt", false),
                c("a?c", "abc", true),
                c("a?c", "a/c", false),
                c("a?c", "abbc", false),
                // anchoring
                c("/build", "build", true),
                c("/build", "src/build", false),
                c("doc/frotz", "doc/frotz", true),
                c("doc/frotz", "a/doc/frotz", false),
                // directory-only patterns
                c("tmp/", "tmp/", true),
                c("tmp/", "tmp", false),
                c("tmp/", "rootfs/tmp/a/b", true),
                c("rootfs/tmp/", "rootfs/tmp/a/b", true),
                // ** forms
                c("**/foo", "foo", true),
                c("**/foo", "a/b/foo", true),
                c("a/**/b", "a/b", true),
                c("a/**/b", "a/x/y/b", true),
                c("a/**/b", "a/x/y/bc", false),
                c("**", "anything/at/all", true),
                c("a**b", "axxb", true),
                c("a**b", "ax/xb", false),
                // bracket classes
                c("[abc].txt", "b.txt", true),
                c("[abc].txt", "d.txt", false),
                c("file[0-9]", "file7", true),
                c("file[0-9]", "filex", false),
                c("[!x]y", "ay", true),
                c("[!x]y", "xy", false),
                c("[]]", "]", true),
                // negation: later patterns win
                c("*.log | !keep.log", "keep.log", false),
                c("*.log | !keep.log", "drop.log", true),
                c("!keep.log | *.log", "keep.log", true),
                c("build/ | !build/keep", "build/keep", true),
                c("data/* | !data/keep", "data/keep", false),
                c("data/* | !data/keep", "data/drop", true),
                // comments, blanks and escapes
                c("# comment |    | x", "x", true),
                c("# comment", "# comment", false),
                c("\\#hash", "#hash", true),
                c("\\!bang", "!bang", true),
                c("a\\*b", "a*b", true),
                c("a\\*b", "axb", false),
                c("with\\ ", "with ", true),
                c("trailing  ", "trailing", true),
                c("dot.txt", "dotxtxt", false),
                c("(a+)", "(a+)", true),
                // no patterns, root path
                c("", "anything", false),
                c("*", "", false));
    }

    private static Arguments c(String patterns, String path, boolean expected) {
        return Arguments.of(patterns, path, expected);
    }

    @ParameterizedTest(name = "[{0}] on \"{1}\" -> ignored={2}")
    @MethodSource("cases")
    void decides(String patterns, String path, boolean expected) {
        IgnoreMatcher matcher = IgnoreMatcher.compile(Arrays.asList(patterns.split(" \\| ", -1)));
        boolean dir = path.endsWith("/");
        String rel = dir ? path.substring(0, path.length() - 1) : path;
        assertEquals(expected, matcher.ignored(rel, dir), matcher::toString);
    }

    @ParameterizedTest(name = "rejects \"{0}\": {1}")
    @MethodSource("badPatterns")
    void rejectsBadPatterns(String pattern, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IgnoreMatcher.compile(List.of("ok", pattern)));
        assertTrue(e.getMessage().contains("\"" + pattern + "\""), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    static Stream<Arguments> badPatterns() {
        return Stream.of(
                Arguments.of("[abc", "closing ']'"),
                Arguments.of("x\\", "lone '\\'"),
                Arguments.of("/", "matches nothing"),
                Arguments.of("!", "matches nothing"),
                Arguments.of("[z-a]", "Illegal character range"));
    }

    @Test
    void noneIgnoresNothing() {
        assertFalse(IgnoreMatcher.none().ignored("a/b", false));
    }
}
