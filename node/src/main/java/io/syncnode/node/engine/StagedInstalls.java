package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.apply.LocalChangedException;
import io.syncnode.node.index.ApplyIntent;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.trace.Hops;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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

    /** {@code fetched}: the content came by fetch, the version to install is asked from the fetch queue. */
    private record Staged(String from, FileRecord target, Path temp, boolean announce, boolean fetched) {
    }

    /** Records an installed version (see {@link RemoteApplier#done}). */
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

    /** A small file of the current batch, complete in {@code temp}: installed with the batch. */
    void stage(String from, FileRecord target, Path temp, boolean announce) {
        Hops.mark(Hops.Hop.STAGED, target.path());
        staged.add(new Staged(from, target, temp, announce, false));
    }

    /**
     * A fetched file, complete in {@code temp}: installed together with the others that finish
     * meanwhile (one step on the worker: parallel fsyncs, one fsync per directory, one index
     * commit), or with the next batch of announced records if that comes first.
     */
    void fetched(String from, FileRecord target, Path temp, boolean announce) {
        staged.add(new Staged(from, target, temp, announce, true));
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
            return;
        }
        Applier applier = folder.applier();
        IndexBuffer buffer = folder.buffer();
        List<Staged> batch = new ArrayList<>(staged);
        staged.clear();
        buffer.journal(batch.stream().map(st -> new ApplyIntent(folder.name(), st.target(), st.announce())).toList());
        buffer.intentsDone(batch.stream().map(st -> st.target().path()).toList());
        if (Hops.on()) {
            Hops.markAll(Hops.Hop.JOURNALED, batch.stream().map(st -> st.target().path()).toList());
        }
        List<CompletableFuture<Void>> prepared = new ArrayList<>();
        for (Staged st : batch) {
            prepared.add(CompletableFuture.runAsync(() -> {
                try {
                    applier.prepare(st.temp(), st.target());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, folder.ioPool()));
        }
        Set<Path> dirs = new LinkedHashSet<>();
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
                st = new Staged(st.from(), w.target(), st.temp(), st.announce() || w.announce(), true);
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
                StatSignature sig = applier.install(rel, st.temp(), st.target(), RemoteApplier.expectedOf(cur));
                Hops.mark(Hops.Hop.INSTALLED, rel);
                dirs.add(st.temp().getParent());
                done.done(st.from(), st.target(), sig, st.announce());
            } catch (CompletionException e) {
                folder.problems().put(rel, Problems.Kind.APPLY_FAILED, e.getCause().getMessage());
                applier.discardTemp(st.temp());
                retries.failed(st.from(), st.target());
            } catch (LocalChangedException e) {
                folder.scanLater().accept(rel);
            } catch (IOException | RuntimeException e) {
                folder.problems().put(rel, Problems.Kind.APPLY_FAILED, e.getMessage());
                LOG.log(Level.WARNING, folder.name() + ": applying " + rel + " failed; tried again later", e);
                retries.failed(st.from(), st.target());
            }
        }
        for (Path dir : dirs) {
            try {
                applier.fsyncDirectory(dir);
            } catch (IOException e) {
                LOG.log(Level.WARNING, folder.name() + ": fsync of directory " + dir + " failed", e);
            }
        }
    }
}
