package io.syncnode.node;

import java.util.List;

/**
 * What {@link SyncNode#start} has reached, for whoever waits on it (the service manager through
 * {@code sd_notify}, a log). Called on the starting thread, except {@link #scanned}, which the
 * folder's worker calls when its first scan ends; implementations must be quick and must not
 * throw. Every method does nothing by default.
 */
public interface StartProgress {
    /** {@code a}, then {@code b}, for each step. */
    static StartProgress both(StartProgress a, StartProgress b) {
        return new StartProgress() {
            @Override
            public void scanProgress(java.util.Map<String, io.syncnode.node.control.ScanProgress> folders) {
                a.scanProgress(folders);
                b.scanProgress(folders);
            }

            @Override
            public void scanning(List<String> folders) {
                a.scanning(folders);
                b.scanning(folders);
            }

            @Override
            public void scanned(String folder, long changes) {
                a.scanned(folder, changes);
                b.scanned(folder, changes);
            }

            @Override
            public void joining(String cluster) {
                a.joining(cluster);
                b.joining(cluster);
            }

            @Override
            public void joined(List<String> members) {
                a.joined(members);
                b.joined(members);
            }
        };
    }

    /** Reports nothing. */
    StartProgress NONE = new StartProgress() {
    };

    /**
     * Each folder's scan progress (entries walked, bytes hashed), live while its scans run: called
     * once, before {@link #scanning}.
     */
    default void scanProgress(java.util.Map<String, io.syncnode.node.control.ScanProgress> folders) {
    }

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
