package io.syncnode.node.engine;

import io.syncnode.protocol.FileRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Fetches put off for want of disk space: a fetch starts only when its file fits above the
 * folder's {@code min-free} reserve, counting what the running fetches will still write; else
 * (or when the disk filled up during the transfer) nothing is written, the source keeps its
 * dirty entry, the folder shows the problem, and the fetch starts by itself once space returns
 * (looked at every {@link #RECHECK}).
 *
 * <p>Confined to the folder's worker thread (a part of {@link FetchQueue}).
 */
final class SpaceWaits {
    private static final Logger LOG = Logger.getLogger(FetchQueue.class.getName());

    /** How often fetches waiting for disk space look again. */
    static final java.time.Duration RECHECK = java.time.Duration.ofSeconds(5);

    /** Starts a fetch that waited: {@code waited} as it was put off, {@code wanted} the newest record of that content. */
    interface Restart {
        void fetch(String from, FileRecord waited, FileRecord wanted);
    }

    /** A fetch put off until its file fits above the folder's reserve. */
    private record Waiting(String from, FileRecord target) {
    }

    private final String folder;
    private final FetchQueue.Space space;
    private final Problems problems;
    /** path -> the version being fetched now, if any. */
    private final Function<String, FetchQueue.Wanted> fetching;
    private final Restart restart;
    /** Bytes the running fetches will write at most (their files' sizes). */
    private long committedBytes;
    private final Map<String, Waiting> waiting = new LinkedHashMap<>();
    private boolean recheckScheduled;

    SpaceWaits(String folder, FetchQueue.Space space, Problems problems,
               Function<String, FetchQueue.Wanted> fetching, Restart restart) {
        this.folder = folder;
        this.space = space;
        this.problems = problems;
        this.fetching = fetching;
        this.restart = restart;
    }

    /** Why a file of {@code size} bytes does not fit now, or null when it does. */
    String shortage(long size) {
        return space.disk().shortage(size, committedBytes);
    }

    /** A fetch of {@code size} bytes starts (true) or ended (false). */
    void running(long size, boolean starts) {
        committedBytes += starts ? size : -size;
    }

    int size() {
        return waiting.size();
    }

    /** Another version of {@code rel} is wanted: a fetch of it waiting for space is dropped. */
    void cancel(String rel) {
        if (waiting.remove(rel) != null) {
            clearProblem(rel);
        }
    }

    /** Puts a fetch off until its file fits; {@code why} is shown as the path's problem meanwhile. */
    void waitFor(String from, FileRecord target, String why) {
        waiting.put(target.path(), new Waiting(from, target));
        problems.put(target.path(), Problems.Kind.NO_DISK_SPACE, why);
        if (!recheckScheduled) {
            recheckScheduled = true;
            space.later().after(RECHECK, this::recheck);
        }
    }

    private void recheck() {
        recheckScheduled = false;
        for (Waiting w : List.copyOf(waiting.values())) {
            String rel = w.target().path();
            FetchQueue.Wanted wanted = fetching.apply(rel);
            if (wanted == null || !wanted.target().hash().equals(w.target().hash())) {
                waiting.remove(rel); // another version is wanted now: its own fetch checks
                clearProblem(rel);
                continue;
            }
            String shortage = shortage(w.target().size());
            if (shortage == null) {
                waiting.remove(rel);
                clearProblem(rel);
                LOG.info(() -> folder + ": disk space for " + rel + " is there again; fetching it");
                restart.fetch(w.from(), w.target(), wanted.target());
            } else {
                problems.put(rel, Problems.Kind.NO_DISK_SPACE, shortage);
            }
        }
        if (!waiting.isEmpty() && !recheckScheduled) {
            recheckScheduled = true;
            space.later().after(RECHECK, this::recheck);
        }
    }

    private void clearProblem(String rel) {
        problems.clear(rel, Problems.Kind.NO_DISK_SPACE);
    }
}
