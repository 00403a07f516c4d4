package io.syncnode.node.os;

import java.io.IOException;

/**
 * inotify_add_watch failed with ENOSPC: the user's inotify watch limit
 * ({@code fs.inotify.max_user_watches}) is used up. The message names the sysctl to raise.
 */
public final class WatchLimitException extends IOException {
    private static final long serialVersionUID = 1L;

    public WatchLimitException(String message) {
        super(message);
    }
}
