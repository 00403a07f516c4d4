package io.syncnode.node.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * How far each member's clock is from this node's, from the send time every envelope carries.
 * A message that waited on its way (in a send lane behind a slow member, retransmitted after a
 * partition) makes its sender look behind, never ahead, so the figure is the largest offset seen in
 * the last {@link #WINDOW} (the sample that waited least). Beyond {@link #THRESHOLD} it warns,
 * at most once an hour per member: clocks only decide between concurrent versions under
 * {@code newest}/{@code oldest} (and keep-both's choice of which version keeps the path), never
 * which write is newer in time order (version vectors do that), but operators should know.
 * Thread-safe; called on JGroups threads, never blocks.
 */
public final class ClockSkew {
    private static final Logger LOG = Logger.getLogger(ClockSkew.class.getName());
    public static final Duration THRESHOLD = Duration.ofSeconds(30);
    static final Duration WARN_EVERY = Duration.ofHours(1);
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** Samples a window needs before a clock behind is believed (one delayed message is not enough). */
    static final int BEHIND_AFTER = 3;

    private record Window(long startMs, long best, int samples) {
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private final Clock clock;
    private final Map<String, Long> offsets = new ConcurrentHashMap<>();
    private final Map<String, Long> warnedAt = new ConcurrentHashMap<>();

    public ClockSkew(Clock clock) {
        this.clock = clock;
    }

    /** {@code member} sent a message at {@code sentAtMs} by its clock (0: the sender did not say). */
    public void observe(String member, long sentAtMs) {
        if (sentAtMs == 0) {
            return;
        }
        long now = clock.millis();
        long sample = sentAtMs - now;
        Window w = windows.compute(member, (k, old) -> old == null || now - old.startMs() >= WINDOW.toMillis()
                ? new Window(now, sample, 1) : new Window(old.startMs(), Math.max(old.best(), sample), old.samples() + 1));
        long offset = w.best();
        offsets.put(member, offset);
        boolean believed = offset > 0 || w.samples() >= BEHIND_AFTER;
        if (believed && Math.abs(offset) > THRESHOLD.toMillis()) {
            Long last = warnedAt.get(member);
            if (last == null || now - last >= WARN_EVERY.toMillis()) {
                warnedAt.put(member, now);
                LOG.warning(() -> "member " + member + "'s clock is " + Duration.ofMillis(Math.abs(offset)).toSeconds()
                        + " s " + (offset > 0 ? "ahead of" : "behind") + " this node's (more than "
                        + THRESHOLD.toSeconds() + " s): versions are ordered by version vectors, not clocks, but under"
                        + " `newest`/`oldest` (and for which version keeps the path under keep-both) concurrent writes"
                        + " are compared by mtime; keep the clocks in sync (NTP)");
            }
        }
    }

    /** Drops what was measured of {@code member} (a retired peer the operator forgot). */
    public void forget(String member) {
        windows.remove(member);
        offsets.remove(member);
        warnedAt.remove(member);
    }

    /** The last measured offset of {@code member}'s clock from this node's, in ms (positive: ahead), or null. */
    public Long offsetMs(String member) {
        return offsets.get(member);
    }
}
