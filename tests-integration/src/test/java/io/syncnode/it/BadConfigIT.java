package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code run -c} with a broken config exits 2 before starting anything, and stderr says
 * "FILE:LINE: KEY: reason" with the key qualified by its table ({@code folder[0].settle}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadConfigIT {
    static final String GOOD = """
            [node]
            name = "bad"
            state-dir = "STATE"

            [cluster]
            name = "it-bad"
            transport = "tcp"
            bind = "127.0.0.1:29999"
            peers = ["127.0.0.1:29999"]

            [[folder]]
            name = "data"
            path = "FOLDER"
            settle = "10ms"
            """;
    final AtomicInteger calls = new AtomicInteger();
    Path home;

    @BeforeAll
    void dir() throws Exception {
        home = Files.createTempDirectory("syncnode-it-badconfig");
        Files.createDirectories(home.resolve("data"));
    }

    @AfterAll
    void clean() {
        Cluster.deleteTree(home);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key in [[folder]] | settle = \"10ms\"   | sttle = \"10ms\"            | sttle     | folder[0].sttle",
        "unknown key in [node]     | name = \"bad\"      | name = \"bad\"\\ncolour = 1 | colour    | node.colour",
        "bad duration              | settle = \"10ms\"   | settle = \"soon\"           | settle    | folder[0].settle",
        "bad transport             | transport = \"tcp\" | transport = \"pigeon\"      | transport | cluster.transport",
    })
    void runRejectsTheConfigWithExit2NamingFileLineAndKey(String what, String line, String replacement, String key,
                                                       String qualifiedKey)
            throws Exception {
        String text = GOOD.replace("STATE", home.resolve("state").toString())
                .replace("FOLDER", home.resolve("data").toString())
                .replace(line + "\n", replacement.replace("\\n", "\n") + "\n");
        Path cfg = home.resolve(key + ".toml");
        Files.writeString(cfg, text);
        int lineNo = text.lines().toList().indexOf(text.lines().filter(l -> l.startsWith(key + " ")).findFirst()
                .orElseThrow()) + 1;
        CliResult r = NodeProcess.cli(NodeProcess.jarUnderTest(), home.resolve("cli"), calls.incrementAndGet(),
                "run", "-c", cfg.toString());
        assertEquals(2, r.exit(), what + ": " + r);
        String expected = cfg + ":" + lineNo + ": " + qualifiedKey + ": ";
        assertTrue(r.err().contains(expected), what + ": stderr should contain \"" + expected + " <reason>\": " + r);
        assertFalse(r.out().contains("running"), what + ": the node must not run: " + r);
        assertFalse(Files.exists(home.resolve("state/control.sock")), what + ": no control socket");
    }

    /**
     * A config that loads but a node that cannot start (its bind address is not on this host) ends
     * the process with 1, not 0: a service manager must see the failure to restart or report it.
     */
    @org.junit.jupiter.api.Test
    void aNodeThatCannotStartExits1() throws Exception {
        String text = GOOD.replace("STATE", home.resolve("state-nostart").toString())
                .replace("FOLDER", home.resolve("data").toString())
                .replace("127.0.0.1:29999", "192.0.2.1:29999")
                .replace("[cluster]\n", "[cluster]\ninsecure = true\n");
        Path cfg = home.resolve("nostart.toml");
        Files.writeString(cfg, text);
        CliResult r = NodeProcess.cli(NodeProcess.jarUnderTest(), home.resolve("cli"), calls.incrementAndGet(),
                "run", "-c", cfg.toString());
        assertEquals(1, r.exit(), "exit status of a node that cannot start: " + r);
        assertTrue(r.err().contains("cannot start node bad"), "stderr names the failure: " + r);
        assertFalse(r.out().contains("running"), "the node must not run: " + r);
    }
}
