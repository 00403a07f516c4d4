package io.syncnode.node.cli;

import io.syncnode.config.ConfigException;
import io.syncnode.config.SyncnodeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code -c FILE}: the node's configuration, required by every verb but {@code version}. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "the node's configuration file (TOML)")
    Path file;

    SyncnodeConfig load(ConfigSource configs) throws ConfigException {
        return configs.load(file);
    }
}
