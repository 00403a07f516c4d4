package io.syncnode.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether a path inside a folder is ignored, using gitignore-style patterns that are
 * compiled once.
 *
 * <p>Contract:
 * <ul>
 *   <li>Paths are relative to the folder root, '/'-separated, without a leading '/' and without
 *       '.' or '..' components (as {@link RelativePath} holds them).</li>
 *   <li>The last matching pattern wins; a '!' pattern re-includes what an earlier one ignored.</li>
 *   <li>Everything below an ignored directory is ignored, and cannot be re-included, as in git.
 *       Callers may ask about a deep path without having asked about its parents.</li>
 *   <li>Blank lines and lines starting with '#' are skipped.</li>
 * </ul>
 * Pure and immutable, so safe to share between threads. See {@link IgnoreRule} for the syntax.
 */
public final class IgnoreMatcher {
    private static final IgnoreMatcher NONE = new IgnoreMatcher(List.of());

    private final List<IgnoreRule> rules;

    private IgnoreMatcher(List<IgnoreRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Compiles {@code patterns} in order.
     *
     * @throws IllegalArgumentException for the first bad pattern, quoting it and saying why
     */
    public static IgnoreMatcher compile(List<String> patterns) {
        List<IgnoreRule> rules = new ArrayList<>();
        for (String pattern : patterns) {
            IgnoreRule rule = IgnoreRule.parse(Objects.requireNonNull(pattern, "pattern"));
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules.isEmpty() ? NONE : new IgnoreMatcher(rules);
    }

    /** A matcher that ignores nothing. */
    public static IgnoreMatcher none() {
        return NONE;
    }

    /** Whether {@code relPath} (a directory when {@code isDirectory}) or one of its parents is ignored. */
    public boolean ignored(String relPath, boolean isDirectory) {
        if (rules.isEmpty() || relPath.isEmpty()) {
            return false;
        }
        for (int slash = relPath.indexOf('/'); slash > 0; slash = relPath.indexOf('/', slash + 1)) {
            if (decide(relPath.substring(0, slash), true)) {
                return true;
            }
        }
        return decide(relPath, isDirectory);
    }

    private boolean decide(String path, boolean isDirectory) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            IgnoreRule rule = rules.get(i);
            if (rule.matches(path, isDirectory)) {
                return !rule.negated();
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "IgnoreMatcher" + rules.stream().map(IgnoreRule::source).toList();
    }
}
