package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.apply.LocalChangedException;
import io.syncnode.node.index.ApplyIntent;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.trace.Hops;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Complete files waiting in temp files to be installed together: small files of a batch of
 * announced records (inline content) and fetched files. One install step fsyncs their temp files
 * in parallel on the I/O pool, renames them over their targets in path order, fsyncs each
 * directory touched once and records them (see {@link #commitStaged}).
 *
 * <p>Confined to the folder's worker thread; {@link #installSoon} queues the install step there
 * (held while the folder is paused, see {@link FolderWorker#remoteSide}).
 */
final class StagedInstalls {
    private static final Logger LOG = Logger.getLogger(StagedInstalls.class.getName());
    /**
     * A batch of at least this many files is made durable by one {@code syncfs} before its renames
     * and one after them ({@link Applier#syncFileSystems}), not by an fsync of each file and
     * directory: a seed of 100,000 small files into an empty node took 31.6 s instead of 40-41 s
     * (2 cores, ext4). A syncfs also writes back what others wrote to that file system.
     */
    static final int SYNC_TOGETHER_AT = 64;

    /**
     * {@code fetched}: the content came by fetch, the version to install is asked from the fetch queue;
     * {@code inline}: content still to be written into {@code temp} (not created yet), else null.
     */
    private record Staged(String from, FileRecord target, Path temp, byte[] inline, boolean announce, boolean fetched) {
    }

    /** Records a version installed from a temp file this node created (see {@link RemoteApplier#done}). */
    interface Done {
        void done(String from, FileRecord target, StatSignature stat, boolean announce);
    }

    private final FolderContext folder;
    private final ApplyFinisher finisher;
    private final ApplyRetries retries;
    /** The fetch queue's hand-over: the version now wanted at a fetched file's path, or null. */
    private final Function<FileRecord, FetchQueue.Wanted> handOver;
    private final Done done;
    private final List<Staged> staged = new ArrayList<>();
    /**
     * path -> version of the intents the running batch of announced records journalled before it
     * wrote anything ({@link #journalled}); its inline files need no second journal commit.
     */
    private final Map<String, VersionVector> journalled = new HashMap<>();
    /** A step that installs fetched files is queued on the worker (see {@link #installSoon}). */
    private boolean installQueued;

    StagedInstalls(FolderContext folder, ApplyFinisher finisher, ApplyRetries retries,
                   Function<FileRecord, FetchQueue.Wanted> handOver, Done done) {
        this.folder = folder;
        this.finisher = finisher;
        this.retries = retries;
        this.handOver = handOver;
        this.done = done;
    }

    /**
     * The running batch of announced records journalled {@code intents} (committed, before any
     * write): a staged file of exactly such a version is not journalled again at its install.
     * Replaces what an earlier batch journalled; forgotten by the next {@link #commitStaged}.
     */
    void journalled(List<ApplyIntent> intents) {
        journalled.clear();
        for (ApplyIntent i : intents) {
            journalled.put(i.record().path(), i.record().version());
        }
    }

    /**
     * A small file of the current batch: {@code content} is written into the new temp file
     * {@code temp} (a fresh name from {@link Applier#tempPathFor}) and installed with the batch.
     */
    void stage(String from, FileRecord target, Path temp, byte[] content, boolean announce) {
        Hops.mark(Hops.Hop.STAGED, target.path());
        staged.add(new Staged(from, target, temp, content, announce, false));
    }

    /**
     * A fetched file, complete in {@code temp}: installed together with the others that finish
     * meanwhile (one step on the worker: parallel fsyncs, one fsync per directory, one index
     * commit), or with the next batch of announced records if that comes first.
     */
    void fetched(String from, FileRecord target, Path temp, boolean announce) {
        staged.add(new Staged(from, target, temp, null, announce, true));
        installSoon();
    }

    /**
     * A fetch's temp file was removed (failed, superseded, already applied): the directory's mtime
     * is put back with the next install step.
     */
    void removedTemp(String rel) {
        finisher.touched(RelativePath.parentRecord(rel));
        installSoon();
    }

    /** Queues one worker step that installs the staged files and finishes the node's writes. */
    private void installSoon() {
        if (!installQueued) {
            installQueued = true;
            folder.worker().remoteSide().execute(folder.guard("installing fetched files", () -> {
                installQueued = false;
                commitStaged();
                finisher.finish();
                folder.buffer().flush();
            }));
        }
    }

    /**
     * Installs the staged files: their temp files are fsynced in parallel on the I/O pool (the file
     * system commits them together), then renamed over their targets in path order, then each
     * directory touched is fsynced once. A file whose target changed locally meanwhile is not
     * installed (it is rescanned instead).
     */
    void commitStaged() {
        if (staged.isEmpty()) {
            journalled.clear();
            return;
        }
        Applier applier = folder.applier();
        IndexBuffer buffer = folder.buffer();
        List<Staged> batch = new ArrayList<>(staged);
        staged.clear();
        // fetched files (and inline ones staged outside a journalled batch) are journalled now, before
        // their rename; the batch's own inline files were, with the whole batch (RemoteApplier.journal)
        buffer.journal(batch.stream().filter(st -> st.fetched()
                        || !st.target().version().equals(journalled.get(st.target().path())))
                .map(st -> new ApplyIntent(folder.name(), st.target(), st.announce())).toList());
        journalled.clear();
        buffer.intentsDone(batch.stream().map(st -> st.target().path()).toList());
        if (Hops.on()) {
            Hops.markAll(Hops.Hop.JOURNALED, batch.stream().map(st -> st.target().path()).toList());
        }
        boolean together = batch.size() >= SYNC_TOGETHER_AT;
        List<CompletableFuture<Void>> prepared = together ? prepareByDirectory(applier, batch)
                : prepareEach(applier, batch);
        if (together) {
            syncTempsTogether(applier, batch, prepared);
        }
        Set<Path> dirs = new LinkedHashSet<>();
        List<Path> released = new ArrayList<>(); // large files replaced: freed after the renames (Applier.install)
        for (int i = 0; i < batch.size(); i++) {
            Staged st = batch.get(i);
            String rel = st.target().path();
            finisher.touched(RelativePath.parentRecord(rel)); // its temp file comes and goes there, installed or not
            boolean prepareAgain = false;
            if (st.fetched()) {
                FetchQueue.Wanted w = handOver.apply(st.target());
                if (w == null) {
                    prepared.get(i).exceptionally(e -> null).join();
                    applier.discardTemp(st.temp()); // other content is wanted at the path now
                    continue;
                }
                prepareAgain = !w.target().sameEntry(st.target()); // same content, other metadata
                st = new Staged(st.from(), w.target(), st.temp(), null, st.announce() || w.announce(), true);
            }
            try {
                prepared.get(i).join();
                if (prepareAgain) {
                    applier.prepare(st.temp(), st.target());
                }
                Hops.mark(Hops.Hop.SYNCED, rel);
                StoredFile cur = buffer.current(rel);
                if (cur != null && (!st.target().version().covers(cur.record().version())
                        || cur.record().version().equals(st.target().version()) && cur.stat() != null)) {
                    // a fetched file whose path took a newer or concurrent version (reconciled on
                    // its own) or this one by another way while it waited
                    applier.discardTemp(st.temp());
                    continue;
                }
                // the index's signature now, not at staging: installing another name of a hard-link
                // group moved this one's ctime, and refreshOtherNames recorded that
                StatSignature sig = applier.install(rel, st.temp(), st.target(), RemoteApplier.expectedOf(cur), released);
                Hops.mark(Hops.Hop.INSTALLED, rel);
                dirs.add(st.temp().getParent());
                done.done(st.from(), st.target(), sig, st.announce());
            } catch (CompletionException e) {
                folder.problems().put(rel, Problems.Kind.APPLY_FAILED, e.getCause().getMessage());
                // writing or preparing it failed, which removed it already: no search for a moved temp file
                applier.removeTempIfPresent(st.temp());
                retries.failed(st.from(), st.target());
            } catch (LocalChangedException e) {
                folder.scanLater().accept(rel);
            } catch (IOException | RuntimeException e) {
                folder.problems().put(rel, Problems.Kind.APPLY_FAILED, e.getMessage());
                LOG.log(Level.WARNING, folder.name() + ": applying " + rel + " failed; tried again later", e);
                retries.failed(st.from(), st.target());
            }
        }
        try {
            if (together) {
                syncRenamesTogether(applier, dirs);
            } else {
                fsyncDirectories(applier, dirs);
            }
        } finally {
            applier.release(released); // before the finisher restores the directories' mtimes
        }
    }

    /** Writes (inline content) or prepares the temp file of {@code st}; fsyncs it when {@code fsync}. */
    private static void prepare(Applier applier, Staged st, boolean fsync) {
        try {
            if (st.inline() != null) { // removed again if that fails
                applier.writePreparedTemp(st.temp(), st.inline(), st.target(), fsync);
            } else {
                applier.prepare(st.temp(), st.target(), fsync);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small batch: each file prepared and fsynced side by side on the I/O pool (the fsyncs overlap). */
    private List<CompletableFuture<Void>> prepareEach(Applier applier, List<Staged> batch) {
        List<CompletableFuture<Void>> prepared = new ArrayList<>();
        for (Staged st : batch) {
            prepared.add(onPoolUnlessAlone(batch.size(), () -> prepare(applier, st, true)));
        }
        return prepared;
    }

    /**
     * A large batch (not fsynced file by file): one task per directory on the I/O pool, its files one
     * after the other, the directories side by side. Creating a file holds its directory's lock, so
     * eight threads creating in one directory only waited for each other, spinning on the lock (ext4:
     * 0.7 of the receiver's 13.5 CPU-s in a bulk copy of 10,000 files in 100 directories).
     */
    private List<CompletableFuture<Void>> prepareByDirectory(Applier applier, List<Staged> batch) {
        List<CompletableFuture<Void>> prepared = new ArrayList<>(batch.size());
        Map<Path, List<Integer>> byDirectory = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            prepared.add(new CompletableFuture<>());
            byDirectory.computeIfAbsent(batch.get(i).temp().getParent(), d -> new ArrayList<>()).add(i);
        }
        for (List<Integer> files : byDirectory.values()) {
            Runnable work = () -> {
                for (int i : files) {
                    try {
                        prepare(applier, batch.get(i), false);
                        prepared.get(i).complete(null);
                    } catch (RuntimeException | Error e) { // every future completes: the worker joins them all
                        prepared.get(i).completeExceptionally(e);
                    }
                }
            };
            if (byDirectory.size() > 1) {
                folder.ioPool().execute(work);
            } else {
                work.run(); // one directory: the worker would only wait for the pool
            }
        }
        return prepared;
    }

    /**
     * A large batch's temp files, all prepared (or failed), made durable together before any is
     * renamed; if that fails, none is installed (each is tried again later).
     */
    private void syncTempsTogether(Applier applier, List<Staged> batch, List<CompletableFuture<Void>> prepared) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            prepared.get(i).exceptionally(e -> null).join();
            dirs.add(batch.get(i).temp().getParent());
        }
        try {
            applier.syncFileSystems(dirs);
        } catch (IOException e) {
            for (int i = 0; i < batch.size(); i++) {
                prepared.set(i, CompletableFuture.failedFuture(new UncheckedIOException(e)));
            }
        }
    }

    /** A large batch's renames made durable together, in place of {@link #fsyncDirectories} (a failure is logged as there). */
    private void syncRenamesTogether(Applier applier, Set<Path> dirs) {
        try {
            applier.syncFileSystems(dirs);
        } catch (IOException e) {
            LOG.log(Level.WARNING, folder.name() + ": syncfs after installing a batch failed", e);
        }
    }

    /**
     * Makes the batch's renames durable: each directory touched is fsynced once, side by side on the
     * I/O pool (a batch of files spread over many directories would otherwise wait for one fsync
     * after another); returns when all are done. Called before the batch's index commit, so the index
     * never records a rename the disk may not hold.
     */
    private void fsyncDirectories(Applier applier, Set<Path> dirs) {
        List<CompletableFuture<Void>> syncs = new ArrayList<>();
        for (Path dir : dirs) {
            syncs.add(onPoolUnlessAlone(dirs.size(), () -> {
                try {
                    applier.fsyncDirectory(dir);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, folder.name() + ": fsync of directory " + dir + " failed", e);
                }
            }));
        }
        syncs.forEach(CompletableFuture::join);
    }

    /**
     * {@code work} on the fsync pool, side by side with the rest of its batch; a batch of one runs
     * here, on the worker, which would only wait for it: a lone file's install then costs no
     * hand-off to another thread and back (issue 13, the latency path).
     */
    private CompletableFuture<Void> onPoolUnlessAlone(int batchSize, Runnable work) {
        if (batchSize > 1) {
            return CompletableFuture.runAsync(work, folder.ioPool());
        }
        try {
            work.run();
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
