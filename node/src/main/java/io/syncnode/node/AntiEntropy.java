package io.syncnode.node;

import io.syncnode.node.engine.FolderSync;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When this node exchanges digests (PROTOCOL.md 5.4): every {@link #EVERY}, on every view change
 * (and twice again shortly after, as messages sent while members install a view can be dropped),
 * with a member heard again after a silence, with a member met for the first time (greet), after
 * a folder resumes, and 5 s after a send lane dropped a message (catch-up). Every
 * {@link #STALE_EVERY} it also offers each member again the records dirty toward it for longer than
 * that (at most {@link #STALE_LIMIT} per folder and member): a partition that changed no view (one-way
 * loss) or a failed apply there is repaired within a minute, not at the next digest exchange.
 * Digests are built by
 * each folder's worker and sent from the {@code sender} thread once ready, so a folder busy with a
 * long scan delays only its own digest.
 */
final class AntiEntropy {
    private static final Logger LOG = Logger.getLogger(AntiEntropy.class.getName());
    static final Duration EVERY = Duration.ofMinutes(2);
    private static final long[] AFTER_VIEW_MS = {2_000, 10_000};
    private static final Duration CATCH_UP = Duration.ofSeconds(5);
    static final Duration STALE_EVERY = Duration.ofSeconds(30);
    static final int STALE_LIMIT = 1000;

    private final Collection<FolderSync> folders;
    private final Outbox outbox;
    private final ExecutorService sender;
    private final ScheduledExecutorService scheduler;
    private final String self;
    private final Supplier<Set<String>> members;
    private final Clock clock;
    private final AtomicBoolean catchUpScheduled = new AtomicBoolean();
    private volatile boolean closed;

    AntiEntropy(Collection<FolderSync> folders, Outbox outbox, ExecutorService sender, ScheduledExecutorService scheduler,
                String self, Supplier<Set<String>> members, Clock clock) {
        this.folders = folders;
        this.outbox = outbox;
        this.sender = sender;
        this.scheduler = scheduler;
        this.self = self;
        this.members = members;
        this.clock = clock;
    }

    /** Starts the periodic exchange. */
    void start() {
        scheduler.scheduleWithFixedDelay(this::exchange, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::offerStaleDirty, STALE_EVERY.toMillis(), STALE_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::pruneVersions, 1, 1, TimeUnit.MINUTES);
    }

    /** Kept versions past their folder's retention go (on each folder's worker). */
    private void pruneVersions() {
        if (!closed) {
            folders.forEach(f -> f.versions().pruneLater());
        }
    }

    private void offerStaleDirty() {
        if (closed) {
            return;
        }
        List<String> others = members.get().stream().filter(m -> !m.equals(self)).toList();
        if (others.isEmpty()) {
            return;
        }
        java.time.Instant before = clock.instant().minus(STALE_EVERY);
        for (FolderSync f : folders) {
            if (!f.paused()) {
                f.pushStaleDirty(others, before, STALE_LIMIT);
            }
        }
    }

    /** A new view: exchange now, and again 2 s and 10 s later. */
    void viewChanged() {
        exchange();
        for (long delay : AFTER_VIEW_MS) {
            scheduler.schedule(this::exchange, delay, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A member heard again after a silence without a view change (a partition JGroups rode out):
     * what either side sent meanwhile may be lost, so this node sends it its digest (the member
     * answers with its index where they differ) and its dirty records again.
     */
    void heardAgain(String member) {
        greet(member);
        for (FolderSync f : folders) {
            if (!f.paused()) {
                f.pushDirtyTo(member);
            }
        }
    }

    /** This node's digest to one member (one it met for the first time). */
    void greet(String member) {
        sender.execute(() -> sendDigest(member));
    }

    /**
     * After a resume: the folder's digest to every member (each answers with its whole index if it
     * differs: what the members changed meanwhile), and this node's dirty records to each (what they
     * have not confirmed, including what the resume's rescan found).
     */
    void resumed(FolderSync f) {
        if (!closed && !f.paused()) {
            sendDigestOf(f, null);
        }
        for (String m : members.get()) {
            if (!m.equals(self)) {
                f.pushDirtyTo(m);
            }
        }
    }

    /**
     * A lane dropped an announcement, ack or digest (its member is slow or silent, or this node
     * sends faster than the wire takes): the records stay dirty, and a digest exchange 5 s later
     * (one at a time) brings every member up to date once the lane has room again.
     */
    void laneOverflowed(String member) {
        if (!closed && catchUpScheduled.compareAndSet(false, true)) {
            scheduler.schedule(() -> {
                catchUpScheduled.set(false);
                exchange();
            }, CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void close() {
        closed = true;
    }

    private void exchange() {
        if (!closed) {
            sender.execute(() -> sendDigest(null));
        }
    }

    /** Every folder's digest that is not paused, to {@code member} (null: to all). */
    private void sendDigest(String member) {
        if (closed) {
            return;
        }
        for (FolderSync f : folders) {
            if (!f.paused()) { // a paused folder takes no part: members keep their dirty entries toward us
                sendDigestOf(f, member);
            }
        }
    }

    private void sendDigestOf(FolderSync f, String member) {
        f.digestLater().whenComplete((d, failure) -> {
            if (failure != null) {
                if (!closed) {
                    LOG.log(Level.WARNING, f.name() + ": computing its digest failed; the next exchange tries again",
                            failure);
                }
            } else if (!closed) {
                sender.execute(() -> outbox.send(member, new Message.Digest(List.of(d))));
            }
        });
    }
}
