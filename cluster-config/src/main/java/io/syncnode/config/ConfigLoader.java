package io.syncnode.config;

import java.nio.file.Path;

/** Reads and validates a TOML configuration file (skeleton placeholder). */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** Loads {@code file}; any problem is a {@link ConfigException} naming file, line, key and reason. */
    public static SyncnodeConfig load(Path file) throws ConfigException {
        throw new ConfigException(file, 0, null, "config loading not built yet");
    }
}
