package io.syncnode.node.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per log record on stderr: {@code 2026-11-21T10:00:00.123Z INFO  [thread] logger: message}.
 * A throwable is appended as its cause chain on the same line; the stack trace follows only when
 * FINE is on for io.syncnode ({@code run --verbose} or {@code --log-level debug}).
 *
 * <p>When stderr is the journal's stream (systemd sets {@code JOURNAL_STREAM} to its
 * {@code device:inode}), each line starts with its syslog priority instead of the time, which
 * the journal adds itself: {@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>}
 * debug, so that {@code journalctl -p warning} shows the warnings and errors.
 */
final class LogFormat extends Formatter {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Held strongly: the log manager forgets the level of a logger nobody references. */
    private static final Logger SYNCNODE = Logger.getLogger("io.syncnode");

    /** Loggers whose level an operator set: held strongly, as {@link #SYNCNODE}. */
    private static final java.util.List<Logger> SET = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final boolean journal;

    LogFormat() {
        this(false);
    }

    /** @param journal lines for the journal: a priority prefix, no time */
    LogFormat(boolean journal) {
        this.journal = journal;
    }

    /**
     * Replaces the root logger's handlers with one stderr handler in this format, level INFO; with
     * priority prefixes when stderr is the journal ({@link #isJournal}).
     */
    static void install() {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler stderr = new ConsoleHandler();
        stderr.setLevel(Level.ALL);
        stderr.setFormatter(new LogFormat(stderrIsJournal()));
        root.addHandler(stderr);
        root.setLevel(Level.INFO);
    }

    /** Logs io.syncnode at FINE. */
    static void verbose() {
        SYNCNODE.setLevel(Level.FINE);
    }

    /**
     * Applies one {@code --log-level} value: {@code LEVEL} sets io.syncnode,
     * {@code LOGGER=LEVEL} sets that logger (e.g. {@code io.syncnode.node.fetch=debug},
     * {@code org.jgroups=warn}). Levels: error, warn, info, debug, trace, off, or a
     * java.util.logging name (SEVERE, FINE, ...).
     *
     * @throws IllegalArgumentException naming the value and what is allowed
     */
    static void applyLevel(String spec) {
        int eq = spec.indexOf('=');
        String logger = eq < 0 ? "io.syncnode" : spec.substring(0, eq).strip();
        if (logger.isEmpty()) {
            throw new IllegalArgumentException("--log-level " + spec + ": the logger name before '=' is empty");
        }
        Level level = parseLevel(eq < 0 ? spec : spec.substring(eq + 1));
        Logger target = Logger.getLogger(logger);
        target.setLevel(level);
        SET.add(target);
    }

    /** error, warn, info, debug, trace, off (any case), or a java.util.logging level name. */
    static Level parseLevel(String name) {
        String n = name.strip();
        switch (n.toLowerCase(java.util.Locale.ROOT)) {
            case "error":
                return Level.SEVERE;
            case "warn":
            case "warning":
                return Level.WARNING;
            case "info":
                return Level.INFO;
            case "debug":
                return Level.FINE;
            case "trace":
                return Level.FINEST;
            case "off":
                return Level.OFF;
            default:
                try {
                    return Level.parse(n.toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--log-level: '" + name
                            + "' is not a level (error, warn, info, debug, trace, off)");
                }
        }
    }

    /**
     * Whether this process's stderr is the stream systemd names in {@code JOURNAL_STREAM}
     * ({@code device:inode} of the socket), as sd-journal's own check does.
     */
    static boolean stderrIsJournal() {
        String stream = System.getenv("JOURNAL_STREAM");
        if (stream == null || stream.isBlank()) {
            return false;
        }
        try {
            java.nio.file.Path fd2 = java.nio.file.Path.of("/proc/self/fd/2");
            long dev = ((Number) java.nio.file.Files.getAttribute(fd2, "unix:dev")).longValue();
            long ino = ((Number) java.nio.file.Files.getAttribute(fd2, "unix:ino")).longValue();
            return isJournal(stream, dev, ino);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code journalStream} ("DEV:INO", decimal) names the file with {@code dev} and {@code ino}. */
    static boolean isJournal(String journalStream, long dev, long ino) {
        int colon = journalStream.indexOf(':');
        if (colon < 0) {
            return false;
        }
        try {
            return Long.parseLong(journalStream.substring(0, colon).strip()) == dev
                    && Long.parseLong(journalStream.substring(colon + 1).strip()) == ino;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160);
        if (journal) {
            line.append('<').append(priority(record.getLevel())).append('>');
        } else {
            line.append(TIME.format(record.getInstant())).append(' ');
        }
        line.append(String.format("%-5s", level(record.getLevel()))).append(' ');
        line.append('[').append(Thread.currentThread().getName()).append("] ");
        line.append(record.getLoggerName()).append(": ").append(formatMessage(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            line.append(": ").append(CauseChain.describe(thrown));
            if (SYNCNODE.isLoggable(Level.FINE)) {
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
            }
        }
        return line.append(System.lineSeparator()).toString();
    }

    /** The syslog priority of {@code level}: 3 error, 4 warning, 6 info, 7 debug. */
    static int priority(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return 3;
        }
        if (v >= Level.WARNING.intValue()) {
            return 4;
        }
        if (v >= Level.INFO.intValue()) {
            return 6;
        }
        return 7;
    }

    private static String level(Level level) {
        if (level == Level.SEVERE) {
            return "ERROR";
        }
        if (level == Level.WARNING) {
            return "WARN";
        }
        return level.getName();
    }
}
