package io.syncnode.protocol;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One compiled line of an ignore list: a gitignore-style glob turned into a regular expression
 * over a relative, '/'-separated path.
 *
 * <p>Implementation notes. The translation follows gitignore(5):
 * <ul>
 *   <li>A pattern with a '/' at the start or in the middle is anchored to the folder root; one
 *       without (a trailing '/' does not count) matches the last component at any depth, so it is
 *       prefixed with {@code (?:.+/)?}.</li>
 *   <li>{@code **} as a whole component: {@code **}{@code /x} matches x at any depth,
 *       {@code a/**} everything below a (not a itself), {@code a/**}{@code /b} zero or more
 *       components between. Elsewhere {@code **} acts like {@code *}.</li>
 *   <li>{@code *}, {@code ?} and bracket classes never match '/'.</li>
 *   <li>A trailing '/' restricts the rule to directories; a leading '!' negates it.</li>
 *   <li>{@code \} makes the next character literal (including a leading '#' or '!').</li>
 * </ul>
 *
 * @param source  the pattern as written
 * @param regex   the whole-path expression
 * @param negated a '!' rule: a match re-includes the path
 * @param dirOnly a rule written with a trailing '/': matches directories only
 */
record IgnoreRule(String source, Pattern regex, boolean negated, boolean dirOnly) {

    /** Whether this rule matches {@code relPath} (which names a directory when {@code isDirectory}). */
    boolean matches(String relPath, boolean isDirectory) {
        return (isDirectory || !dirOnly) && regex.matcher(relPath).matches();
    }

    /**
     * Compiles one line, or returns null for a blank or comment line.
     *
     * @throws IllegalArgumentException naming the pattern and what is wrong with it
     */
    static IgnoreRule parse(String line) {
        String text = stripTrailingSpace(line);
        if (text.isEmpty() || text.startsWith("#")) {
            return null;
        }
        boolean negated = text.startsWith("!");
        String glob = negated ? text.substring(1) : text;
        boolean dirOnly = glob.endsWith("/") && !glob.endsWith("\\/");
        if (dirOnly) {
            glob = glob.substring(0, glob.length() - 1);
        }
        boolean anchored = glob.indexOf('/') >= 0;
        if (glob.startsWith("/")) {
            glob = glob.substring(1);
        }
        if (glob.isEmpty()) {
            throw invalid(line, "matches nothing");
        }
        String body = translate(glob, line);
        try {
            return new IgnoreRule(line, Pattern.compile(anchored ? body : "(?:.+/)?" + body), negated, dirOnly);
        } catch (PatternSyntaxException e) {
            throw invalid(line, e.getDescription());
        }
    }

    private static String translate(String glob, String line) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            boolean componentStart = i == 0 || glob.charAt(i - 1) == '/';
            if (c == '*' && glob.startsWith("**", i) && componentStart && glob.startsWith("**/", i)) {
                out.append("(?:.*/)?");
                i += 3;
            } else if (c == '*' && glob.startsWith("**", i) && componentStart && i + 2 == glob.length()) {
                out.append(".*");
                i += 2;
            } else if (c == '*') {
                out.append("[^/]*");
                while (i < glob.length() && glob.charAt(i) == '*') {
                    i++;
                }
            } else if (c == '?') {
                out.append("[^/]");
                i++;
            } else if (c == '[') {
                i = bracket(glob, i, out, line);
            } else if (c == '\\') {
                if (i + 1 == glob.length()) {
                    throw invalid(line, "ends with a lone '\\'");
                }
                out.append(Pattern.quote(String.valueOf(glob.charAt(i + 1))));
                i += 2;
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return out.toString();
    }

    /** Appends the class starting at {@code glob[open] == '['}; returns the index after its ']'. */
    private static int bracket(String glob, int open, StringBuilder out, String line) {
        int i = open + 1;
        boolean negate = i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^');
        if (negate) {
            i++;
        }
        StringBuilder members = new StringBuilder();
        int first = i;
        while (true) {
            if (i >= glob.length()) {
                throw invalid(line, "'[' without a closing ']'");
            }
            char c = glob.charAt(i);
            if (c == ']' && i > first) {
                break;
            }
            if (c == '\\' && i + 1 < glob.length()) {
                c = glob.charAt(++i);
            }
            if (c == '-' && i > first && i + 1 < glob.length() && glob.charAt(i + 1) != ']') {
                members.append('-');
            } else {
                members.append("\\[]^&-".indexOf(c) >= 0 ? "\\" + c : String.valueOf(c));
            }
            i++;
        }
        out.append(negate ? "[^/" + members + "]" : "[" + members + "&&[^/]]");
        return i + 1;
    }

    private static String stripTrailingSpace(String line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ' && (end < 2 || line.charAt(end - 2) != '\\')) {
            end--;
        }
        return line.substring(0, end);
    }

    private static IllegalArgumentException invalid(String pattern, String why) {
        return new IllegalArgumentException("invalid ignore pattern \"" + pattern + "\": " + why);
    }
}
