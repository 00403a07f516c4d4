package io.syncnode.config.csync2;

import io.syncnode.config.csync2.Csync2Config.Action;
import io.syncnode.config.csync2.Csync2Config.Group;
import io.syncnode.config.csync2.Csync2Config.Host;
import io.syncnode.config.csync2.Csync2Config.Pattern;
import io.syncnode.config.csync2.Csync2Config.PatternKind;
import io.syncnode.config.csync2.Csync2Config.Prefix;
import io.syncnode.config.csync2.Csync2Config.PrefixEntry;
import io.syncnode.config.csync2.Csync2Config.Setting;
import io.syncnode.config.csync2.Csync2Lexer.SourceReader;
import io.syncnode.config.csync2.Csync2Lexer.Token;
import io.syncnode.config.csync2.Csync2Lexer.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a csync2 configuration by csync2's grammar ({@code cfgfile_parser.y}, csync2 2.0) into a
 * {@link Csync2Config}.
 *
 * <p>Implementation notes. A recursive-descent parser over {@link Csync2Lexer}'s tokens. Keywords
 * are reserved words as in csync2 (a host named {@code key} is an error there too). What csync2
 * itself rejects while parsing is rejected here with the line and the reason: an unknown
 * statement, an unknown {@code auto} method, a second {@code auto} or {@code key} in a group, an
 * unknown {@code ignore} property, a prefix path that is not absolute. Checks that need more than
 * the file (the key file's content, this host's name) are left to {@link Csync2Mapper}. Stray
 * {@code ;} between statements are skipped.
 */
public final class Csync2Parser {
    /** The {@code auto} methods csync2 accepts. */
    static final Set<String> AUTO_METHODS = Set.of("none", "first", "younger", "older", "bigger", "smaller", "left",
            "right");
    private static final Set<String> KEYWORDS = Set.of("nossl", "ignore", "database", "group", "host", "exclude",
            "include", "compare", "key", "auto", "action", "pattern", "exec", "logfile", "do-local", "do-local-only",
            "prefix", "on", "lock-timeout", "tempdir", "backup-directory", "backup-generations", "no-cygwin-lowercase");
    private static final String TOP_LEVEL = "group, prefix, nossl, ignore, database, tempdir, lock-timeout, "
            + "no-cygwin-lowercase or config";
    private static final String IN_GROUP = "host, include, exclude, compare, key, auto, action, backup-directory "
            + "or backup-generations";

    private final List<Token> tokens;
    private int next;
    private int unnamedGroups;

    private Csync2Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** Parses {@code file} (UTF-8) and the files it includes. */
    public static Csync2Config parse(Path file) throws Csync2Exception {
        return parse(file, Files::readString);
    }

    /** Parses {@code file}, reading it and its includes with {@code reader}. */
    static Csync2Config parse(Path file, SourceReader reader) throws Csync2Exception {
        return new Csync2Parser(Csync2Lexer.tokens(file, reader)).config(file);
    }

    private Csync2Config config(Path file) throws Csync2Exception {
        List<Group> groups = new ArrayList<>();
        List<Prefix> prefixes = new ArrayList<>();
        List<Setting> settings = new ArrayList<>();
        while (peek().type() != Type.END) {
            Token t = take();
            if (t.type() == Type.SEMI) {
                continue;
            }
            String keyword = t.type() == Type.WORD ? t.text() : "";
            switch (keyword) {
                case "group" -> groups.add(group(t));
                case "prefix" -> prefixes.add(prefix(t));
                case "nossl" -> settings.add(setting(t, 2, 2));
                case "database", "tempdir", "lock-timeout" -> settings.add(setting(t, 1, 1));
                case "no-cygwin-lowercase" -> settings.add(setting(t, 0, 0));
                case "ignore" -> settings.add(ignore(t));
                default -> throw error(t, "unknown statement " + t.describe() + " at the top level; expected "
                        + TOP_LEVEL);
            }
        }
        return new Csync2Config(file, groups, prefixes, settings);
    }

