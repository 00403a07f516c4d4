package io.syncnode.node.engine;

import io.syncnode.node.index.PauseMarks;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Pausing and resuming one folder on this node (see {@link FolderSync}'s notes on pause): the
 * durable mark ({@link PauseMarks}), the worker's pause flag, and at the resume the rescan and the
 * remote-side work held meanwhile. Callable from any thread; the steps run on the folder's worker.
 */
final class FolderPause {
    private static final Logger LOG = Logger.getLogger(FolderPause.class.getName());
    private final String folder;
    private final FolderWorker worker;
    private final PauseMarks marks;
    private final Runnable flush;
    private final FolderSync.Step rescan;

    /**
     * @param flush commits and announces what is buffered
     * @param rescan the resume's full rescan (it skips a halted folder)
     */
    FolderPause(String folder, FolderWorker worker, PauseMarks marks, Runnable flush, FolderSync.Step rescan) {
        this.folder = folder;
        this.worker = worker;
        this.marks = marks;
        this.flush = flush;
        this.rescan = rescan;
    }

    /**
     * Stops syncing the folder on this node, durably: it stays paused across restarts until
     * {@link #resume}. What was scanned or applied before is committed and announced first.
     * Completes with false when the folder was paused already.
     */
    CompletableFuture<Boolean> pause() {
        return worker.submit(() -> {
            if (worker.paused()) {
                return false;
            }
            flush.run();
            marks.mark(folder);
            worker.setPaused(true);
            LOG.info(() -> folder + ": paused: local changes are not announced and remote ones not applied"
                    + " until `syncnode resume " + folder + "`");
            return true;
        });
    }

    /**
     * Restarts syncing a paused folder: removes the pause mark, rescans the whole folder (what
     * changed while paused is announced and marked dirty), then commits the transfers that finished
     * meanwhile if they are still current. Completes, with false when the folder was not paused,
     * once the rescan is done; the caller then starts a digest exchange with the members.
     */
    CompletableFuture<Boolean> resume() {
        return worker.submit(() -> {
            if (!worker.paused()) {
                return false;
            }
            marks.clear(folder);
            worker.setPaused(false);
            LOG.info(() -> folder + ": resumed: rescanning, then exchanging digests with the members");
            try {
                rescan.run();
            } finally {
                worker.releaseHeld();
                flush.run();
            }
            return true;
        });
    }
}
