package io.syncnode.config;

import java.util.HashMap;
import java.util.Map;

/**
 * The line on which each key of a TOML document is defined, by dotted path such as
 * {@code cluster.bind} or {@code folder[1].settle} (array-of-tables elements counted from 0).
 *
 * <p>Implementation notes. Jackson's TOML module parses the whole document into a tree and hands
 * back a tree-walking parser whose token locations are all unknown, so lines cannot be taken from
 * its tokens. This is a second, lenient pass over the text, run only after Jackson accepted it:
 * it follows table headers ({@code [a.b]}, {@code [[a]]}) and the keys of key/value lines, and
 * skips values (strings of all four kinds, multi-line arrays and inline tables) without
 * interpreting them. Keys inside inline tables are not recorded; {@link #lineOf} then falls back
 * to the nearest recorded parent.
 */
final class KeyLines {
    private final Map<String, Integer> lines = new HashMap<>();
    private final Map<String, Integer> arrayCounts = new HashMap<>();
    private final String text;
    private int pos;
    private int line = 1;

    private KeyLines(String text) {
        this.text = text;
    }

    /** Indexes {@code text}, which must already be valid TOML. */
    static KeyLines index(String text) {
        KeyLines k = new KeyLines(text);
        k.scan();
        return k;
    }

    /** The 1-based line of {@code path} or of its nearest recorded parent, or 0. */
    int lineOf(String path) {
        for (String p = path; !p.isEmpty(); p = parent(p)) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
        }
        return 0;
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    private void scan() {
        String table = "";
        while (skipBlank()) {
            if (text.startsWith("[[", pos)) {
                pos += 2;
                String name = key("", true);
                int n = arrayCounts.merge(name, 1, Integer::sum) - 1;
                table = name + "[" + n + "]";
                lines.putIfAbsent(name, line);
                lines.put(table, line);
                skipPast(']');
                skipPast(']');
            } else if (text.charAt(pos) == '[') {
                pos++;
                table = key("", true);
                lines.putIfAbsent(table, line);
                skipPast(']');
            } else {
                int keyLine = line;
                String k = key(table, false);
                lines.putIfAbsent(k, keyLine);
                skipPast('=');
                skipValue();
            }
        }
    }

    /** Reads a possibly dotted, possibly quoted key; in a header, resolves array tables to their last element. */
    private String key(String prefix, boolean header) {
        StringBuilder path = new StringBuilder(prefix);
        while (pos < text.length()) {
            skipSpaces();
            char c = text.charAt(pos);
            String segment;
            if (c == '"' || c == '\'') {
                int end = text.indexOf(c, pos + 1);
                while (c == '"' && end > 0 && text.charAt(end - 1) == '\\') {
                    end = text.indexOf(c, end + 1);
                }
                segment = text.substring(pos + 1, end);
                pos = end + 1;
            } else {
                int start = pos;
                while (pos < text.length() && "=]. \t".indexOf(text.charAt(pos)) < 0) {
                    pos++;
                }
                segment = text.substring(start, pos);
            }
            path.append(path.length() == 0 ? "" : ".").append(segment);
            skipSpaces();
            if (pos >= text.length() || text.charAt(pos) != '.') {
                break;
            }
            pos++;
            if (header) {
                Integer count = arrayCounts.get(path.toString());
                if (count != null) {
                    path.append('[').append(count - 1).append(']');
                }
            }
        }
        return path.toString();
    }

    private void skipValue() {
        int depth = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n' && depth == 0) {
                return;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
                continue;
            } else if (c == '"' || c == '\'') {
                skipString(c);
                continue;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == '\n') {
                line++;
            }
            pos++;
        }
    }

    private void skipString(char quote) {
        String triple = String.valueOf(quote).repeat(3);
        boolean multi = text.startsWith(triple, pos);
        pos += multi ? 3 : 1;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\\' && quote == '"' && pos + 1 < text.length()) {
                pos++;
                line += text.charAt(pos) == '\n' ? 1 : 0;
            } else if (c == '\n') {
                line++;
            } else if (c == quote && (!multi || text.startsWith(triple, pos))) {
                pos += multi ? 3 : 1;
                while (multi && pos < text.length() && text.charAt(pos) == quote) {
                    pos++; // up to two quotes may close a multi-line string: """a"""""
                }
                return;
            }
            pos++;
        }
    }

    /** Skips whitespace, newlines and comments; false at the end of the text. */
    private boolean skipBlank() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else {
                return true;
            }
        }
        return false;
    }

    private void skipSpaces() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void skipPast(char c) {
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
        }
    }
}
