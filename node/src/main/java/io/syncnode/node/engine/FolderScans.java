package io.syncnode.node.engine;

import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.RelativePath;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The local side of one folder: when its {@link LocalScanner} scans what (the first scan, the
 * watcher's changes, rescans of single paths, the operator's {@code check}), what the worker is
 * doing ({@link FolderState#SCANNING} or {@link FolderState#IDLE}), and why the folder halted
 * ({@link HaltReason}): a halted folder propagates nothing local until a rescan ({@code check}, a
 * restart) finds the cause gone or the operator accepts a mass delete ({@code accept-deletes}).
 *
 * <p>Scans run on the folder's worker; {@link #scanLater}, {@link #check} and {@link #acceptDeletes} queue there from any
 * thread; {@link #state} and {@link #halt} may be read anywhere.
 */
final class FolderScans {
    private static final Logger LOG = Logger.getLogger(FolderScans.class.getName());
    private final FolderContext folder;
    private final ScheduledExecutorService scheduler;
    private final Runnable flush;
    private final Runnable requestFlush;
    private final LocalScanner scanner;
    private final EntryReader reader;
    /** Set once while the folder is built, before the worker runs anything. */
    private HeldDeletes held = HeldDeletes.NONE;
    /** Set on the worker, read anywhere. */
    private volatile FolderState state = FolderState.SCANNING;
    /** Why the folder halted, or null; set on the worker, read anywhere. */
    private volatile HaltReason halt;

    /** The members' batches held by a remote mass-delete halt ({@link RemoteDeleteGuard}); worker only. */
    interface HeldDeletes {
        HeldDeletes NONE = () -> 0;

        /** Applies the held batches (the operator accepts their deletes); returns how many records they held. */
        long applyHeld();
    }

    /**
     * @param settle how long an entry that keeps changing while it is read is left to settle
     * @param flush commits and announces what is buffered
     * @param requestFlush queues a flush behind the work already queued
     */
    FolderScans(FolderContext folder, EntryReader reader, Duration settle, ScheduledExecutorService scheduler,
                Runnable flush, Runnable requestFlush) {
        this.folder = folder;
        this.scheduler = scheduler;
        this.flush = flush;
        this.requestFlush = requestFlush;
        this.reader = reader;
        this.scanner = new LocalScanner(folder, reader, new ChangingEntries(settle, folder.problems(), this::scanAfter),
                this::halt);
    }

    /** While the folder is built: the batches a remote mass-delete halt holds ({@link RemoteDeleteGuard}). */
    void holdDeletes(HeldDeletes h) {
        this.held = h;
    }

    FolderState state() {
        return state;
    }

    /** How far the running full scan has come (any thread). */
    io.syncnode.node.control.ScanProgress progress() {
        return scanner.progress();
    }

    /** Why the folder halted, or null. */
    HaltReason halt() {
        return halt;
    }

    /**
     * Full scan of the folder (state "scanning" meanwhile); returns how many changes it announced.
     * {@code guarded}: an automatic scan, which halts rather than delete most of the folder.
     */
    long fullScan(boolean guarded) throws IOException {
        state = FolderState.SCANNING;
        folder.counters().rescans.incrementAndGet();
        long before = folder.counters().recordsAnnounced.get();
        long start = System.nanoTime();
        try {
            scanner.fullScan(guarded);
        } finally {
            state = FolderState.IDLE;
            folder.counters().scanned(folder.name(), System.nanoTime() - start);
        }
        return folder.counters().recordsAnnounced.get() - before;
    }

    /** The resume's rescan: the whole folder, unless it is halted. */
    void rescanUnlessHalted() throws IOException {
        if (halt == null) {
            fullScan(true);
        }
    }

    /** Worker: scans what the watcher reported (nothing while halted). */
    void scanReported(ChangeInbox.Drained d) throws IOException {
        if (halt != null) {
            return; // halted: nothing local propagates until the cause is gone (check, restart) or accepted (accept-deletes)
        }
        if (d.rescanAll()) {
            fullScan(true);
            return;
        }
        for (String p : d.recursive()) {
            scanner.scanTree(p);
        }
        List<String> paths = d.paths();
        for (int i = 0; i < paths.size(); i++) {
            if (i % PREFETCH_ROWS == 0 && paths.size() > 1) {
                folder.store().prefetch(folder.name(), paths.subList(i, Math.min(paths.size(), i + PREFETCH_ROWS)));
            }
            String p = paths.get(i);
            if (!d.recursive().contains(p)) {
                scanner.scanPath(p);
            }
        }
        scanner.scanParents();
    }

    /**
     * The index rows of a drain's reported paths are read this many at a time ({@link
     * io.syncnode.node.index.SqliteIndexStore#prefetch}, 64 per query) before they are scanned one by
     * one: a burst of 1,000 new files otherwise made 1,000 queries for rows that mostly do not exist.
     * Well below the row cache's size, so none is evicted before its scan reads it.
     */
    static final int PREFETCH_ROWS = 1024;

    /**
     * Rescans now (whole folder, or the given relative paths); returns how many changes were found.
     * A whole-folder check is guarded like an automatic scan: it never propagates a mass delete, it
     * halts the folder instead. On a halted folder it runs the scan a restart would run: when the
     * cause is gone (the files are back, the root is back on its device) the folder resumes, else it
     * stays halted. Only {@link #acceptDeletes} accepts a mass delete.
     */
    CompletableFuture<Long> check(List<String> paths) {
        return folder.worker().submit(() -> {
            if (folder.worker().paused()) {
                throw new IllegalStateException("folder " + folder.name() + " is paused on this node; `syncnode resume "
                        + folder.name() + "` rescans it");
            }
            if (paths.isEmpty()) {
                HaltReason before = halt;
                if (before != null && before.kind() == HaltReason.Kind.REMOTE_MASS_DELETE) {
                    // the cause is a member's announced deletes, which no rescan here can find gone: the
                    // halt and the held batches stay for accept-deletes (a member that restored the
                    // files announces them anew, and those newer versions win over the held deletes)
                    return fullScanKeepingHalt(before);
                }
                halt = null;
                long changed = fullScan(true);
                if (before != null && halt == null) {
                    LOG.warning(() -> folder.name() + ": a rescan finds the cause of the halt gone (" + before.text()
                            + "); resuming");
                }
                return changed;
            }
            long before = folder.counters().recordsAnnounced.get();
            for (String p : paths) {
                RelativePath.validate(p);
                scanner.scanTree(p);
            }
            scanner.scanParents();
            flush.run();
            return folder.counters().recordsAnnounced.get() - before;
        });
    }

    /**
     * The operator accepts the deletes a guarded scan refused ({@code syncnode accept-deletes}): the
     * halt is released and an unguarded full scan propagates them. Completes with how many changes
     * that scan announced, or empty when the folder was not halted for a mass delete (nothing is
     * done). Fails for a paused folder and for a folder halted for another reason (its root), which
     * no operator's word can make safe.
     */
    CompletableFuture<OptionalLong> acceptDeletes() {
        return folder.worker().submit(() -> {
            if (folder.worker().paused()) {
                throw new IllegalStateException("folder " + folder.name() + " is paused on this node; `syncnode resume "
                        + folder.name() + "` first (its rescan halts again if the files are still gone)");
            }
            HaltReason h = halt;
            if (h == null || !h.releasedByAcceptDeletes()) {
                if (h != null) {
                    throw new IllegalStateException("folder " + folder.name() + " is not halted for a mass delete but: "
                            + h.text());
                }
                return OptionalLong.empty();
            }
            LOG.warning(() -> folder.name() + ": the operator accepts the deletes (`syncnode accept-deletes`); "
                    + (h.kind() == HaltReason.Kind.REMOTE_MASS_DELETE ? "applying" : "propagating") + " them");
            halt = null;
            if (h.kind() == HaltReason.Kind.REMOTE_MASS_DELETE) {
                long applied = held.applyHeld();
                fullScan(true); // what changed here while halted
                return OptionalLong.of(applied);
            }
            return OptionalLong.of(fullScan(false));
        });
    }

    /**
     * Recovers the apply journal and runs the first full scan, which removes leftover temp files; completes
     * when it is done. A folder paused before the restart stays paused and is not scanned (its resume
     * scans it); {@code pausedSince} describes since when.
     */
    CompletableFuture<Long> startScan(java.util.function.Supplier<String> pausedSince) {
        return folder.worker().submit(() -> {
            scanner.sweepLeftoverTemps(); // by the scan's walk (this one's, or a resume's)
            JournalRecovery.recover(folder.name(), folder.store(), folder.buffer(), folder.applier(), reader);
            if (folder.worker().paused()) {
                LOG.warning(() -> folder.name() + ": paused" + pausedSince.get() + " (kept across the restart): not"
                        + " syncing it until `syncnode resume " + folder.name() + "`");
                return 0L;
            }
            return fullScan(true);
        });
    }

    /**
     * {@code syncnode revert} of a receive-only folder: a full scan (which announces nothing there)
     * makes the list of local changes current, then {@code revert} brings them back to the
     * cluster's version; completes with how many paths it reverted. Fails for a paused or halted
     * folder.
     */
    CompletableFuture<Long> revert(LocalRevert revert, List<String> members) {
        return folder.worker().submit(() -> {
            if (folder.worker().paused() || halt != null) {
                throw new IllegalStateException("folder " + folder.name() + " is " + (halt != null ? "halted ("
                        + halt.text() + ")" : "paused on this node; `syncnode resume " + folder.name() + "` first"));
            }
            if (!folder.local().holds()) {
                throw new IllegalStateException("folder " + folder.name() + " is not receive-only: its local changes"
                        + " are announced, so there is nothing to revert");
            }
            fullScan(false);
            return revert.revert(members);
        });
    }

    /** Worker: a member's announcements would delete most of the folder ({@link RemoteDeleteGuard}). */
    private long fullScanKeepingHalt(HaltReason remote) throws java.io.IOException {
        halt = null;
        try {
            return fullScan(true);
        } finally {
            if (halt == null) {
                halt = remote;
            }
        }
    }

    void haltRemote(String why) {
        if (halt == null || !why.equals(halt.text())) {
            LOG.severe(folder.name() + ": halted: " + why);
        }
        halt = new HaltReason(HaltReason.Kind.REMOTE_MASS_DELETE, why);
    }

    private void halt(String why) {
        HaltReason before = halt;
        if (before == null || !why.equals(before.text())) {
            LOG.severe(folder.name() + ": halted: " + why);
        }
        halt = HaltReason.of(why);
    }

    private void scanAfter(String rel, Duration delay) {
        scheduler.schedule(() -> scanLater(rel), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Any thread: queues a rescan of {@code rel} (and its parents) on the worker. */
    void scanLater(String rel) {
        folder.worker().execute(folder.guard("rescanning " + rel, () -> {
            if (folder.worker().paused()) {
                return; // the resume's full rescan finds it
            }
            scanner.scanPath(rel);
            scanner.scanParents();
            requestFlush.run();
        }));
    }
}
