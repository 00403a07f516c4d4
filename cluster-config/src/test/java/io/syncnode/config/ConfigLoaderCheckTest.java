package io.syncnode.config;

import static io.syncnode.config.ConfigLoaderTest.BASE;
import static io.syncnode.config.ConfigLoaderTest.edit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ConfigLoader#check}: every problem of a file, by the same rules as {@code load}. */
class ConfigLoaderCheckTest {
    @TempDir
    Path dir;

    @Test
    void goodFileHasNoProblemAndEverySection() throws IOException {
        ConfigReport report = ConfigLoader.check(write(ConfigLoaderTest.CONTRACT));
        assertTrue(report.ok(), () -> report.problems().toString());
        assertEquals("alpha", report.node().name());
        assertEquals("lxc-ha", report.cluster().name());
        assertEquals(1, report.folders().size());
        ConfigException more = report.problem("folder[0].path", "does not exist");
        assertEquals(report.file() + ":15: folder[0].path: does not exist", more.getMessage());
    }

    @Test
    void threeBadKeysInThreeTablesAreThreeProblems() throws IOException {
        Path file = write(BASE.replace("state-dir = \"/var/lib/syncnode\"", "state-dir = \"var/lib/syncnode\"")
                .replace("bind = \"127.0.0.1:7800\"", "bind = \"127.0.0.1:99999\"")
                + "settle = \"soon\"\n");
        ConfigReport report = ConfigLoader.check(file);
        assertProblems(report, List.of(
                "3 node.state-dir must be an absolute path",
                "7 cluster.bind port must be a number from 1 to 65535",
                "12 folder[0].settle expected a duration"));
        assertNull(report.node());
        assertNull(report.cluster());
        assertTrue(report.folders().isEmpty());
    }

    @Test
    void unknownKeysAreEachReportedAndTheTableIsStillRead() throws IOException {
        Path file = write(BASE.replace("[cluster]", "[cluster]\nbnid = \"x\"\ntrasnport = \"tcp\"")
                + "settel = \"1s\"\nrescan = \"never\"\n");
        assertProblems(ConfigLoader.check(file), List.of(
                "6 cluster.bnid unknown key",
                "7 cluster.trasnport unknown key",
                "14 folder[0].settel unknown key",
                "15 folder[0].rescan expected a duration"));
    }

    @Test
    void aBadFolderDoesNotHideTheNextOneAndKeepsTheIndexes() throws IOException {
        Path file = write(BASE + "max-conflict-copies = 0\n" + """

                [[folder]]
                name = "ct102"
                path = "/var/lib/lxc/ct102"

                [[folder]]
                name = "ct102"
                path = "/var/lib/lxc/ct103"
                """);
        ConfigReport report = ConfigLoader.check(file);
        assertProblems(report, List.of(
                "12 folder[0].max-conflict-copies 0 must be from 1 to 1000",
                "19 folder[2].name \"ct102\" is already the name of folder[1]"));
        assertEquals(List.of(1), List.copyOf(report.folders().keySet()), "folder[1] passed, folder[2] repeats its name");
        assertEquals("ct102", report.folders().get(1).name());
        assertEquals("alpha", report.node().name());
    }

    @Test
    void aBadNodeNameSkipsTheRulesThatNeedIt() throws IOException {
        Path file = write(edit(BASE, List.of("node.name = \"Alpha!\"", "folder.nodes = [\"beta\"]")));
        assertProblems(ConfigLoader.check(file), List.of("2 node.name must match"));
    }

    @Test
    void syntaxErrorIsOneProblem() throws IOException {
        ConfigReport report = ConfigLoader.check(write(BASE.replace("\"127.0.0.1:7800\"", "\"127.0.0.1:7800")
                + "settle = \"soon\"\n"));
        assertEquals(1, report.problems().size(), () -> report.problems().toString());
        assertNull(report.problems().get(0).key());
        assertTrue(report.problems().get(0).reason().startsWith("TOML syntax error"));
        assertFalse(report.ok());
    }

    @Test
    void missingFileIsOneProblem() {
        Path missing = dir.resolve("nope.toml");
        ConfigReport report = ConfigLoader.check(missing);
        assertEquals(List.of(missing + ": file not found"),
                report.problems().stream().map(ConfigException::getMessage).toList());
    }

    /** Every bad-value and bad-file case of ConfigLoaderTest: description or edits, then the text. */
    static Stream<Arguments> everyRejectedFile() {
        Stream<Arguments> values = ConfigLoaderTest.badValues()
                .map(a -> Arguments.of(a.get()[0], edit(BASE, List.of(((String) a.get()[0]).split("; ")))));
        Stream<Arguments> files = ConfigLoaderTest.badFiles().map(a -> Arguments.of(a.get()[0], a.get()[1]));
        return Stream.concat(values, files);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRejectedFile")
    void firstProblemIsWhatLoadThrows(String description, String text) throws IOException {
        Path file = write(text);
        ConfigException thrown = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        ConfigReport report = ConfigLoader.check(file);
        assertFalse(report.ok());
        assertEquals(thrown.getMessage(), report.problems().get(0).getMessage());
    }

    /** Each expected problem is "LINE KEY part-of-reason". */
    private static void assertProblems(ConfigReport report, List<String> expected) {
        List<String> actual = report.problems().stream().map(p -> p.line() + " " + p.key() + " " + p.reason())
                .toList();
        assertEquals(expected.size(), actual.size(), actual::toString);
        for (int i = 0; i < expected.size(); i++) {
            String e = expected.get(i);
            String a = actual.get(i);
            String prefix = e.substring(0, e.indexOf(' ', e.indexOf(' ') + 1) + 1);
            assertTrue(a.startsWith(prefix) && a.contains(e.substring(prefix.length())), () -> e + " vs " + actual);
        }
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "syncnode", ".toml");
        Files.writeString(file, text);
        return file;
    }
}
