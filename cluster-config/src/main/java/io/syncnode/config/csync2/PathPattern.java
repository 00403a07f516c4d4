package io.syncnode.config.csync2;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a csync2 path pattern (absolute, prefixes already expanded) stands against a folder root,
 * and its part below the root as a syncnode glob.
 *
 * <p>Implementation notes. csync2 matches path patterns with {@code fnmatch(3)} and
 * {@code FNM_LEADING_DIR}: a pattern also matches everything below what it names, and {@code *},
 * {@code ?} and {@code [...]} do not match '/' unless the pattern contains {@code **} anywhere.
 * So, component by component: if the pattern's first components match all of the root's, the
 * pattern {@link Relation#COVERS} the root (it names the root or a directory above it); if they
 * match the root's and it goes on, the rest is {@link Relation#INSIDE} the root and becomes an
 * anchored glob ({@code /rest}), which syncnode's ignore syntax reads the same way (a match also
 * covers everything below); if a component differs the pattern is {@link Relation#OUTSIDE}.
 * Patterns with {@code **} are {@link Relation#UNSUPPORTED}: csync2 gives them a meaning (every
 * star crosses '/') that the component-wise reading cannot hold.
 */
final class PathPattern {
    /** How a pattern stands against a root. */
    enum Relation { COVERS, INSIDE, OUTSIDE, UNSUPPORTED }

    /** The relation and, for {@link Relation#INSIDE}, the anchored glob below the root ({@code /a/b*}). */
    record Placement(Relation relation, String glob) {
    }

    private PathPattern() {
    }

    /** Whether {@code text} has an fnmatch wildcard. */
    static boolean isGlob(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0 || text.indexOf('[') >= 0;
    }

    /** {@code pattern} (absolute) against {@code root} (absolute, literal, no trailing slash). */
    static Placement place(String pattern, String root) {
        if (pattern.contains("**")) {
            return new Placement(Relation.UNSUPPORTED, null);
        }
        List<String> p = components(pattern);
        List<String> r = components(root);
        int common = Math.min(p.size(), r.size());
        for (int i = 0; i < common; i++) {
            if (!componentMatches(p.get(i), r.get(i))) {
                return new Placement(Relation.OUTSIDE, null);
            }
        }
        if (p.size() <= r.size()) {
            return new Placement(Relation.COVERS, null);
        }
        return new Placement(Relation.INSIDE, "/" + String.join("/", p.subList(r.size(), p.size())));
    }

    private static List<String> components(String path) {
        return List.of(path.split("/")).stream().filter(s -> !s.isEmpty()).toList();
    }

    /** fnmatch(3) of one component without FNM_PERIOD: {@code *}, {@code ?}, {@code [...]} with {@code !}, {@code \}. */
    static boolean componentMatches(String glob, String name) {
        if (!isGlob(glob) && glob.indexOf('\\') < 0) {
            return glob.equals(name);
        }
        return Pattern.compile(regex(glob)).matcher(name).matches();
    }

    private static String regex(String glob) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                out.append("[^/]*");
            } else if (c == '?') {
                out.append("[^/]");
            } else if (c == '\\' && i + 1 < glob.length()) {
                out.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else if (c == '[' && glob.indexOf(']', i + 2) > 0) {
                int end = glob.indexOf(']', i + 2);
                String body = glob.substring(i + 1, end);
                boolean negate = body.startsWith("!") || body.startsWith("^");
                out.append(negate ? "[^" : "[");
                for (char ch : (negate ? body.substring(1) : body).toCharArray()) {
                    // inside a class a backslash before any non-alphanumeric character is literal
                    out.append(ch == '-' || Character.isLetterOrDigit(ch) ? String.valueOf(ch) : "\\" + ch);
                }
                out.append(']');
                i = end;
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return out.toString();
    }
}
