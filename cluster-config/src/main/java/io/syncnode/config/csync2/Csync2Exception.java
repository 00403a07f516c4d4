package io.syncnode.config.csync2;

import java.nio.file.Path;

/**
 * A csync2 configuration that cannot be read: the message names the file, the line (when known)
 * and the reason, ready to show to the operator.
 */
public final class Csync2Exception extends Exception {
    private final Path file;
    private final int line;

    /** @param line 1-based line, or 0 when unknown */
    public Csync2Exception(Path file, int line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
    }

    /** The file the problem is in (an included file, when it is there). */
    public Path file() {
        return file;
    }

    /** The 1-based line, or 0 when unknown. */
    public int line() {
        return line;
    }
}
