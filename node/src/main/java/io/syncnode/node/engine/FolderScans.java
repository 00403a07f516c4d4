package io.syncnode.node.engine;

import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.RelativePath;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The local side of one folder: when its {@link LocalScanner} scans what (the first scan, the
 * watcher's changes, rescans of single paths, the operator's {@code check}), what the worker is
 * doing ({@link FolderState#SCANNING} or {@link FolderState#IDLE}), and why the folder halted
 * ({@link HaltReason}): a halted folder propagates nothing local until the cause is fixed (a
 * restart) or accepted by the operator.
 *
 * <p>Scans run on the folder's worker; {@link #scanLater} and {@link #check} queue there from any
 * thread; {@link #state} and {@link #halt} may be read anywhere.
 */
final class FolderScans {
    private static final Logger LOG = Logger.getLogger(FolderScans.class.getName());
    private final FolderContext folder;
    private final ScheduledExecutorService scheduler;
    private final Runnable flush;
    private final Runnable requestFlush;
    private final LocalScanner scanner;
    /** Set on the worker, read anywhere. */
    private volatile FolderState state = FolderState.SCANNING;
    /** Why the folder halted, or null; set on the worker, read anywhere. */
    private volatile HaltReason halt;

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
        this.scanner = new LocalScanner(folder, reader, new ChangingEntries(settle, folder.problems(), this::scanAfter),
                this::halt);
    }

    FolderState state() {
        return state;
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
        try {
            scanner.fullScan(guarded);
        } finally {
            state = FolderState.IDLE;
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
            return; // halted: nothing local propagates until the cause is fixed (restart) or accepted (check)
        }
        if (d.rescanAll()) {
            fullScan(true);
            return;
        }
        for (String p : d.recursive()) {
            scanner.scanTree(p);
        }
        for (String p : d.paths()) {
            if (!d.recursive().contains(p)) {
                scanner.scanPath(p);
            }
        }
        scanner.scanParents();
    }

    /** Rescans now (whole folder, or the given relative paths); returns how many changes were found. */
    CompletableFuture<Long> check(List<String> paths) {
        return folder.worker().submit(() -> {
            if (folder.worker().paused()) {
                throw new IllegalStateException("folder " + folder.name() + " is paused on this node; `syncnode resume "
                        + folder.name() + "` rescans it");
            }
            if (paths.isEmpty()) {
                if (halt != null && halt.acceptedByCheck()) {
                    LOG.warning(() -> folder.name() + ": the operator accepts the deletes; resuming");
                    halt = null;
                }
                return fullScan(false);
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
