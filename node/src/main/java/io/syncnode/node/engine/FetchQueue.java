package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.apply.FolderFetchOutput;
import io.syncnode.node.fetch.DiskSpace;
import io.syncnode.node.fetch.FetchFailedException;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.StoredFile;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A folder's content fetches: two lanes ({@link FetchLane}: files under {@value #BIG_FILE} bytes,
 * at most {@value #MAX_SMALL_FETCHES} at once; bigger ones at most {@value #MAX_BIG_FETCHES}), so
 * that large files never hold up small ones; the basis of each delta ({@link Partials}); fetches
 * put off for want of disk space ({@link SpaceWaits}); retries of failed fetches; and handing what
 * arrives to be installed (in batches, see {@link RemoteApplier}), if it is still the version wanted.
 *
 * <p>Confined to the folder's worker thread; finished transfers come back to it through
 * {@code worker}.
 */
final class FetchQueue {
    private static final Logger LOG = Logger.getLogger(FetchQueue.class.getName());

    /**
     * Takes a fetched file, complete in {@code temp}, to install it with the next batch (see
     * {@link StagedInstalls#fetched}); from then on the temp file is the taker's.
     */
    interface Commit {
        void fetched(String from, FileRecord target, Path temp, boolean announce);

        /** A temp file beside {@code rel}'s target was removed: its directory's mtime moved. */
        void removedTemp(String rel);
    }

    /** A version being fetched, and whether to announce it once applied. */
    record Wanted(FileRecord target, boolean announce) {
    }

    /** Runs a task on the folder's worker after a delay. */
    interface Later {
        void after(Duration delay, Runnable task);
    }

    /** The folder's disk space, and how to come back to a fetch later (waiting for space, retries). */
    record Space(DiskSpace disk, Later later) {
    }

    /** A failed fetch is tried again after this, then after twice as long each time, up to {@link #RETRY_MAX}. */
    static final Duration RETRY_FIRST = Duration.ofSeconds(2);
    static final Duration RETRY_MAX = Duration.ofSeconds(60);
    /** Files at least this big go to the big-file lane, so that they never hold up small ones. */
    static final long BIG_FILE = Fetcher.BIG_TRANSFER;
    private static final int MAX_SMALL_FETCHES = 32;
    private static final int MAX_BIG_FETCHES = 2;

    private record Retry(String from, Wanted wanted) {
    }

    private final String folder;
    private final IndexBuffer buffer;
    private final Applier applier;
    private final Fetcher fetcher;
    private final Executor worker;
    private final BiFunction<String, FolderSync.Step, Runnable> guard;
    private final Problems problems;
    private final Space space;
    private final Commit commit;
    private final Partials partials;
    private final SpaceWaits waitingForSpace;
    private final Map<String, Wanted> fetching = new HashMap<>();
    /** path -> a fetch that failed for want of an answer, to be tried again (see {@link #retryLater}). */
    private final Map<String, Retry> retrying = new HashMap<>();
    /** path -> how many fetches of it failed in a row (the pause before the next attempt doubles). */
    private final Map<String, Integer> failures = new HashMap<>();
    private final FetchLane smallLane = new FetchLane(MAX_SMALL_FETCHES);
    private final FetchLane bigLane = new FetchLane(MAX_BIG_FETCHES);
    /** What {@code fetching} and {@code retrying} still want, and the pace of completed fetches. */
    private final FetchNeed need = new FetchNeed(System::nanoTime);
    /** The members each wanted version can be fetched from, and which one each fetch uses. */
    private final FetchSources sources = new FetchSources();

    FetchQueue(String folder, IndexBuffer buffer, Applier applier, Fetcher fetcher, Executor worker,
               BiFunction<String, FolderSync.Step, Runnable> guard, Consumer<String> scanLater,
               Problems problems, Space space, Commit commit) {
        this.folder = folder;
        this.buffer = buffer;
        this.applier = applier;
        this.fetcher = fetcher;
        this.worker = worker;
        this.guard = guard;
        this.problems = problems;
        this.space = space;
        this.commit = commit;
        this.partials = new Partials(folder, buffer, applier, this::discard);
        this.waitingForSpace = new SpaceWaits(folder, space, problems, fetching::get, (from, waited, wanted) -> {
            FetchLane lane = laneFor(waited);
            lane.add(() -> startFetch(from, wanted, lane));
        });
    }

    /**
     * Fetches {@code target}, offered by {@code from}, unless the same content is already on its way;
     * then {@code from} is one more member it can be fetched from ({@link FetchSources}).
     */
    void enqueue(String from, FileRecord target, boolean announce) {
        Wanted already = fetching.put(target.path(), new Wanted(target, announce));
        need.wanted(target.path(), target.size());
        if (already != null && already.target().hash().equals(target.hash())) {
            sources.also(target.path(), from);
            return; // the running (or waiting) fetch brings the same content; its commit uses the newest record
        }
        sources.first(target.path(), from);
        waitingForSpace.cancel(target.path());
        retrying.remove(target.path());
        FetchLane lane = laneFor(target);
        lane.add(() -> startFetch(from, target, lane));
    }

    private FetchLane laneFor(FileRecord target) {
        return target.size() >= BIG_FILE ? bigLane : smallLane;
    }

    int pending() {
        return smallLane.size() + bigLane.size() + waitingForSpace.size() + retrying.size();
    }

    /** Any thread: the files and bytes still to fetch, and the pace. */
    io.syncnode.node.control.StatusView.Need need() {
        return need.snapshot();
    }

    /** Shutdown: removes the partial results of interrupted transfers (temp files in the folder). */
    void discardPartials() {
        partials.discardAll();
    }

    private void startFetch(String from, FileRecord target, FetchLane lane) {
        String rel = target.path();
        String shortage = waitingForSpace.shortage(target.size());
        if (shortage != null) {
            lane.finished();
            waitingForSpace.waitFor(from, target, shortage);
            return;
        }
        Path temp;
        try {
            temp = applier.tempPathFor(rel); // created by the fetcher, off this thread
        } catch (IOException e) {
            lane.finished();
            fetching.remove(rel);
            sources.forget(rel);
            need.dropped(rel);
            problems.put(rel, Problems.Kind.NO_TEMP_FILE, e.getMessage());
            return;
        }
        waitingForSpace.running(target.size(), true);
        String source = sources.start(rel, from); // the offering member with the fewest fetches running
        fetcher.fetch(source, folder, target, temp, new FolderFetchOutput(applier), partials.basisFor(target)).whenComplete((file, err) -> worker.execute(
                guard.apply("committing " + rel, () -> {
                    boolean keep = false;
                    try {
                        waitingForSpace.running(target.size(), false);
                        sources.finished(source);
                        keep = finishFetch(from, source, target, temp, err);
                    } finally {
                        if (!keep) {
                            discard(rel, temp);
                        }
                        lane.finished();
                    }
                })));
    }

    /**
     * Returns true when {@code temp} is kept: handed over to be installed, or as the partial
     * result of an interrupted transfer. {@code from} offered the version first (it gets the
     * acknowledgement); {@code source} is the member it was fetched from.
     */
    private boolean finishFetch(String from, String source, FileRecord fetched, Path temp, Throwable err)
            throws IOException {
        String rel = fetched.path();
        Wanted wanted = fetching.get(rel);
        if (wanted == null || !wanted.target().hash().equals(fetched.hash())) {
            return false; // superseded by a newer version with other content
        }
        FileRecord want = wanted.target();
        if (err != null) {
            Throwable cause = err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
            if (cause instanceof FetchFailedException f && f.noSpace()) {
                // the temp file goes (no partial kept on a full disk); the fetch waits for space
                LOG.warning(() -> folder + ": " + cause.getMessage() + "; fetched again once there is space");
                waitingForSpace.waitFor(from, fetched, "the disk filled up while fetching: " + cause.getMessage());
                return false;
            }
            String other = sources.failed(rel, source);
            if (other != null) {
                // another member offered the same content: fetched from it now, resuming what arrived
                boolean kept = partials.keep(fetched, temp);
                LOG.info(() -> folder + ": fetching " + rel + " from " + source + " failed (" + cause.getMessage()
                        + "); fetched from another member that offered it (" + other + " or one less busy)");
                FetchLane lane = laneFor(want);
                lane.add(() -> startFetch(from, want, lane));
                return kept;
            }
            fetching.remove(rel);
            sources.forget(rel);
            if (cause instanceof FetchFailedException f && f.sourceChanged()) {
                need.dropped(rel); // a newer version is announced (and wanted) when the source has one
                return false; // that content is gone at the source: nothing to resume
            }
            problems.put(rel, Problems.Kind.FETCH_FAILED, String.valueOf(cause.getMessage()));
            Duration pause = retryLater(from, wanted);
            LOG.warning(() -> folder + ": " + cause.getMessage() + "; tried again in " + pause.toSeconds() + " s");
            return partials.keep(fetched, temp);
        }
        failures.remove(rel);
        partials.drop(rel);
        need.fetched(fetched.size());
        // stays in `fetching` until installed (handOver), so that the same content announced
        // again meanwhile (digest exchanges repeat) is not fetched a second time; whether its
        // version is still wanted there is checked at install time
        commit.fetched(from, want, temp, wanted.announce());
        return true;
    }

    /**
     * At install time, for a fetched file of {@code fetched}'s content: the newest version wanted
     * at its path (a version with the same content announced meanwhile replaces the fetched one),
     * now no longer being fetched; null when a version with other content is wanted instead (the
     * fetched file is stale).
     */
    Wanted handOver(FileRecord fetched) {
        Wanted w = fetching.get(fetched.path());
        if (w == null) {
            return new Wanted(fetched, false);
        }
        if (!w.target().hash().equals(fetched.hash())) {
            return null;
        }
        fetching.remove(fetched.path());
        sources.forget(fetched.path());
        need.dropped(fetched.path());
        return w;
    }

    /** Removes a temp file of {@code rel} (if it was created) and says so: its directory's mtime moved. */
    private void discard(String rel, Path temp) {
        applier.removeTempIfPresent(temp); // a fetch cancelled before it started never created it
        commit.removedTemp(rel);
    }

    /**
     * A version of {@code rel} was stored (applied, or made here): the partial result of an
     * interrupted transfer of other content at that path will never be resumed, and goes.
     */
    void settled(String rel, ContentHash hash) {
        if (retrying.remove(rel) != null && !fetching.containsKey(rel)) {
            need.dropped(rel);
        }
        failures.remove(rel);
        // of other content it will never be resumed; of the same content it is not needed any more
        partials.drop(rel);
    }

    /**
     * A fetch that failed without the source saying its content moved on (no answer, a member that
     * restarted or left, a broken transfer) is tried again by itself, from the same member, after a
     * pause that doubles with each failure in a row ({@link #RETRY_FIRST} up to {@link #RETRY_MAX}),
     * instead of waiting for the next digest exchange. A newer version announced meanwhile, or a
     * version of the path stored, replaces the retry. Returns the pause.
     */
    private Duration retryLater(String from, Wanted wanted) {
        String rel = wanted.target().path();
        int n = failures.merge(rel, 1, Integer::sum);
        Duration pause = RETRY_FIRST.multipliedBy(1L << Math.min(n - 1, 10));
        if (pause.compareTo(RETRY_MAX) > 0) {
            pause = RETRY_MAX;
        }
        Retry r = new Retry(from, wanted);
        retrying.put(rel, r);
        space.later().after(pause, () -> {
            if (!retrying.remove(rel, r) || fetching.containsKey(rel)) {
                return; // replaced by a newer version, or fetched again meanwhile
            }
            StoredFile cur = buffer.current(rel);
            if (cur == null || !cur.record().version().covers(r.wanted().target().version())) {
                enqueue(r.from(), r.wanted().target(), r.wanted().announce());
            } else {
                need.dropped(rel);
            }
        });
        return pause;
    }
}
