package io.syncnode.node.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * How far each member's clock is from this node's, from the send time every envelope carries
 * (transit time, milliseconds on a LAN, is part of the figure). Beyond {@link #THRESHOLD} it warns,
 * at most once an hour per member: clocks only decide between concurrent versions under
 * {@code newest}/{@code oldest} (and keep-both's choice of which version keeps the path), never
 * which write is newer in time order (version vectors do that), but operators should know.
 * Thread-safe; called on JGroups threads, never blocks.
 */
public final class ClockSkew {
    private static final Logger LOG = Logger.getLogger(ClockSkew.class.getName());
    public static final Duration THRESHOLD = Duration.ofSeconds(30);
    static final Duration WARN_EVERY = Duration.ofHours(1);

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
        long offset = sentAtMs - now;
        offsets.put(member, offset);
        if (Math.abs(offset) > THRESHOLD.toMillis()) {
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

    /** The last measured offset of {@code member}'s clock from this node's, in ms (positive: ahead), or null. */
    public Long offsetMs(String member) {
        return offsets.get(member);
    }
}
