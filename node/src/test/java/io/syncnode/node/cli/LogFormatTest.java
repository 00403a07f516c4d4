package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void forTheJournalALineStartsWithItsPriorityAndHasNoTime() {
        LogRecord record = new LogRecord(Level.WARNING, "rescanning ct101");
        record.setInstant(Instant.parse("2026-11-21T10:00:00.123456Z"));
        record.setLoggerName("io.syncnode.node.watch.InotifyWatcher");
        assertEquals("<4>WARN  [" + Thread.currentThread().getName()
                + "] io.syncnode.node.watch.InotifyWatcher: rescanning ct101" + System.lineSeparator(),
                new LogFormat(true).format(record));
        assertEquals(3, LogFormat.priority(Level.SEVERE));
        assertEquals(4, LogFormat.priority(Level.WARNING));
        assertEquals(6, LogFormat.priority(Level.INFO));
        assertEquals(7, LogFormat.priority(Level.CONFIG));
        assertEquals(7, LogFormat.priority(Level.FINE));
        assertEquals(7, LogFormat.priority(Level.FINEST));
    }

    @Test
    void theJournalIsStderrOnlyWhenJournalStreamNamesItsDeviceAndInode() {
        assertTrue(LogFormat.isJournal("64769:123456", 64769, 123456));
        assertFalse(LogFormat.isJournal("64769:123456", 64769, 123457));
        assertFalse(LogFormat.isJournal("64768:123456", 64769, 123456));
        assertFalse(LogFormat.isJournal("garbage", 64769, 123456));
        assertFalse(LogFormat.isJournal("a:b", 64769, 123456));
    }

    @Test
    void logLevelsByNameAndPerLogger() {
        assertEquals(Level.SEVERE, LogFormat.parseLevel("error"));
        assertEquals(Level.WARNING, LogFormat.parseLevel("WARN"));
        assertEquals(Level.FINE, LogFormat.parseLevel("debug"));
        assertEquals(Level.FINEST, LogFormat.parseLevel("trace"));
        assertEquals(Level.FINER, LogFormat.parseLevel("finer"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogFormat.parseLevel("loud"));
        assertEquals("--log-level: 'loud' is not a level (error, warn, info, debug, trace, off)", e.getMessage());
        String name = "io.syncnode.test.LogFormatTest.levels";
        LogFormat.applyLevel(name + "=trace");
        assertEquals(Level.FINEST, java.util.logging.Logger.getLogger(name).getLevel());
        assertThrows(IllegalArgumentException.class, () -> LogFormat.applyLevel("=debug"));
    }
}
