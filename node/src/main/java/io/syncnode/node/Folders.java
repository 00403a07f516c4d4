package io.syncnode.node;

import io.syncnode.config.FolderConfig;
import io.syncnode.node.engine.FolderSync;
import io.syncnode.node.engine.NodeParts;
import io.syncnode.node.watch.ChangeAggregator;
import io.syncnode.node.watch.ChangeBatch;
import io.syncnode.node.watch.InotifyWatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's folders while it runs, by name in config order: each folder's engine
 * ({@link FolderSync}), its inotify watcher and its periodic rescans, started and stopped
 * together; and the live change of the set by a reload ({@link #reload}): a {@code [[folder]]}
 * table added starts its folder, one removed stops its folder, one changed (ignore, conflict
 * policy, settle, any key) restarts its folder with the new table. Folders whose table did not
 * change go on untouched: no rescan, no lost event.
 *
 * <p>As a {@link Map} it is what the router, the anti-entropy and the control verbs read: reads
 * and iteration see one consistent set at any moment, from any thread, and never fail while the
 * set changes (an immutable snapshot replaced whole). Changes ({@link #add}, {@link #watchAll},
 * {@link #scheduleRescans}, {@link #reload}, {@link #closeWatchers}) are serialized by this
 * object's lock.
 */
final class Folders extends AbstractMap<String, FolderSync> {
    private static final Logger LOG = Logger.getLogger(Folders.class.getName());

    /** A running folder: its table, its engine, and what to stop with it. */
    private static final class Running {
        final FolderConfig config;
        final FolderSync sync;
        InotifyWatcher watcher;
        final List<ScheduledFuture<?>> rescans = new CopyOnWriteArrayList<>();

        Running(FolderConfig config, FolderSync sync) {
            this.config = config;
            this.sync = sync;
        }
    }

    /** What a reload changed, by folder name. */
    record Changes(List<String> added, List<String> removed, List<String> restarted) {
        boolean none() {
            return added.isEmpty() && removed.isEmpty() && restarted.isEmpty();
        }
    }

    private final NodeParts parts;
    private final ScheduledExecutorService scheduler;
    private volatile Map<String, Running> running = Map.of();
    private volatile Map<String, FolderSync> view = Map.of();
    private boolean rescansScheduled;

    Folders(NodeParts parts, ScheduledExecutorService scheduler) {
        this.parts = parts;
        this.scheduler = scheduler;
    }

    /** Builds the engine of a folder (not yet watching or scanning). */
    synchronized void add(FolderConfig fc) {
        Map<String, Running> next = new LinkedHashMap<>(running);
        next.put(fc.name(), new Running(fc, new FolderSync(fc, parts)));
        publish(next);
    }

    /** The table each running folder was started with. */
    List<FolderConfig> configs() {
        return running.values().stream().map(r -> r.config).toList();
    }

    /** Starts every folder's watcher (before the first scan: nothing changed meanwhile is lost). */
    synchronized void watchAll() throws IOException {
        for (Running r : running.values()) {
            watch(r);
        }
    }

    /** Starts every folder's periodic rescan ({@code rescan}): once the node has joined. */
    synchronized void scheduleRescans() {
        rescansScheduled = true;
        running.values().forEach(this::scheduleRescan);
    }

    /**
     * Makes the running set the one of {@code fresh}: stops the folders no longer in it and those
     * whose table changed, starts the new and changed ones (watcher, leftover temps removed, full
     * scan of that folder, periodic rescans), in config order. {@code scanned} is told of each
     * started folder once its scan is done (its digest goes to the members then). A folder whose
     * watcher cannot start is left out and the failure thrown (the others are as asked).
     */
    synchronized Changes reload(List<FolderConfig> fresh, Consumer<FolderSync> scanned) throws IOException {
        Map<String, FolderConfig> wanted = new LinkedHashMap<>();
        fresh.forEach(fc -> wanted.put(fc.name(), fc));
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> restarted = new ArrayList<>();
        Map<String, Running> before = running;
        Map<String, Running> kept = new LinkedHashMap<>(before);
        List<Running> stopping = new ArrayList<>();
        for (Running r : before.values()) {
            FolderConfig now = wanted.get(r.config.name());
            if (now == null || !now.equals(r.config)) {
                (now == null ? removed : restarted).add(r.config.name());
                kept.remove(r.config.name());
                stopping.add(r);
            }
        }
        publish(kept); // nothing is routed to a folder while it stops
        stopping.forEach(this::stop);
        Map<String, Running> next = new LinkedHashMap<>();
        List<Running> started = new ArrayList<>();
        for (FolderConfig fc : fresh) {
            Running old = before.get(fc.name());
            if (old != null && old.config.equals(fc)) {
                next.put(fc.name(), old);
            } else {
                if (old == null) {
                    added.add(fc.name());
                }
                Running r = new Running(fc, new FolderSync(fc, parts));
                next.put(fc.name(), r);
                started.add(r);
            }
        }
        // watched and scanning before anyone can route to them: a member's records wait on the
        // folder's worker behind its first scan, as at a start
        IOException failedToWatch = null;
        for (Running r : started) {
            try {
                watch(r);
            } catch (IOException | RuntimeException e) {
                next.remove(r.config.name());
                stop(r);
                if (failedToWatch == null) {
                    failedToWatch = e instanceof IOException io ? io
                            : new IOException(r.config.name() + ": " + e.getMessage(), e);
                }
                continue;
            }
            scheduleRescan(r);
            r.sync.startScan().whenComplete((changes, failed) -> {
                if (failed == null) {
                    LOG.info(() -> r.config.name() + ": started by a reload; its scan found " + changes + " change(s)");
                    scanned.accept(r.sync);
                } else {
                    LOG.log(Level.WARNING, r.config.name() + ": the scan after the reload failed", failed);
                }
            });
        }
        publish(next);
        if (failedToWatch != null) {
            throw failedToWatch;
        }
        return new Changes(added, removed, restarted);
    }

    /** Stops every watcher and periodic rescan (the node is stopping; the engines close after the cluster). */
    synchronized void closeWatchers() {
        for (Running r : running.values()) {
            if (r.watcher != null) {
                r.watcher.close();
            }
            r.rescans.forEach(f -> f.cancel(false));
        }
    }

    private void stop(Running r) {
        if (r.watcher != null) {
            r.watcher.close();
        }
        r.rescans.forEach(f -> f.cancel(false));
        r.sync.stopSoon();
        r.sync.close();
        LOG.info(() -> r.config.name() + ": stopped by a reload");
    }

    private void watch(Running r) throws IOException {
        FolderSync f = r.sync;
        Duration settle = r.config.settle();
        Duration maxDelay = settle.multipliedBy(10).compareTo(Duration.ofSeconds(1)) > 0
                ? settle.multipliedBy(10) : Duration.ofSeconds(1);
        ChangeAggregator aggregator = new ChangeAggregator(settle, maxDelay, scheduler, f::onChanges, message -> {
            LOG.severe(f.name() + ": " + message + "; falling back to a full rescan every minute for this folder");
            r.rescans.add(scheduler.scheduleWithFixedDelay(() -> f.onChanges(new ChangeBatch(Set.of(), Set.of(), true)),
                    60, 60, TimeUnit.SECONDS));
        });
        // the watcher does not know an entry's type: a path ignored either way is skipped
        InotifyWatcher w = new InotifyWatcher(f.root(), rel -> f.ignored(rel, false) || f.ignored(rel, true), aggregator);
        w.start();
        r.watcher = w;
    }

    private void scheduleRescan(Running r) {
        if (!rescansScheduled) {
            return;
        }
        long every = r.config.rescan().toMillis();
        r.rescans.add(scheduler.scheduleWithFixedDelay(() -> r.sync.onChanges(new ChangeBatch(Set.of(), Set.of(), true)),
                every, every, TimeUnit.MILLISECONDS));
    }

    private void publish(Map<String, Running> next) {
        Map<String, FolderSync> v = new LinkedHashMap<>();
        next.forEach((name, r) -> v.put(name, r.sync));
        running = Collections.unmodifiableMap(next);
        view = Collections.unmodifiableMap(v);
    }

    // ------------------------------------------------------------------ Map: the current set

    @Override
    public Set<Entry<String, FolderSync>> entrySet() {
        return view.entrySet();
    }

    @Override
    public FolderSync get(Object name) {
        return view.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return view.containsKey(name);
    }

    @Override
    public int size() {
        return view.size();
    }
}
