package io.syncnode.node.engine;

/**
 * What a folder is doing, as {@code syncnode status} shows it. The worker itself is only ever
 * {@link #SCANNING} or {@link #IDLE}; the others are derived when the status is read ({@link #shown}).
 */
enum FolderState {
    SCANNING, IDLE, SYNCING, PAUSED, HALTED;

    /** The word the operator sees. */
    String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The state shown for a folder whose worker is in {@code worker}: paused and halted first; an
     * idle worker with dirty entries or fetches still running is syncing.
     */
    static FolderState shown(FolderState worker, boolean paused, boolean halted, long dirty, int pendingFetches) {
        if (paused) {
            return PAUSED;
        }
        if (halted) {
            return HALTED;
        }
        return worker == IDLE && (dirty > 0 || pendingFetches > 0) ? SYNCING : worker;
    }
}
