package io.syncnode.node.cli;

import io.syncnode.config.ConfigException;
import io.syncnode.config.SyncnodeConfig;
import java.nio.file.Path;

/** Where the CLI gets a validated configuration from ({@code ConfigLoader::load}; tests hand one in). */
@FunctionalInterface
interface ConfigSource {
    SyncnodeConfig load(Path file) throws ConfigException;
}
