package io.syncnode.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One {@code [[folder.action]]}: a program run after changes of matching paths were applied in
 * the folder (csync2's {@code action}, lsyncd's {@code onModify}).
 *
 * @param pattern  globs relative to the folder, in the syntax of {@code ignore} (gitignore-style; the
 *                 last matching glob decides, a {@code !} glob excludes again); never empty
 * @param exec     the argument vector: {@code exec[0]} is an absolute path, never run through a shell
 * @param doLocal  also run after this node's own local changes, not only after changes from peers
 * @param debounce quiet time after the last matching change before the action runs
 * @param timeout  how long one run may take before it and everything it started is killed
 */
public record FolderAction(List<String> pattern, List<String> exec, boolean doLocal, Duration debounce,
                           Duration timeout) {
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public FolderAction {
        pattern = List.copyOf(pattern);
        exec = List.copyOf(exec);
        if (pattern.isEmpty() || exec.isEmpty() || !Path.of(exec.get(0)).isAbsolute()) {
            throw new IllegalArgumentException("an action needs a pattern and an absolute exec[0]: " + pattern
                    + " " + exec);
        }
    }

    /** The program, {@code exec[0]}. */
    public Path program() {
        return Path.of(exec.get(0));
    }
}
