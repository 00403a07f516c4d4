package io.syncnode.node.watch;

/** Receives what the watcher saw, on the watcher's thread; implementations must not block. */
public interface WatchListener {
    /**
     * Something at relPath changed ("" is the root). recursive: a directory appeared (created or
     * moved in): its whole subtree must be scanned.
     */
    void changed(String relPath, boolean recursive);

    /** Events were lost (IN_Q_OVERFLOW, watcher failure, root moved/deleted): rescan the whole folder. reason says why. */
    void overflow(String reason);

    /**
     * inotify_add_watch hit the watch limit: message tells the operator to raise
     * fs.inotify.max_user_watches (e.g. {@code sysctl -w fs.inotify.max_user_watches=524288}); the
     * caller falls back to periodic rescans for this folder.
     */
    void limitReached(String message);
}
