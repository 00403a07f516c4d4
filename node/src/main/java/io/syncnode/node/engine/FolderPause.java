package io.syncnode.node.engine;

import io.syncnode.node.index.PauseMarks;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Pausing and resuming one folder on this node: the durable mark ({@link PauseMarks}), the
 * worker's pause flag, and at the resume the rescan and the remote-side work held meanwhile.
 * Callable from any thread; the steps run on the folder's worker.
 *
 * <p><b>Pause.</b> A paused folder ({@link #pause}, kept across restarts by {@link PauseMarks})
 * neither scans and announces local changes nor applies remote ones: watcher events, periodic
 * rescans and announcements are dropped; digests of other members are not answered and this
 * node's digest leaves the folder out, so members keep their dirty entries toward this node (it
 * acknowledges nothing). Transfers already running finish into their temp files, but their
 * commits (and those of conflict scripts) wait until {@link #resume}, which re-checks that they
 * are still current (a node stopped meanwhile removes those temp files at its next start). Serving fetches to other members goes on: the source only serves content
 * whose stat signature still equals the index's, i.e. versions announced before the pause, and
 * aborts ({@code SOURCE_CHANGED}) on anything changed since. {@link #resume} rescans the whole
 * folder (the stat signatures make it cheap), which finds and announces what changed meanwhile;
 * the composition root then starts a digest exchange, which brings what the members changed.
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
