package io.syncnode.node;

import java.util.List;

/**
 * What {@link SyncNode#start} has reached, for whoever waits on it (the service manager through
 * {@code sd_notify}, a log). Called on the starting thread, except {@link #scanned}, which the
 * folder's worker calls when its first scan ends; implementations must be quick and must not
 * throw. Every method does nothing by default.
 */
public interface StartProgress {
    /** Reports nothing. */
    StartProgress NONE = new StartProgress() {
    };

    /** The first full scan of these folders has begun (the watchers run already). */
    default void scanning(List<String> folders) {
    }

    /** The first scan of {@code folder} ended; it announced {@code changes} records. */
    default void scanned(String folder, long changes) {
    }

    /** Every folder is scanned; joining the JGroups cluster {@code cluster}. */
    default void joining(String cluster) {
    }

    /** Joined: the members of the first view (this node included). */
    default void joined(List<String> members) {
    }
}
