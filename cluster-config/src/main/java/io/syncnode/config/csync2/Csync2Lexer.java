package io.syncnode.config.csync2;

import io.syncnode.config.csync2.Csync2Config.Where;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a csync2 configuration into tokens, the way csync2's flex scanner does
 * ({@code cfgfile_scanner.l}), and splices in the files of {@code config FILE;} statements.
 *
 * <p>Implementation notes. Whitespace separates; {@code #} starts a comment to the end of the
 * line; {@code ( ) ; : @ { }} are tokens of their own; {@code "..."} is a string that may hold
 * anything but {@code "} (no escapes; it is never a keyword); any other run of characters is a
 * word, except that a word does not end with {@code :} (so {@code on host*: /path} splits as csync2
 * splits it). One deliberate difference: csync2 lets a word swallow a {@code {} written without a
 * space before it ({@code group g{}) and then fails to parse; here the brace is its own token. A
 * {@code config} include is read when met, at most 10 deep as in csync2; a relative name is
 * taken relative to the including file's directory (csync2 takes it relative to its working
 * directory, which is {@code /} under systemd or xinetd).
 */
final class Csync2Lexer {
    static final int MAX_INCLUDE_DEPTH = 10;

    /** Reads one file's text (the main file or an included one). */
    @FunctionalInterface
    interface SourceReader {
        String read(Path file) throws IOException;
    }

    enum Type { LBRACE, RBRACE, LPAREN, RPAREN, SEMI, COLON, AT, WORD, STRING, END }

    /** One token; {@code text} is the word or string, or the character for punctuation. */
    record Token(Type type, String text, Where where) {
        boolean isWord(String keyword) {
            return type == Type.WORD && text.equals(keyword);
        }

        /** How a message names it. */
        String describe() {
            return switch (type) {
                case END -> "the end of the file";
                case WORD -> "'" + text + "'";
                case STRING -> "\"" + text + "\"";
                default -> "'" + text + "'";
            };
        }
    }

    private final SourceReader reader;
    private final List<Token> tokens = new ArrayList<>();

    private Csync2Lexer(SourceReader reader) {
        this.reader = reader;
    }

    /** The tokens of {@code file} and its includes, ending with one {@link Type#END}. */
    static List<Token> tokens(Path file, SourceReader reader) throws Csync2Exception {
        Csync2Lexer lexer = new Csync2Lexer(reader);
        lexer.scan(file, read(reader, file, null), 0);
        lexer.tokens.add(new Token(Type.END, "", new Where(file, lastLine(lexer.tokens))));
        return lexer.tokens;
    }

    private static int lastLine(List<Token> tokens) {
        return tokens.isEmpty() ? 1 : tokens.get(tokens.size() - 1).where().line();
    }

    private static String read(SourceReader reader, Path file, Where includedAt) throws Csync2Exception {
        Path at = includedAt == null ? file : includedAt.file();
        int line = includedAt == null ? 0 : includedAt.line();
        String what = includedAt == null ? "" : "config " + file + ": ";
        try {
            return reader.read(file);
        } catch (NoSuchFileException e) {
            throw new Csync2Exception(at, line, what + "file not found");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new Csync2Exception(at, line, what + "permission denied");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new Csync2Exception(at, line, what + "not valid UTF-8");
        } catch (IOException e) {
            throw new Csync2Exception(at, line, what + "cannot read: " + e.getMessage());
        }
    }

    private void scan(Path file, String text, int depth) throws Csync2Exception {
        int line = 1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                i++;
            } else if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"') {
                int start = i + 1;
                int end = text.indexOf('"', start);
                if (end < 0) {
                    throw new Csync2Exception(file, line, "a string opened here is never closed (missing '\"')");
                }
                String s = text.substring(start, end);
                tokens.add(new Token(Type.STRING, s, new Where(file, line)));
                line += (int) s.chars().filter(ch -> ch == '\n').count();
                i = end + 1;
            } else if ("{}();:@".indexOf(c) >= 0) {
                tokens.add(new Token(punctuation(c), String.valueOf(c), new Where(file, line)));
                i++;
            } else {
                int end = i;
                while (end < n && " \t\r\n@;()#\"{}".indexOf(text.charAt(end)) < 0) {
                    end++;
                }
                while (end > i && text.charAt(end - 1) == ':') {
                    end--; // a word never ends with ':'; the colons become tokens of their own
                }
                String word = text.substring(i, end);
                i = end;
                if (word.equals("config")) {
                    i = include(file, text, i, line, depth);
                } else {
                    tokens.add(new Token(Type.WORD, word, new Where(file, line)));
                }
            }
        }
    }

    /** {@code config FILE;} at {@code i} (just after the keyword): scans FILE in place; returns where to go on. */
    private int include(Path file, String text, int i, int line, int depth) throws Csync2Exception {
        int n = text.length();
        while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        int start = i;
        while (i < n && " \t\r\n;".indexOf(text.charAt(i)) < 0) {
            i++;
        }
        if (start == i) {
            throw new Csync2Exception(file, line, "config: expected the name of a file to include on the same line");
        }
        if (depth + 1 >= MAX_INCLUDE_DEPTH) {
            throw new Csync2Exception(file, line, "config includes nested too deeply (more than "
                    + MAX_INCLUDE_DEPTH + " levels; an include loop?)");
        }
        String name = text.substring(start, i);
        Path included = file.resolveSibling(name);
        Where where = new Where(file, line);
        scan(included, read(reader, included, where), depth + 1);
        int j = i;
        while (j < n && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
            j++;
        }
        return j < n && text.charAt(j) == ';' ? j + 1 : i;
    }

    private static Type punctuation(char c) {
        return switch (c) {
            case '{' -> Type.LBRACE;
            case '}' -> Type.RBRACE;
            case '(' -> Type.LPAREN;
            case ')' -> Type.RPAREN;
            case ';' -> Type.SEMI;
            case ':' -> Type.COLON;
            default -> Type.AT;
        };
    }
}
