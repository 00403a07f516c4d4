package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link UnifiedDiff}: hunks as GNU {@code diff -u} prints them (expected outputs taken from diff 3.x). */
class UnifiedDiffTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("equal texts", "a\nb\n", "a\nb\n", 3, List.of()),
                Arguments.of("one line changed in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n", 3,
                        List.of("@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+X", " 6", " 7", " 8")),
                Arguments.of("added to an empty text", "", "a\n", 3, List.of("@@ -0,0 +1 @@", "+a")),
                Arguments.of("all removed", "a\nb\n", "", 3, List.of("@@ -1,2 +0,0 @@", "-a", "-b")),
                Arguments.of("a line removed without context", "a\nb\nc\n", "a\nc\n", 0, List.of("@@ -2 +1,0 @@", "-b")),
                Arguments.of("missing newline at the end", "a\nb\n", "a\nb", 3,
                        List.of("@@ -1,2 +1,2 @@", " a", "-b", "+b", "\\ No newline at end of file")),
                Arguments.of("two hunks far apart", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "X\n2\n3\n4\n5\n6\n7\n8\n9\nY\n", 1,
                        List.of("@@ -1,2 +1,2 @@", "-1", "+X", " 2", "@@ -9,2 +9,2 @@", " 9", "-10", "+Y")),
                Arguments.of("changes close together share a hunk", "1\n2\n3\n4\n5\n", "X\n2\n3\nY\n5\n", 1,
                        List.of("@@ -1,5 +1,5 @@", "-1", "+X", " 2", " 3", "-4", "+Y", " 5")),
                Arguments.of("insertion keeps common lines", "a\nc\n", "a\nb\nc\n", 3,
                        List.of("@@ -1,2 +1,3 @@", " a", "+b", " c")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hunks(String name, String old, String now, int context, List<String> expected) {
        assertEquals(expected, UnifiedDiff.hunks(old, now, context));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void applyingTheHunksGivesTheNewText(String name, String old, String now, int context, List<String> ignored) {
        // the old text's lines, with every '-' line dropped and every '+' line added in place
        List<String> hunks = UnifiedDiff.hunks(old, now, Integer.MAX_VALUE / 4);
        StringBuilder rebuilt = new StringBuilder();
        for (String line : hunks) {
            if (line.startsWith("@@")) {
                continue;
            }
            if (line.startsWith("\\")) {
                rebuilt.setLength(rebuilt.length() - 1);
                continue;
            }
            if (line.charAt(0) != '-') {
                rebuilt.append(line, 1, line.length()).append('\n');
            } else {
                rebuilt.append('\u0000').append('\n');
            }
        }
        String result = rebuilt.toString().replace("\u0000\n", "");
        // a trailing "\ No newline" after a '-' line removed a NUL marker's newline: not in these cases
        assertEquals(hunks.isEmpty() ? old : now, hunks.isEmpty() ? old : result);
    }
}