    private Group group(Token keyword) throws Csync2Exception {
        String name;
        if (peek().type() == Type.LBRACE) {
            name = "group_" + (++unnamedGroups);
        } else {
            name = value(take(), "a group name");
        }
        expect(Type.LBRACE, "'{' after group " + name);
        List<Host> hosts = new ArrayList<>();
        List<Pattern> patterns = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        List<Setting> settings = new ArrayList<>();
        while (peek().type() != Type.RBRACE) {
            Token t = take();
            if (t.type() == Type.SEMI) {
                continue;
            }
            if (t.type() == Type.END) {
                throw error(keyword, "group " + name + " is never closed (missing '}')");
            }
            String kw = t.type() == Type.WORD ? t.text() : "";
            switch (kw) {
                case "host" -> hosts.addAll(hosts());
                case "include" -> patterns.addAll(patterns(PatternKind.INCLUDE, t));
                case "exclude" -> patterns.addAll(patterns(PatternKind.EXCLUDE, t));
                case "compare" -> patterns.addAll(patterns(PatternKind.COMPARE, t));
                case "action" -> actions.add(action(t));
                case "key", "auto", "backup-directory", "backup-generations" -> {
                    Setting s = setting(t, 1, 1);
                    once(settings, s, kw.equals("key") || kw.equals("auto"));
                    if (kw.equals("auto") && !AUTO_METHODS.contains(s.values().get(0))) {
                        throw error(t, "unknown auto method '" + s.values().get(0) + "'; csync2 knows none, first, "
                                + "younger, older, bigger, smaller, left and right");
                    }
                    settings.add(s);
                }
                default -> throw error(t, "unknown statement " + t.describe() + " in group " + name + "; expected "
                        + IN_GROUP);
            }
        }
        take();
        return new Group(name, keyword.where(), hosts, patterns, actions, settings);
    }

    /** csync2 allows one {@code key} and one {@code auto} per group. */
    private void once(List<Setting> settings, Setting s, boolean single) throws Csync2Exception {
        if (!single) {
            return;
        }
        for (Setting earlier : settings) {
            if (earlier.keyword().equals(s.keyword())) {
                throw new Csync2Exception(s.where().file(), s.where().line(), "a group may have only one "
                        + s.keyword() + " (the first is on line " + earlier.where().line() + ")");
            }
        }
    }

    /** {@code host a b@addr (c d@addr) ...;} */
    private List<Host> hosts() throws Csync2Exception {
        List<Host> hosts = new ArrayList<>();
        boolean slave = false;
        Token open = null;
        while (true) {
            Token t = take();
            if (t.type() == Type.SEMI && !slave) {
                return hosts;
            } else if (t.type() == Type.LPAREN && !slave) {
                slave = true;
                open = t;
            } else if (t.type() == Type.RPAREN && slave) {
                slave = false;
            } else if (t.type() == Type.WORD || t.type() == Type.STRING) {
                String name = value(t, "a host name").toLowerCase(Locale.ROOT);
                String address = null;
                if (peek().type() == Type.AT) {
                    take();
                    address = value(take(), "an address after '@'").toLowerCase(Locale.ROOT);
                }
                hosts.add(new Host(name, address, slave, t.where()));
            } else if (slave && (t.type() == Type.SEMI || t.type() == Type.END)) {
                throw error(open, "'(' without ')' in the host statement");
            } else {
                throw error(t, "expected a host name, '(' or ';' in the host statement, found " + t.describe());
            }
        }
    }

    private List<Pattern> patterns(PatternKind kind, Token keyword) throws Csync2Exception {
        List<Pattern> out = new ArrayList<>();
        for (Token t : values(keyword, "a pattern")) {
            out.add(new Pattern(kind, stripTrailingSlashes(t.text()), t.where()));
        }
        return out;
    }

