package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.ConfigException;
import io.syncnode.config.ConfigLoader;
import io.syncnode.config.SyncnodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which configuration file a verb reads: {@code -c}, else {@code SYNCNODE_CONFIG}, else /etc/syncnode/node.toml. */
class ConfigOptionTest {
    @TempDir
    Path tmp;

    private final List<Path> loaded = new ArrayList<>();

    private final ConfigSource recording = file -> {
        loaded.add(file);
        return ConfigLoader.load(file);
    };

    private static UnaryOperator<String> env(Map<String, String> vars) {
        return vars::get;
    }

    private Path config(String name) throws Exception {
        Path state = Files.createDirectories(tmp.resolve(name + "-state"));
        Path folder = Files.createDirectories(tmp.resolve(name + "-data"));
        return Files.writeString(tmp.resolve(name + ".toml"), """
                [node]
                name = "%s"
                state-dir = "%s"
                [cluster]
                name = "c"
                transport = "udp"
                bind = "127.0.0.1:7800"
                [[folder]]
                name = "data"
                path = "%s"
                """.formatted(name, state, folder));
    }

    @Test
    void theOptionWinsOverTheEnvironment() throws Exception {
        ConfigOption option = new ConfigOption();
        option.file = config("alpha");
        SyncnodeConfig c = option.load(recording, env(Map.of(ConfigOption.ENV, config("beta").toString())));
        assertEquals("alpha", c.node().name());
        assertEquals(List.of(option.file), loaded);
    }

    @Test
    void withoutTheOptionTheEnvironmentNamesTheFile() throws Exception {
        Path beta = config("beta");
        SyncnodeConfig c = new ConfigOption().load(recording, env(Map.of(ConfigOption.ENV, beta.toString())));
        assertEquals("beta", c.node().name());
        assertEquals(List.of(beta), loaded);
    }

    @Test
    void withNeitherTheInstalledFileIsTheDefault() {
        assertEquals(Path.of("/etc/syncnode/node.toml"), new ConfigOption().path(env(Map.of())));
        assertEquals(Path.of("/etc/syncnode/node.toml"), new ConfigOption().path(env(Map.of(ConfigOption.ENV, " "))));
    }

    @Test
    void aMissingDefaultFileSaysHowToNameOne() {
        Path missing = tmp.resolve("nowhere/node.toml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigOption().load(recording, env(Map.of(ConfigOption.ENV, missing.toString()))));
        assertEquals(missing, e.file());
        assertTrue(e.getMessage().startsWith(missing + ": does not exist; name the node's configuration with -c FILE"
                + " or SYNCNODE_CONFIG (SYNCNODE_CONFIG names this file)"), e.getMessage());
        assertEquals(List.of(), loaded, "nothing is loaded");
    }

    @Test
    void aMissingExplicitFileIsTheLoadersToReport() throws Exception {
        ConfigOption option = new ConfigOption();
        option.file = tmp.resolve("gone.toml");
        ConfigException e = assertThrows(ConfigException.class, () -> option.load(recording, env(Map.of())));
        assertEquals(option.file, e.file());
        assertEquals(List.of(option.file), loaded);
    }
}
