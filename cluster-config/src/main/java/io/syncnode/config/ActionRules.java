package io.syncnode.config;

import io.syncnode.protocol.IgnoreMatcher;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The rules for the {@code [[folder.action]]} tables of one {@code [[folder]]}. */
final class ActionRules {
    static final Duration MAX_DEBOUNCE = Duration.ofHours(1);
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    private static final Set<String> KEYS = Set.of("pattern", "exec", "do-local", "debounce", "timeout");

    private ActionRules() {
    }

    /** The folder's actions, in file order; empty when it has none. */
    static List<FolderAction> read(TomlTable folder) throws ConfigException {
        List<FolderAction> out = new ArrayList<>();
        for (TomlTable t : folder.tableArray("action")) {
            out.add(action(t));
        }
        return out;
    }

    private static FolderAction action(TomlTable t) throws ConfigException {
        t.allowOnly(KEYS);
        List<String> pattern = pattern(t);
        List<String> exec = exec(t);
        boolean doLocal = t.bool("do-local").orElse(false);
        Duration debounce = t.duration("debounce", FolderAction.DEFAULT_DEBOUNCE, Duration.ZERO, MAX_DEBOUNCE,
                "from 0s to 1h");
        Duration timeout = t.duration("timeout", FolderAction.DEFAULT_TIMEOUT, MIN_TIMEOUT, MAX_TIMEOUT,
                "from 1s to 1d");
        return new FolderAction(pattern, exec, doLocal, debounce, timeout);
    }

    /** {@code pattern}: one glob or a list of globs, each in the syntax of {@code ignore}. */
    private static List<String> pattern(TomlTable t) throws ConfigException {
        if (!t.has("pattern")) {
            throw t.error("pattern", "required: a glob or a list of globs relative to the folder, as in ignore,"
                    + " e.g. \"etc/nginx/**\"");
        }
        List<String> globs = t.stringOrList("pattern");
        for (int i = 0; i < globs.size(); i++) {
            String key = globs.size() == 1 ? "pattern" : "pattern[" + i + "]";
            try {
                IgnoreMatcher.compile(List.of(globs.get(i)));
            } catch (IllegalArgumentException e) {
                throw t.error(key, e.getMessage());
            }
        }
        if (IgnoreMatcher.compile(globs) == IgnoreMatcher.none()) {
            throw t.error("pattern", "matches nothing (empty, blank or comments only); give at least one glob");
        }
        return globs;
    }

    /** {@code exec}: the argument vector, exec[0] an absolute path. */
    private static List<String> exec(TomlTable t) throws ConfigException {
        String expected = "expected a list of strings: the program (an absolute path) and its arguments, e.g."
                + " [\"/usr/sbin/nginx\", \"-s\", \"reload\"]; it is not run through a shell";
        if (!t.has("exec")) {
            throw t.error("exec", "required; " + expected);
        }
        List<String> exec;
        try {
            exec = t.stringList("exec");
        } catch (ConfigException e) {
            throw t.error("exec", expected);
        }
        if (exec.isEmpty()) {
            throw t.error("exec", "is empty; " + expected);
        }
        for (int i = 0; i < exec.size(); i++) {
            if (exec.get(i).indexOf('\0') >= 0) {
                throw t.error("exec[" + i + "]", "contains a NUL character");
            }
        }
        String program = exec.get(0);
        Path p;
        try {
            p = Path.of(program);
        } catch (InvalidPathException e) {
            throw t.error("exec[0]", "\"" + program + "\" is not a valid path: " + e.getReason());
        }
        if (!p.isAbsolute()) {
            throw t.error("exec[0]", "\"" + program + "\" must be an absolute path (actions run without a shell"
                    + " and without PATH lookup)");
        }
        if (!p.normalize().equals(p)) {
            throw t.error("exec[0]", "\"" + program + "\" must be normalised (no \".\" or \"..\" components)");
        }
        return exec;
    }
}
