package io.syncnode.node.engine;

import io.syncnode.node.control.StatusView;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * A seed's progress in the log: called every {@value #EVERY_SECONDS} s, it logs one line per
 * folder that has needed content from its peers at two calls in a row (files, bytes, pace, ETA:
 * {@link FetchNeed}; a single fetch under way in a quiet cluster says nothing), and one line when
 * such a folder has caught up. A new node's first minutes, or a node back from a long absence, so
 * read in the journal:
 * <pre>
 * ct101: needs 1200 file(s) (3.4 GiB) from peers; 45.0 MB/s, 80.0 files/s; ETA 80 s
 * ct101: has caught up with its peers (needed content for 95 s)
 * </pre>
 * Not thread-safe: one task calls {@link #report} (a fixed-delay task of the node's scheduler).
 */
public final class SeedLog {
    private static final Logger LOG = Logger.getLogger(SeedLog.class.getName());
    /** How often the node calls {@link #report}. */
    public static final int EVERY_SECONDS = 10;

    private final LongSupplier nanos;
    /** A folder seen needing content since {@code since} (nanos); {@code logged}: a need line went out. */
    private record Needing(long since, boolean logged) {
    }

    /** Folders that needed content at the last call. */
    private final Map<String, Needing> needing = new HashMap<>();

    public SeedLog(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Logs the need of every folder ({@code need}: a folder's need now, by name). */
    public void report(Iterable<String> folders, Function<String, StatusView.Need> need) {
        long now = nanos.getAsLong();
        for (String folder : folders) {
            StatusView.Need n = need.apply(folder);
            Needing was = needing.get(folder);
            if (n != null && n.files() > 0) {
                if (was == null) {
                    needing.put(folder, new Needing(now, false));
                } else {
                    needing.put(folder, new Needing(was.since(), true));
                    LOG.info(() -> folder + ": needs " + n.describe());
                }
            } else if (was != null) {
                needing.remove(folder);
                if (was.logged()) {
                    long seconds = Math.max(1, (now - was.since()) / 1_000_000_000L);
                    LOG.info(() -> folder + ": has caught up with its peers (needed content for about " + seconds
                            + " s)");
                }
            }
        }
    }
}
