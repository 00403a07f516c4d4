package io.syncnode.node.cli;

import io.syncnode.config.ConfigException;
import io.syncnode.config.SyncnodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * {@code -c FILE}: the node's configuration, used by every verb but {@code version} and
 * {@code keygen} ({@code config check} also takes it as its argument). Without {@code -c} the file named by {@code SYNCNODE_CONFIG} is used, else
 * {@code /etc/syncnode/node.toml} (where the package installs it), as DESIGN.md fixes.
 */
final class ConfigOption {
    /** The configuration of an installed node. */
    static final Path DEFAULT = Path.of("/etc/syncnode/node.toml");
    /** The environment variable naming the configuration when {@code -c} is not given. */
    static final String ENV = "SYNCNODE_CONFIG";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "the node's configuration file (TOML); default: $" + ENV + ", else /etc/syncnode/node.toml")
    Path file;

    SyncnodeConfig load(ConfigSource configs) throws ConfigException {
        return load(configs, System::getenv);
    }

    /** Loads the file {@link #path} names; a default file that does not exist says how to name one. */
    SyncnodeConfig load(ConfigSource configs, UnaryOperator<String> env) throws ConfigException {
        return configs.load(existingPath(env));
    }

    /** {@link #path}, when it exists or was given with {@code -c}; a default file that does not exist says how to name one. */
    Path existingPath(UnaryOperator<String> env) throws ConfigException {
        Path path = path(env);
        if (file == null && !Files.exists(path)) {
            throw new ConfigException(path, 0, null, "does not exist; name the node's configuration with -c FILE or "
                    + ENV + (env.apply(ENV) == null || env.apply(ENV).isBlank() ? "" : " (" + ENV + " names this file)"));
        }
        return path;
    }

    /** The configuration file: {@code -c}, else {@code SYNCNODE_CONFIG}, else {@link #DEFAULT}. */
    Path path(UnaryOperator<String> env) {
        if (file != null) {
            return file;
        }
        String named = env.apply(ENV);
        return named == null || named.isBlank() ? DEFAULT : Path.of(named);
    }

    /** The configuration file of this process ({@link #path(UnaryOperator)} with the real environment). */
    Path path() {
        return path(System::getenv);
    }
}
