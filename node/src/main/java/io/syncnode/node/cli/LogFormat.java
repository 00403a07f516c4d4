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
 * FINE is on for io.syncnode ({@code run --verbose}).
 */
final class LogFormat extends Formatter {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Held strongly: the log manager forgets the level of a logger nobody references. */
    private static final Logger SYNCNODE = Logger.getLogger("io.syncnode");

    /** Replaces the root logger's handlers with one stderr handler in this format, level INFO. */
    static void install() {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler stderr = new ConsoleHandler();
        stderr.setLevel(Level.ALL);
        stderr.setFormatter(new LogFormat());
        root.addHandler(stderr);
        root.setLevel(Level.INFO);
    }

    /** Logs io.syncnode at FINE. */
    static void verbose() {
        SYNCNODE.setLevel(Level.FINE);
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160);
        line.append(TIME.format(record.getInstant())).append(' ');
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
