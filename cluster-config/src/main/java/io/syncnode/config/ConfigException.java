package io.syncnode.config;

import java.nio.file.Path;

/**
 * A configuration file that cannot be used. The message names the file, the line where the
 * parser gives one, the key and the reason, ready to show to the operator.
 */
public final class ConfigException extends Exception {
    private final Path file;
    private final int line;
    private final String key;
    private final String reason;

    /** @param line 1-based line, or 0 when unknown; @param key dotted key such as "folder[0].settle", or null */
    public ConfigException(Path file, int line, String key, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (key != null ? key + ": " : "") + reason);
        this.file = file;
        this.line = line;
        this.key = key;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String key() {
        return key;
    }

    public String reason() {
        return reason;
    }
}
