package io.syncnode.node.engine;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Makes split-brain visible: counts the concurrent paths a folder met and what its policy did
 * with each (merged, kept-local, took-remote, kept-both, manual, script) since the last partition
 * heal, and logs a summary line when the next heal starts a new count. Thread-safe.
 */
final class SplitBrainLog {
    private static final Logger LOG = Logger.getLogger(SplitBrainLog.class.getName());

    static final java.time.Duration SAME_HEAL = java.time.Duration.ofSeconds(30);

    private final String folder;
    private final Map<String, Long> sinceHeal = new TreeMap<>();
    private Instant lastHeal;

    SplitBrainLog(String folder) {
        this.folder = folder;
    }

    /** One concurrent path met, and what was done with it. */
    synchronized void concurrent(String path, String action) {
        sinceHeal.merge(action, 1L, Long::sum);
    }

    /**
     * A partition healed: the counts since the previous heal are logged and start again, unless
     * that heal was less than {@link #SAME_HEAL} ago (JGroups often installs a second merged view
     * right after the first: it is the same heal).
     */
    synchronized void healed(Instant at) {
        if (lastHeal != null && at.isBefore(lastHeal.plus(SAME_HEAL))) {
            return;
        }
        if (lastHeal != null && !sinceHeal.isEmpty()) {
            LOG.info(folder + ": since the partition healed at " + lastHeal + ": " + summary(sinceHeal));
        }
        lastHeal = at;
        sinceHeal.clear();
        LOG.info(folder + ": partition healed at " + at + "; reconciling concurrent changes");
    }

    synchronized Instant lastHeal() {
        return lastHeal;
    }

    synchronized Map<String, Long> sinceHeal() {
        return Map.copyOf(sinceHeal);
    }

    private static String summary(Map<String, Long> counts) {
        long n = counts.values().stream().mapToLong(Long::longValue).sum();
        return n + " concurrent path(s): " + counts;
    }
}
