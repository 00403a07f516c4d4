package io.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.VersionPolicy;
import io.syncnode.protocol.VersionsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code [[folder]] versions} and its retention keys: defaults per mode, every key, errors naming key, line and why. */
class VersionsConfigTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultKeepsNothing() throws Exception {
        assertEquals(VersionPolicy.NONE, load("").folders().get(0).versions());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            versions = "none"                                 | NONE      | 0 |      | 0         | 0
            versions = "trash"                                | TRASH     | 0 | P30D | 0         | 1000
            versions = "simple"                               | SIMPLE    | 5 |      | 0         | 1000
            versions = "staggered"                            | STAGGERED | 0 | P365D| 0         | 1000
            versions = "simple"\\nversions-keep = 3            | SIMPLE    | 3 |      | 0         | 1000
            versions = "simple"\\nversions-max-age = "7d"      | SIMPLE    | 5 | P7D  | 0         | 1000
            versions = "trash"\\nversions-max-age = "2h"       | TRASH     | 0 | PT2H | 0         | 1000
            versions = "trash"\\nversions-max-size = "1GiB"    | TRASH     | 0 | P30D | 1073741824 | 0
            versions = "staggered"\\nversions-max-size = "2.5%" | STAGGERED | 0 | P365D| 0         | 250
            """)
    void everyModeAndKeyLoads(String lines, VersionsMode mode, int keep, String age, long bytes, int percent)
            throws Exception {
        VersionPolicy p = load(lines.replace("\\n", "\n") + "\n").folders().get(0).versions();
        assertEquals(new VersionPolicy(mode, keep, age == null ? null : Duration.parse(age), bytes, percent), p);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            versions = "backup"                                 | folder[0].versions          | 12 | must be one of none, trash, simple, staggered
            versions = true                                     | folder[0].versions          | 12 | expected a string
            versions-keep = 3                                   | folder[0].versions-keep     | 12 | has no effect without versions
            versions = "none"\\nversions-max-age = "1d"          | folder[0].versions-max-age  | 13 | has no effect without versions
            versions = "trash"\\nversions-keep = 3               | folder[0].versions-keep     | 13 | only applies to versions = "simple"
            versions = "simple"\\nversions-keep = 0              | folder[0].versions-keep     | 13 | 0 must be from 1 to 10000
            versions = "simple"\\nversions-keep = "5"            | folder[0].versions-keep     | 13 | expected an integer
            versions = "trash"\\nversions-max-age = "soon"       | folder[0].versions-max-age  | 13 | "soon"
            versions = "trash"\\nversions-max-age = "10s"        | folder[0].versions-max-age  | 13 | must be at least 1m
            versions = "trash"\\nversions-max-size = "lots"      | folder[0].versions-max-size | 13 | is neither a size
            versions = "trash"\\nversions-max-size = "60%"       | folder[0].versions-max-size | 13 | at most 50%
            versions = "trash"\\nversions-max-size = "0"         | folder[0].versions-max-size | 13 | would keep nothing
            versions = "trash"\\nversions-max-size = 100         | folder[0].versions-max-size | 13 | expected a string
            """)
    void badValuesNameTheKeyLineAndWhy(String lines, String key, int line, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(lines.replace("\\n", "\n") + "\n"));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.reason().contains(reason), e.getMessage());
        assertEquals(line, e.line(), "the line of the value: " + e.getMessage());
    }

    private SyncnodeConfig load(String folderLines) throws IOException, ConfigException {
        Path file = Files.createTempFile(dir, "syncnode", ".toml");
        Files.writeString(file, """
                [node]
                name = "alpha"
                state-dir = "/var/lib/syncnode"

                [cluster]
                name = "lxc-ha"
                bind = "127.0.0.1:7800"

                [[folder]]
                name = "www"
                path = "/srv/www"
                """ + folderLines);
        return ConfigLoader.load(file);
    }
}
