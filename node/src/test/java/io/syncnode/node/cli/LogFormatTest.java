package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    private static String format(Level level, String message, Throwable thrown) {
        LogRecord record = new LogRecord(level, message);
        record.setInstant(Instant.parse("2026-11-21T10:00:00.123456Z"));
        record.setLoggerName("io.syncnode.node.watch.InotifyWatcher");
        record.setThrown(thrown);
        return new LogFormat().format(record);
    }

    @Test
    void oneLinePerRecord() {
        assertEquals("2026-11-21T10:00:00.123Z INFO  [" + Thread.currentThread().getName()
                        + "] io.syncnode.node.watch.InotifyWatcher: watching 3 folders" + System.lineSeparator(),
                format(Level.INFO, "watching 3 folders", null));
    }

    @Test
    void warningsAndErrorsUseShortNamesAndAThrowableStaysOnTheLine() {
        String line = format(Level.WARNING, "rescanning ct101", new IOException("queue overflow"));
        assertEquals("2026-11-21T10:00:00.123Z WARN  [" + Thread.currentThread().getName()
                + "] io.syncnode.node.watch.InotifyWatcher: rescanning ct101: queue overflow"
                + System.lineSeparator(), line);
        assertEquals("ERROR", format(Level.SEVERE, "x", null).substring(25, 30));
    }
}
