package io.syncnode.node.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Per-path timestamps of a change's hops, for {@code scripts/bench latency}'s breakdown: enabled
 * by the system property {@code syncnode.hops=DIR}, which makes the node append one line
 * {@code NANOS HOP PATH} per mark (the path relative to its folder's root) to
 * {@code DIR/hops-<pid>.txt}. {@link System#nanoTime} is CLOCK_MONOTONIC on Linux, so the marks of
 * the processes of one host compare.
 *
 * <p>Threading: {@link #mark} may be called from any thread and never blocks on I/O: marks are
 * kept in memory (at most {@value #MAX_PENDING}, beyond that counted as dropped) and written every
 * 50 ms by the daemon thread {@code hop-log}, started by the first mark. Disabled (the default),
 * {@link #mark} returns at once and nothing is kept or started.
 */
public final class Hops {
    /** The hops, in the order a change passes them (W: on the writer, R: on the replica). */
    public enum Hop {
        /** W, {@code inotify-<folder>}: an event for the path was read. */
        INOTIFY,
        /** W: the aggregator handed the path to the folder in a batch. */
        BATCHED,
        /** W, {@code folder-<name>}: the worker took the path from its inbox. */
        DRAIN,
        /** Both: the worker starts the index transaction holding the path's new record. */
        FLUSH,
        /** Both: that transaction is committed. */
        COMMITTED,
        /** W: the record's announcement is queued on the send lane. */
        ANNOUNCED,
        /** R, JGroups thread: the announced record arrived and waits in the folder's inbox. */
        RECEIVED,
        /** R: the worker took the record from its inbox. */
        REMOTE_DRAIN,
        /** R: the inline content is in a temp file, staged for the batch's install. */
        STAGED,
        /** R: the apply journal of the batch is committed. */
        JOURNALED,
        /** R: the temp file is fsynced. */
        SYNCED,
        /** R: the temp file is renamed over the target (the content is visible). */
        INSTALLED
    }

    static final int MAX_PENDING = 1 << 20;
    private static final Hops ON = open(System.getProperty("syncnode.hops"));

    private final Path file;
    private List<String> pending = new ArrayList<>();
    private long dropped;
    private Thread writer;

    private Hops(Path file) {
        this.file = file;
    }

    private static Hops open(String dir) {
        if (dir == null || dir.isBlank()) {
            return null;
        }
        return new Hops(Path.of(dir).resolve("hops-" + ProcessHandle.current().pid() + ".txt"));
    }

    /** True when hops are recorded (callers may skip building the paths otherwise). */
    public static boolean on() {
        return ON != null;
    }

    /** Records that {@code path} (relative to its folder's root) passed {@code hop} now. */
    public static void mark(Hop hop, String path) {
        if (ON != null) {
            ON.add(System.nanoTime() + " " + hop + " " + path);
        }
    }

    /** Records that every path of {@code paths} passed {@code hop} now (one time for all). */
    public static void markAll(Hop hop, Collection<String> paths) {
        if (ON != null) {
            long now = System.nanoTime();
            for (String p : paths) {
                ON.add(now + " " + hop + " " + p);
            }
        }
    }

    private synchronized void add(String line) {
        if (pending.size() >= MAX_PENDING) {
            dropped++;
            return;
        }
        pending.add(line);
        if (writer == null) {
            writer = new Thread(this::writeLoop, "hop-log");
            writer.setDaemon(true);
            writer.start();
        }
    }

    private synchronized List<String> take() {
        List<String> out = pending;
        pending = new ArrayList<>();
        if (dropped > 0) {
            out.add("# dropped " + dropped);
            dropped = 0;
        }
        return out;
    }

    private void writeLoop() {
        try {
            Files.createDirectories(file.getParent());
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                while (true) {
                    for (String line : take()) {
                        out.write(line);
                        out.newLine();
                    }
                    out.flush();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
        } catch (IOException e) {
            System.getLogger(Hops.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot write hop marks to " + file + "; no more are written", e);
        }
    }
}
