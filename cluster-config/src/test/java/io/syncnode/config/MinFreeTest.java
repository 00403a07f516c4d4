package io.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code [[folder]] min-free}: sizes and shares, and what is refused. */
class MinFreeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "\"{0}\" on 10 GB reserves {1} bytes")
    @CsvSource({
            "1%,         100000000",
            "0.5%,       50000000",
            "12.25%,     1225000000",
            "512MiB,     536870912",
            "2GB,        2000000000",
            "2 gb,       2000000000",
            "1.5KiB,     1536",
            "1048576,    1048576",
            "0,          0",
            "1TiB,       1099511627776",
    })
    void reservesOnATenGigabyteFileSystem(String text, long expected) {
        assertEquals(expected, MinFree.parse(text).reserveOf(10_000_000_000L));
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"", "%", "51%", "-1MiB", "1 PB", "ten", "1.234%", "5 % %", "99999999999999TiB"})
    void refused(String text) {
        assertThrows(IllegalArgumentException.class, () -> MinFree.parse(text));
    }

    @Test
    void theDefaultIsOnePercentAndTheLoaderReadsTheKeyWithItsLineOnErrors() throws Exception {
        assertEquals(MinFree.DEFAULT, new MinFree(0, 100));
        Path f = tmp.resolve("n.toml");
        String base = """
                [node]
                name = "alpha"
                state-dir = "/var/lib/syncnode"

                [cluster]
                name = "c"
                bind = "127.0.0.1:7800"

                [[folder]]
                name = "data"
                path = "/srv/data"
                """;
        Files.writeString(f, base);
        assertEquals(MinFree.DEFAULT, ConfigLoader.load(f).folders().get(0).minFree());
        Files.writeString(f, base + "min-free = \"256MiB\"\n");
        assertEquals(new MinFree(256L << 20, 0), ConfigLoader.load(f).folders().get(0).minFree());
        Files.writeString(f, base + "min-free = \"lots\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().contains(":12: folder[0].min-free: \"lots\" is neither a size"), e.getMessage());
    }
}
