package io.syncnode.config.csync2;

import java.nio.file.Path;
import java.util.List;

/**
 * A parsed csync2 configuration, as written: nothing is expanded or checked against a host yet.
 * Every element carries the {@link Where} it was written, so that notes can point at it.
 *
 * @param file     the main file
 * @param groups   the {@code group} blocks in file order
 * @param prefixes the {@code prefix} blocks in file order
 * @param settings the other top-level statements ({@code nossl}, {@code ignore}, {@code tempdir},
 *                 {@code lock-timeout}, {@code database}, {@code no-cygwin-lowercase}) in file order
 */
public record Csync2Config(Path file, List<Group> groups, List<Prefix> prefixes, List<Setting> settings) {
    public Csync2Config {
        groups = List.copyOf(groups);
        prefixes = List.copyOf(prefixes);
        settings = List.copyOf(settings);
    }

    /** A place in a csync2 file: the main file or one it includes, and the 1-based line. */
    public record Where(Path file, int line) {
        @Override
        public String toString() {
            return file.getFileName() + ":" + line;
        }
    }

    /**
     * A {@code group} block.
     *
     * @param name     as written, or {@code group_N} for the N-th unnamed group (as csync2 names it)
     * @param hosts    the hosts of all {@code host} statements, in written order
     * @param patterns the {@code include}, {@code exclude} and {@code compare} patterns in written order
     * @param actions  the {@code action} blocks
     * @param settings {@code key}, {@code auto}, {@code backup-directory}, {@code backup-generations}
     */
    public record Group(String name, Where where, List<Host> hosts, List<Pattern> patterns, List<Action> actions,
                        List<Setting> settings) {
        public Group {
            hosts = List.copyOf(hosts);
            patterns = List.copyOf(patterns);
            actions = List.copyOf(actions);
            settings = List.copyOf(settings);
        }
    }

    /**
     * One host of a {@code host} statement: {@code name}, {@code name@address}, or either in
     * parentheses (a slave: it only receives).
     *
     * @param name    lower-cased, as csync2 compares it with the host name
     * @param address the part after {@code @} (how peers reach it), or null
     */
    public record Host(String name, String address, boolean slave, Where where) {
        @Override
        public String toString() {
            String text = address == null ? name : name + "@" + address;
            return slave ? "(" + text + ")" : text;
        }
    }

    /** What an {@code include}, {@code exclude} or {@code compare} pattern does. */
    public enum PatternKind {
        INCLUDE("include"), EXCLUDE("exclude"), COMPARE("compare");

        private final String keyword;

        PatternKind(String keyword) {
            this.keyword = keyword;
        }

        /** The csync2 keyword. */
        public String keyword() {
            return keyword;
        }
    }

    /**
     * One pattern of a group, trailing slashes removed as csync2 removes them. A pattern starting
     * with {@code /} or {@code %} is a path pattern, any other a base-name pattern.
     */
    public record Pattern(PatternKind kind, String text, Where where) {
        /** Whether csync2 matches it against the whole path rather than the base name. */
        public boolean isPath() {
            return text.startsWith("/") || text.startsWith("%");
        }

        @Override
        public String toString() {
            return kind.keyword() + " " + text;
        }
    }

    /**
     * An {@code action} block.
     *
     * @param patterns    path patterns; empty: every file of the group
     * @param execs       the commands, each run by csync2 through {@code /bin/sh -c}
     * @param logfile     where csync2 appends the output, or null
     * @param doLocal     {@code do-local} or {@code do-local-only}
     * @param doLocalOnly {@code do-local-only}
     */
    public record Action(Where where, List<String> patterns, List<String> execs, String logfile, boolean doLocal,
                         boolean doLocalOnly) {
        public Action {
            patterns = List.copyOf(patterns);
            execs = List.copyOf(execs);
        }
    }

    /** A {@code prefix NAME { on HOSTPATTERN: PATH; ... }} block. */
    public record Prefix(String name, Where where, List<PrefixEntry> entries) {
        public Prefix {
            entries = List.copyOf(entries);
        }
    }

    /** One {@code on HOSTPATTERN: PATH;} line (an fnmatch pattern over the host name; PATH absolute). */
    public record PrefixEntry(String hostPattern, String path, Where where) {
    }

    /** Any other statement: its keyword and its arguments as written. */
    public record Setting(String keyword, List<String> values, Where where) {
        public Setting {
            values = List.copyOf(values);
        }

        @Override
        public String toString() {
            return values.isEmpty() ? keyword : keyword + " " + String.join(" ", values);
        }
    }
}
