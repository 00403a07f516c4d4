package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.control.ControlServer;
import io.syncnode.node.control.FakeControlHandler;
import io.syncnode.node.control.StatusView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status}'s quick path answers exactly what the full path answers (text, JSON, exit code,
 * for a healthy and a degraded node), from a real control socket; every form it is not sure of
 * goes to the full path.
 */
class QuickStatusTest {
    @TempDir
    Path dir;
    private SyncnodeConfig config;
    private Path toml;
    private FakeControlHandler handler;
    private ControlServer server;

    @BeforeEach
    void start() throws IOException {
        config = TestConfigs.alpha(dir);
        toml = Files.writeString(dir.resolve("quick.toml"), """
                # a node's config, as an operator writes it
                [node]
                name = "alpha"   # this node
                state-dir = "%s"

                [cluster]
                name = "prod"
                """.formatted(config.node().stateDir()));
        handler = new FakeControlHandler();
        server = new ControlServer(config.controlSocket(), handler);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Quick(Integer code, String out) {
    }

    private Quick quick(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Integer code = QuickStatus.run(args, name -> null, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Quick(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private TestConfigs.Run full(String... args) {
        return TestConfigs.run((out, err) -> new Invocation(out, err, file -> config, c -> {
            throw new AssertionError("not started here");
        }, action -> { }), args);
    }

    @Test
    void answersWhatTheFullPathAnswersForADegradedAndAHealthyNode() {
        StatusView degraded = handler.status;
        StatusView.FolderStatus idle = degraded.folders().get(0);
        StatusView healthy = new StatusView(degraded.node(), List.of("alpha", "beta"), List.of(idle),
                degraded.counters(), degraded.security(), degraded.view());
        for (StatusView s : List.of(degraded, healthy)) {
            handler.status = s;
            for (List<String> args : List.of(List.of("status", "-c", toml.toString()),
                    List.of("status", "--config=" + toml, "--json"), List.of("status", "--json", "--config", toml.toString()))) {
                Quick q = quick(args.toArray(String[]::new));
                TestConfigs.Run f = full(args.toArray(String[]::new));
                assertNotNull(q.code(), "the quick path answered " + args);
                assertEquals(f.out(), q.out(), args.toString());
                assertEquals(f.code(), q.code(), args.toString());
            }
        }
        handler.status = healthy;
        assertEquals(0, quick("status", "-c", toml.toString()).code());
        handler.status = degraded;
        assertEquals(4, quick("status", "-c", toml.toString()).code());
    }

    @Test
    void theConfigComesFromTheEnvironmentWithoutDashC() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Integer code = QuickStatus.run(new String[] {"status"}, Map.of(ConfigOption.ENV, toml.toString())::get,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(4, code);
        assertEquals(full("status", "-c", toml.toString()).out(), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyOtherFormGoesToTheFullPath() throws IOException {
        String c = toml.toString();
        for (String[] args : List.of(new String[] {"status", "--help"}, new String[] {"status", "-c"},
                new String[] {"status", "-c", c, "-c", c}, new String[] {"status", "-c", c, "--json", "--json"},
                new String[] {"status", "-c", c, "extra"}, new String[] {"peers", "-c", c},
                new String[] {"-c", c, "status"}, new String[] {}, new String[] {"status", "-c" + c})) {
            assertNull(quick(args).code(), String.join(" ", args));
        }
        server.close(); // no node: the full path says so, as it always has
        assertNull(quick("status", "-c", c).code());
        assertNull(quick("status", "-c", dir.resolve("missing.toml").toString()).code());
    }

    @Test
    void theStateDirIsTakenOnlyFromOnePlainLineOfTheNodeTable() {
        assertEquals(Path.of("/var/lib/syncnode"), QuickStatus.stateDir("[node]\nstate-dir = \"/var/lib/syncnode\"\n"));
        assertEquals(Path.of("/srv/s"), QuickStatus.stateDir("[node]\r\nname = 'a'\r\n  state-dir='/srv/s'  # here\r\n"));
        assertEquals(Path.of("/srv/s"), QuickStatus.stateDir("[ node ]\nstate-dir = \"/srv/s\"\n[cluster]\nname = \"x\"\n"));
        for (String toml : List.of(
                "[cluster]\nstate-dir = \"/srv/s\"\n",                          // another table
                "state-dir = \"/srv/s\"\n",                                    // no table
                "[node]\nstate-dir = \"relative\"\n",                          // not absolute
                "[node]\nstate-dir = \"/srv/\\u0073\"\n",                      // an escape
                "[node]\nstate-dir = \"\"\"/srv/s\"\"\"\n",                    // a multi-line string
                "[node]\n# state-dir was /old\nstate-dir = \"/srv/s\"\n",      // named twice
                "node.state-dir = \"/srv/s\"\n",                               // a dotted key
                "node = { state-dir = \"/srv/s\" }\n",                         // an inline table
                "[node]\n\"state-dir\" = \"/srv/s\"\n",                        // a quoted key
                "[[node]]\nstate-dir = \"/srv/s\"\n",                          // an array of tables
                "[node]\nname = \"a\"\n")) {                                   // none
            assertNull(QuickStatus.stateDir(toml), toml);
        }
    }
}