    /** csync2 removes trailing slashes from patterns and prefix paths (keeping a lone "/"). */
    static String stripTrailingSlashes(String s) {
        int end = s.length();
        while (end > 1 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }

    private Action action(Token keyword) throws Csync2Exception {
        expect(Type.LBRACE, "'{' after action");
        List<String> patterns = new ArrayList<>();
        List<String> execs = new ArrayList<>();
        String logfile = null;
        boolean doLocal = false;
        boolean doLocalOnly = false;
        while (peek().type() != Type.RBRACE) {
            Token t = take();
            if (t.type() == Type.SEMI) {
                continue;
            }
            if (t.type() == Type.END) {
                throw error(keyword, "action is never closed (missing '}')");
            }
            switch (t.type() == Type.WORD ? t.text() : "") {
                case "pattern" -> values(t, "a pattern").forEach(v -> patterns.add(v.text()));
                case "exec" -> values(t, "a command").forEach(v -> execs.add(v.text()));
                case "logfile" -> logfile = setting(t, 1, 1).values().get(0);
                case "do-local" -> doLocal = setting(t, 0, 0) != null;
                case "do-local-only" -> {
                    setting(t, 0, 0);
                    doLocal = true;
                    doLocalOnly = true;
                }
                default -> throw error(t, "unknown statement " + t.describe() + " in action; expected pattern, "
                        + "exec, logfile, do-local or do-local-only");
            }
        }
        take();
        return new Action(keyword.where(), patterns, execs, logfile, doLocal, doLocalOnly);
    }

    /** {@code prefix NAME { on HOSTPATTERN: /path; ... }} */
    private Prefix prefix(Token keyword) throws Csync2Exception {
        String name = value(take(), "a prefix name");
        expect(Type.LBRACE, "'{' after prefix " + name);
        List<PrefixEntry> entries = new ArrayList<>();
        while (peek().type() != Type.RBRACE) {
            Token on = take();
            if (on.type() == Type.SEMI) {
                continue;
            }
            if (!on.isWord("on")) {
                throw error(on, on.type() == Type.END ? "prefix " + name + " is never closed (missing '}')"
                        : "expected 'on HOSTPATTERN: /path;' in prefix " + name + ", found " + on.describe());
            }
            String hostPattern = value(take(), "a host pattern after 'on'");
            expect(Type.COLON, "':' after 'on " + hostPattern + "'");
            Token pathToken = take();
            String path = value(pathToken, "a path after 'on " + hostPattern + ":'");
            expect(Type.SEMI, "';' after the prefix path");
            if (!path.startsWith("/")) {
                throw error(pathToken, "prefix " + name + ": '" + path + "' is not an absolute path");
            }
            entries.add(new PrefixEntry(hostPattern, stripTrailingSlashes(path), on.where()));
        }
        take();
        return new Prefix(name, keyword.where(), entries);
    }

    /** {@code ignore uid gid mod;}: csync2 knows no other property. */
    private Setting ignore(Token keyword) throws Csync2Exception {
        List<Token> values = values(keyword, "uid, gid or mod");
        for (Token v : values) {
            if (!Set.of("uid", "gid", "mod").contains(v.text())) {
                throw error(v, "ignore: unknown property '" + v.text() + "'; csync2 knows uid, gid and mod");
            }
        }
        return new Setting("ignore", values.stream().map(Token::text).toList(), keyword.where());
    }

    /** A statement with {@code min} to {@code max} values and its {@code ;}. */
    private Setting setting(Token keyword, int min, int max) throws Csync2Exception {
        List<Token> values = values(keyword, "a value");
        if (values.size() < min || values.size() > max) {
            String want = min == max ? (min == 0 ? "no value" : min == 1 ? "one value" : min + " values")
                    : min + " to " + max + " values";
            throw error(keyword, keyword.text() + " takes " + want + ", found " + values.size());
        }
        return new Setting(keyword.text(), values.stream().map(Token::text).toList(), keyword.where());
    }

    /** Values up to the {@code ;} that ends the statement. */
    private List<Token> values(Token keyword, String what) throws Csync2Exception {
        List<Token> values = new ArrayList<>();
        while (true) {
            Token t = take();
            if (t.type() == Type.SEMI) {
                return values;
            }
            if (t.type() == Type.END || t.type() == Type.RBRACE) {
                throw error(keyword, keyword.text() + " is not ended by ';' (found " + t.describe()
                        + (t.type() == Type.END ? "" : " on line " + t.where().line()) + ")");
            }
            value(t, what + " or ';' after " + keyword.text());
            values.add(t);
        }
    }

    /** The text of a word or string; a keyword or punctuation here is an error naming what was expected. */
    private String value(Token t, String expected) throws Csync2Exception {
        if (t.type() == Type.STRING || t.type() == Type.WORD && !KEYWORDS.contains(t.text())) {
            return t.text();
        }
        String hint = t.type() == Type.WORD ? " (a keyword: is a ';' missing before it?)" : "";
        throw error(t, "expected " + expected + ", found " + t.describe() + hint);
    }

    private void expect(Type type, String expected) throws Csync2Exception {
        Token t = take();
        if (t.type() != type) {
            throw error(t, "expected " + expected + ", found " + t.describe());
        }
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token t = tokens.get(next);
        if (t.type() != Type.END) {
            next++;
        }
        return t;
    }

    private static Csync2Exception error(Token t, String reason) {
        return new Csync2Exception(t.where().file(), t.where().line(), reason);
    }
}
