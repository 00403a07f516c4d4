package io.syncnode.node.engine;

import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.Tombstone;
import io.syncnode.protocol.VersionVector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drops tombstones (deleted paths' records) that no node needs any more, and forgets peers away
 * for longer than {@code [cluster] tombstone-retention} (PROTOCOL.md 5.4.1).
 *
 * <p>Implementation notes.
 * <ul>
 * <li><b>When a tombstone goes.</b> (a) No dirty entry toward any known peer is left for its
 *     path: every peer acknowledged the delete (a node that took the delete from its author has
 *     none: the author's entries deliver it). (b) The delete is older than the retention, counted
 *     to the last full hour ({@link #cutoff}). No open conflict or apply-journal row refers to it.
 *     The index writer checks (a) and the row's sequence again inside the delete, so a put or a
 *     dirty entry made since the read keeps it.</li>
 * <li><b>Age from the version.</b> The delete's time is its version vector's largest counter:
 *     a local change sets its node's counter to {@code max(old + 1, now in seconds)}, so that
 *     counter is the newest change's time on its author's clock (or a little later). So every
 *     node sees the same age for the same tombstone and, at the same hour, collects the same
 *     ones: their digests (which count tombstones) stay equal. Clocks must be roughly right (NTP):
 *     a clock days behind makes its deletes look older.</li>
 * <li><b>Stale peers.</b> A peer last seen before the cutoff, not a member now, is forgotten first
 *     ({@link PeerDirectory#forgetUnseenSince}), so its dirty entries hold nothing for ever. Every
 *     peer left was seen after the cutoff, thus after every delete old enough to collect.</li>
 * <li><b>When.</b> {@link #FIRST_RUN} after the start, then at every {@link #EVERY} of the clock
 *     (so at every full hour on every node, when the cutoff moves).</li>
 * <li><b>Bounded.</b> Pages of {@value #BATCH} candidates read on a reader connection; each
 *     page's deletes are one write (a short transaction on the index writer, between folder
 *     workers' commits); the next page is read when that write is committed. One pass at a time.</li>
 * </ul>
 * Runs on the executor it is given (the node's scheduler); never waits for the writer.
 */
public final class TombstoneCollector {
    private static final Logger LOG = Logger.getLogger(TombstoneCollector.class.getName());
    /** Candidates read, and at most rows deleted, per transaction. */
    static final int BATCH = 2000;
    /** The first pass after a start: members have been heard from (their last-seen is fresh) by then. */
    static final Duration FIRST_RUN = Duration.ofMinutes(5);
    /**
     * Passes run at every multiple of this on the clock. The cutoff moves once an hour, so most
     * passes find nothing new; they drop within minutes a tombstone that a member which had not
     * dropped it yet sent back in an index exchange (which would keep the digests apart).
     */
    static final Duration EVERY = Duration.ofMinutes(10);

    private final SqliteIndexStore store;
    private final PeerDirectory peers;
    private final Supplier<Set<String>> members;
    private volatile Duration retention;
    private final Clock clock;
    private final Executor executor;
    private final AtomicLong collected;
    private CompletableFuture<Long> running;

    /**
     * @param members   the names of the current members (never forgotten)
     * @param collected counts every tombstone dropped ({@code status}, metrics)
     */
    public TombstoneCollector(SqliteIndexStore store, PeerDirectory peers, Supplier<Set<String>> members,
                              Duration retention, Clock clock, Executor executor, AtomicLong collected) {
        this.store = store;
        this.peers = peers;
        this.members = members;
        this.retention = retention;
        this.clock = clock;
        this.executor = executor;
        this.collected = collected;
    }

    /** Runs a pass {@link #FIRST_RUN} after now, then one at every multiple of {@link #EVERY} of the clock. */
    public void start(ScheduledExecutorService scheduler) {
        scheduler.schedule(this::collectLogged, FIRST_RUN.toMillis(), TimeUnit.MILLISECONDS);
        long every = EVERY.toMillis();
        long now = clock.millis();
        scheduler.scheduleAtFixedRate(this::collectLogged, every - now % every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * One pass: forgets the stale peers, then drops every collectable tombstone. The future
     * completes with the number dropped; while a pass runs, a second call gets that pass.
     */
    public synchronized CompletableFuture<Long> collect() {
        if (running != null && !running.isDone()) {
            return running;
        }
        Instant cutoff = cutoff(clock.instant(), retention);
        running = peers.forgetUnseenSince(cutoff, members.get(), text(retention))
                .thenComposeAsync(forgotten -> sweep(cutoff, "", "", 0), executor);
        return running;
    }

    /** The retention in force ({@code [cluster] tombstone-retention}). */
    public Duration retention() {
        return retention;
    }

    /** A new {@code [cluster] tombstone-retention} from a reload: the next pass keeps deletes that long. */
    public void retainFor(Duration retention) {
        this.retention = java.util.Objects.requireNonNull(retention, "retention");
    }

    /** The last full hour of {@code now} minus the retention: deletes before it are old enough. */
    static Instant cutoff(Instant now, Duration retention) {
        return now.truncatedTo(ChronoUnit.HOURS).minus(retention);
    }

    /** Whether this version's newest change (its largest counter, epoch seconds) was made before {@code cutoff}. */
    static boolean olderThan(VersionVector version, Instant cutoff) {
        long newest = 0;
        for (long counter : version.counters().values()) {
            newest = Math.max(newest, counter);
        }
        return newest < cutoff.getEpochSecond();
    }

    private CompletableFuture<Long> sweep(Instant cutoff, String afterFolder, String afterPath, long done) {
        List<Tombstone> page = store.unreferencedTombstones(afterFolder, afterPath, BATCH);
        if (page.isEmpty()) {
            if (done > 0) {
                LOG.info(() -> "collected " + done + " tombstone(s) of deletes older than " + cutoff
                        + " that every peer has acknowledged ([cluster] tombstone-retention " + text(retention) + ")");
            }
            return CompletableFuture.completedFuture(done);
        }
        List<Tombstone> old = new ArrayList<>();
        for (Tombstone t : page) {
            if (olderThan(t.version(), cutoff)) {
                old.add(t);
            }
        }
        Tombstone last = page.get(page.size() - 1);
        CompletableFuture<Integer> dropped = old.isEmpty() ? CompletableFuture.completedFuture(0) : store.write(w -> {
            int n = 0;
            for (Tombstone t : old) {
                n += w.dropTombstone(t.folder(), t.path(), t.sequence()) ? 1 : 0;
            }
            return n;
        });
        return dropped.thenComposeAsync(n -> {
            collected.addAndGet(n);
            return sweep(cutoff, last.folder(), last.path(), done + n);
        }, executor);
    }

    /** A retention as the config writes it: {@code 30d}, {@code 36h}, else ISO-8601. */
    public static String text(Duration d) {
        if (d.toHours() * 3600 == d.getSeconds() && d.getNano() == 0) {
            return d.toHours() % 24 == 0 ? d.toDays() + "d" : d.toHours() + "h";
        }
        return d.toString();
    }

    private void collectLogged() {
        collect().whenComplete((n, failed) -> {
            if (failed != null) {
                // safe to go on: nothing was dropped by the failed write; the next pass tries again
                LOG.log(Level.WARNING, "tombstone collection failed; the next pass tries again", failed);
            }
        });
    }
}
