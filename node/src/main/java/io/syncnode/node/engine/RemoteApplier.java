package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.apply.LocalChangedException;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.ConflictCopyName;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.Plan;
import io.syncnode.protocol.Reconciler;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out what the {@link Reconciler} decides for announced records: acknowledges, merges
 * versions, or applies the remote entry. Content comes, in order of preference, from the local
 * entry itself (metadata-only change), inline in the announcement, a local file with the same hash
 * (renames, copies), or a fetch from the announcing node as a delta against the local basis.
 * Fetches run in two lanes, so that large files never hold up small ones; a large interrupted
 * transfer keeps its partial result as the head of the next attempt's basis.
 *
 * <p>Confined to the folder's worker thread; finished transfers come back to it through
 * {@code worker}. Fetching itself is {@link FetchQueue}'s, putting directory times and hard-link
 * groups right after the node's writes is {@link ApplyFinisher}'s; this class keeps the rest of
 * carrying out a plan together (about 750 lines), including the conflict outcomes (copies,
 * settling, folder-scope verdicts), because they all share the apply steps and the index buffer.
 */
final class RemoteApplier {
    private static final Logger LOG = Logger.getLogger(RemoteApplier.class.getName());
    private final String folder;
    private final IndexBuffer buffer;
    private final SqliteIndexStore store;
    private final Applier applier;
    private final Reconciler reconciler;
    private final Fetcher fetcher;
    private final Executor worker;
    private final BiFunction<String, FolderSync.Step, Runnable> guard;
    private final BiPredicate<String, Boolean> ignored;
    private final Consumer<String> scanLater;
    private final Map<String, String> problems;
    private final NodeCounters counters;
    private final SplitBrainLog split;
    private final Consumer<StoredConflict> scripts;
    private final LongFunction<String> nodeName;
    private final Clock clock;
    private final int maxConflictCopies;
    private final long selfId;
    private final Executor ioPool;
    private final FetchQueue fetches;
    /** conflict-scope = "folder": concurrent records wait here, per member, for a whole-folder verdict. */
    private final FolderScope folderScope;
    private final Map<String, LinkedHashMap<String, Message.Announced>> deferred = new HashMap<>();
    /**
     * Per member, during its full-index exchange: what each side changed that the other has not
     * (for scoring the sides of a folder-scope verdict), and which paths the member's index named.
     */
    private final Map<String, SideChanges> sides = new HashMap<>();

    private static final class SideChanges {
        final java.util.Set<String> seen = new java.util.HashSet<>();
        final List<FileRecord> localNewer = new ArrayList<>();
        final List<FileRecord> remoteNewer = new ArrayList<>();
    }

    /** Remote versions a folder verdict of this node won against (path to version): decided for good. */
    private final Map<String, VersionVector> wonAgainst = new HashMap<>();

    /** Losing local versions already saved by a folder verdict (path to version), so a second member's verdict does not save them again. */
    private final Map<String, VersionVector> savedLosers = new HashMap<>();

    /** Members asked for their whole index since their last folder verdict. */
    private final java.util.Set<String> exchangeRequested = new java.util.HashSet<>();

    /** Directory times and hard-link groups after the node's own writes. */
    private final ApplyFinisher finisher;

    /** Small files of the current batch, written to temp files, waiting for {@link #commitStaged}. */
    private final List<Staged> staged = new ArrayList<>();
    /** A step that installs fetched files is queued on the worker (see {@link #installSoon}). */
    private boolean installQueued;

    /** {@code fetched}: the content came by fetch, the version to install is asked from the fetch queue. */
    private record Staged(String from, FileRecord target, Path temp, boolean announce, boolean fetched) {
    }

    /** A version being fetched, and whether to announce it once applied (see {@link #done}). */
    private record Wanted(FileRecord target, boolean announce) {
    }

    private final ApplyRetries retries;
    RemoteApplier(String folder, IndexBuffer buffer, SqliteIndexStore store, Applier applier, Reconciler reconciler,
                  Fetcher fetcher, Executor worker, BiFunction<String, FolderSync.Step, Runnable> guard,
                  BiPredicate<String, Boolean> ignored, Consumer<String> scanLater, Map<String, String> problems,
                  NodeCounters counters, SplitBrainLog split, Consumer<StoredConflict> scripts,
                  LongFunction<String> nodeName, Clock clock, int maxConflictCopies, long selfId, Executor ioPool,
                  FolderScope folderScope, FetchQueue.Space space, ApplyRetries retries) {
        this.folder = folder;
        this.buffer = buffer;
        this.store = store;
        this.applier = applier;
        this.reconciler = reconciler;
        this.fetcher = fetcher;
        this.worker = worker;
        this.guard = guard;
        this.ignored = ignored;
        this.scanLater = scanLater;
        this.problems = problems;
        this.counters = counters;
        this.split = split;
        this.scripts = scripts;
        this.nodeName = nodeName;
        this.clock = clock;
        this.maxConflictCopies = maxConflictCopies;
        this.selfId = selfId;
        this.ioPool = ioPool;
        this.folderScope = folderScope;
        this.retries = retries;
        this.finisher = new ApplyFinisher(folder, buffer, applier, scanLater, problems);
        this.fetches = new FetchQueue(folder, buffer, applier, fetcher, worker, guard, scanLater, problems, space,
                new FetchQueue.Commit() {
                    @Override
                    public void fetched(String from, FileRecord target, Path temp, boolean announce) {
                        RemoteApplier.this.fetched(from, target, temp, announce);
                    }

                    @Override
                    public void removedTemp(String rel) {
                        RemoteApplier.this.removedTemp(rel);
                    }
                });
    }


    /**
     * What a folder-scope conflict needs from the folder: its policy and ranks, where the losing
     * versions are saved, and a way to ask a member for its whole index. Null: file scope.
     */
    interface FolderScope {
        boolean localSideWins(List<FileRecord> local, List<FileRecord> remote);

        /** A new directory for the losing side's versions: {@code <state-dir>/conflicts/<folder>/<stamp>}. */
        Path saveDir(String winner) throws IOException;

        /** Asks {@code member} for its full index (both sides then decide on the same set). */
        void requestExchange(String member);
    }

    /** Shutdown: removes the partial results of interrupted transfers (temp files in the folder). */
    void discardPartials() {
        fetches.discardPartials();
    }

    /** Fetches running or queued. */
    int pendingFetches() {
        return fetches.pending();
    }

    /** Reconciles and applies one batch: live records in path order, then tombstones children first. */
    void applyUpdate(String from, Message.IndexUpdate update) {
        if (folderScope != null && update.full()) {
            sides.computeIfAbsent(from, k -> new SideChanges());
        }
        List<Message.Announced> live = new ArrayList<>();
        List<Message.Announced> deletes = new ArrayList<>();
        for (Message.Announced a : update.files()) {
            (a.record().deleted() ? deletes : live).add(a);
            if (a.inlineContent() != null) {
                counters.inlineBytesReceived.addAndGet(a.inlineContent().length);
            }
        }
        live.sort(Comparator.comparing(a -> a.record().path()));
        deletes.sort(Comparator.comparing((Message.Announced a) -> a.record().path()).reversed());
        List<String> journalled = journal(update.files());
        for (Message.Announced a : live) {
            buffer.checkStopping();
            applyOne(from, a);
        }
        commitStaged();
        for (Message.Announced a : deletes) {
            buffer.checkStopping();
            applyOne(from, a);
        }
        if (folderScope != null) {
            if (update.full() && update.last()) {
                SideChanges changes = sides.remove(from);
                if (deferred.containsKey(from)) {
                    decideFolder(from, changes);
                }
            } else if (!update.full() && deferred.containsKey(from) && exchangeRequested.add(from)) {
                folderScope.requestExchange(from);
            }
        }
        buffer.intentsDone(journalled);
        finisher.finish();
        buffer.flush();
    }

    /**
     * Journals the versions this batch is about to write (committed before any write): a crash
     * between a write and the flush that records it then leaves a row that tells the next start whose
     * version the entry is (see {@link JournalRecovery}). Returns the journalled paths. Fetched
     * content is journalled again at its install.
     */
    private List<String> journal(List<Message.Announced> records) {
        List<io.syncnode.node.index.ApplyIntent> intents = new ArrayList<>();
        for (Message.Announced a : records) {
            StoredFile cur = buffer.current(a.record().path());
            if (reconciler.plan(cur == null ? null : cur.record(), a.record()) instanceof Plan.TakeRemote t) {
                intents.add(new io.syncnode.node.index.ApplyIntent(folder, t.target(), t.concurrent()));
            }
        }
        buffer.journal(intents);
        return intents.stream().map(i -> i.record().path()).toList();
    }

    /** See {@link ApplyFinisher#finish}. */
    void finishApplies() {
        finisher.finish();
    }

    /**
     * The whole-folder verdict between this node and {@code from}, over every path whose versions
     * are concurrent between them: the losing side takes the winner's version of each (its own are
     * saved first under {@code <state-dir>/conflicts/<folder>/<stamp>/}); the winning side does
     * nothing (the loser announces what it took).
     */
    private void decideFolder(String from, SideChanges changes) {
        LinkedHashMap<String, Message.Announced> waiting = deferred.remove(from);
        exchangeRequested.remove(from);
        List<FileRecord> mine = new ArrayList<>();
        List<Message.Announced> theirs = new ArrayList<>();
        for (Message.Announced a : waiting.values()) {
            StoredFile cur = buffer.current(a.record().path());
            if (cur != null && a.record().version().equals(wonAgainst.get(a.record().path()))
                    && cur.record().version().compare(a.record().version()) == VersionVector.Ordering.CONCURRENT) {
                // a verdict this node won already covered this remote version (it came again, e.g.
                // in a later exchange from the same side): it stays decided; the loser takes ours
                continue;
            }
            if (cur != null && cur.record().version().compare(a.record().version())
                    == VersionVector.Ordering.CONCURRENT && Reconciler.contested(cur.record(), a.record())) {
                mine.add(cur.record());
                theirs.add(a);
            } else {
                applyOne(from, a); // no longer concurrent: the ordinary rules apply
            }
        }
        if (mine.isEmpty()) {
            return;
        }
        // each side is scored on everything it changed that the other has not: the concurrent
        // paths, the paths where it is newer, and the paths only it has ("find on both sides")
        List<FileRecord> mySide = new ArrayList<>(mine);
        List<FileRecord> theirSide = new ArrayList<>(theirs.stream().map(Message.Announced::record).toList());
        if (changes != null) {
            mySide.addAll(changes.localNewer);
            theirSide.addAll(changes.remoteNewer);
            store.forEach(folder, f -> {
                if (!changes.seen.contains(f.record().path())) {
                    mySide.add(f.record());
                }
            });
        }
        // directories are settled per path; their mtimes (when entries changed) are no side's content
        mySide.removeIf(r -> !r.deleted() && r.type() == FileType.DIRECTORY);
        theirSide.removeIf(r -> !r.deleted() && r.type() == FileType.DIRECTORY);
        boolean win = folderScope.localSideWins(mySide, theirSide);
        LOG.warning(() -> folder + ": folder-scope conflict with " + from + " over " + mine.size()
                + " path(s): " + (win ? "this node's side wins the folder" : from + "'s side wins the folder"));
        if (win) {
            mine.forEach(r -> split.concurrent(r.path(), "kept-local"));
            theirs.forEach(a -> wonAgainst.put(a.record().path(), a.record().version()));
            return;
        }
        // several members of the winning side may each reach this verdict before the versions taken
        // from the first one are applied: the losing versions are saved once
        List<FileRecord> unsaved = mine.stream()
                .filter(r -> !r.version().equals(savedLosers.get(r.path()))).toList();
        Path saved = null;
        try {
            if (!unsaved.isEmpty()) {
                saved = folderScope.saveDir(from);
                for (FileRecord r : unsaved) {
                    saveLosing(r, saved);
                    savedLosers.put(r.path(), r.version());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.SEVERE, folder + ": cannot save this node's losing versions under " + saved
                    + "; not overwriting them (the conflict is retried at the next exchange)", e);
            return;
        }
        for (Message.Announced a : theirs) {
            FileRecord remoteRecord = a.record();
            StoredFile cur = buffer.current(remoteRecord.path());
            split.concurrent(remoteRecord.path(), "took-remote");
            try {
                take(from, remoteRecord.withVersion(cur.record().version().merge(remoteRecord.version()),
                        remoteRecord.modifiedBy()), a.inlineContent(), cur, true);
            } catch (IOException | RuntimeException e) {
                problems.put(remoteRecord.path(), "apply failed: " + e.getMessage());
                scanLater.accept(remoteRecord.path());
            }
        }
        commitStaged();
    }

    /** Copies one losing local version (file or link) into the folder conflict's save directory. */
    private void saveLosing(FileRecord r, Path saved) throws IOException {
        if (r.deleted() || (r.type() != FileType.REGULAR && r.type() != FileType.SYMLINK)) {
            return;
        }
        Path src = applier.resolve(r.path());
        Path dst = io.syncnode.node.os.PathBytes.under(saved, r.path());
        Files.createDirectories(dst.getParent());
        if (r.type() == FileType.SYMLINK) {
            io.syncnode.node.os.NativeFs.symlink(io.syncnode.node.os.NativeFs.readlink(src), dst);
        } else {
            Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * A fetched file, complete in {@code temp}: installed together with the others that finish
     * meanwhile (one step on the worker: parallel fsyncs, one fsync per directory, one index
     * commit), or with the next batch of announced records if that comes first.
     */
    private void fetched(String from, FileRecord target, Path temp, boolean announce) {
        staged.add(new Staged(from, target, temp, announce, true));
        installSoon();
    }

    /**
     * A fetch's temp file was removed (failed, superseded, already applied): the directory's mtime
     * is put back with the next install step.
     */
    private void removedTemp(String rel) {
        finisher.touched(RelativePath.parentRecord(rel));
        installSoon();
    }

    /** Queues one worker step that installs the staged files and finishes the node's writes. */
    private void installSoon() {
        if (!installQueued) {
            installQueued = true;
            worker.execute(guard.apply("installing fetched files", () -> {
                installQueued = false;
                commitStaged();
                finisher.finish();
                buffer.flush();
            }));
        }
    }

    /**
     * Installs the batch's small files: their temp files are fsynced in parallel on the I/O pool
     * (the file system commits them together), then renamed over their targets in path order, then
     * each directory touched is fsynced once. A file whose target changed locally meanwhile is not
     * installed (it is rescanned instead).
     */
    private void commitStaged() {
        if (staged.isEmpty()) {
            return;
        }
        List<Staged> batch = new ArrayList<>(staged);
        staged.clear();
        buffer.journal(batch.stream().map(st -> new io.syncnode.node.index.ApplyIntent(folder, st.target(),
                st.announce())).toList());
        buffer.intentsDone(batch.stream().map(st -> st.target().path()).toList());
        List<CompletableFuture<Void>> prepared = new ArrayList<>();
        for (Staged st : batch) {
            prepared.add(CompletableFuture.runAsync(() -> {
                try {
                    applier.prepare(st.temp(), st.target());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, ioPool));
        }
        java.util.Set<Path> dirs = new java.util.LinkedHashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            Staged st = batch.get(i);
            String rel = st.target().path();
            finisher.touched(RelativePath.parentRecord(rel)); // its temp file comes and goes there, installed or not
            boolean prepareAgain = false;
            if (st.fetched()) {
                FetchQueue.Wanted w = fetches.handOver(st.target());
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
                StatSignature sig = applier.install(rel, st.temp(), st.target(), expectedOf(cur));
                dirs.add(st.temp().getParent());
                done(st.from(), st.target(), sig, st.announce());
            } catch (java.util.concurrent.CompletionException e) {
                problems.put(rel, "apply failed: " + e.getCause().getMessage());
                applier.discardTemp(st.temp());
                retries.failed(st.from(), st.target());
            } catch (LocalChangedException e) {
                scanLater.accept(rel);
            } catch (IOException | RuntimeException e) {
                problems.put(rel, "apply failed: " + e.getMessage());
                LOG.log(Level.WARNING, folder + ": applying " + rel + " failed; tried again later", e);
                retries.failed(st.from(), st.target());
            }
        }
        for (Path dir : dirs) {
            try {
                Applier.fsyncDirectory(dir);
            } catch (IOException e) {
                LOG.log(Level.WARNING, folder + ": fsync of directory " + dir + " failed", e);
            }
        }
    }

    private void applyOne(String from, Message.Announced a) {
        FileRecord remote = a.record();
        String rel = remote.path();
        SideChanges changes = folderScope == null ? null : sides.get(from);
        if (changes != null) {
            changes.seen.add(rel);
            StoredFile mine = buffer.current(rel);
            VersionVector.Ordering o = mine == null ? VersionVector.Ordering.BEFORE
                    : mine.record().version().compare(remote.version());
            if (o == VersionVector.Ordering.BEFORE) {
                changes.remoteNewer.add(remote);
            } else if (o == VersionVector.Ordering.AFTER) {
                changes.localNewer.add(mine.record());
            }
        }
        if (ignored.test(rel, remote.type() == FileType.DIRECTORY)) {
            buffer.ack(from, rel, remote.version());
            return;
        }
        StoredFile cur = buffer.current(rel);
        Plan plan = reconciler.plan(cur == null ? null : cur.record(), remote);
        if (plan instanceof Plan.TakeRemote && RelativePath.parentRecord(rel) != null) {
            finisher.touched(RelativePath.parentRecord(rel)); // temp files come and go there, applied or not
        }
        boolean directories = cur != null && !cur.record().deleted() && cur.record().type() == FileType.DIRECTORY
                && !remote.deleted() && remote.type() == FileType.DIRECTORY;
        // two directories (their mtimes after both sides wrote entries in them) are settled per path:
        // they carry no content a folder verdict should weigh
        if (folderScope != null && !directories && (plan instanceof Plan.KeepLocal
                || (plan instanceof Plan.TakeRemote t && t.concurrent()))) {
            deferred.computeIfAbsent(from, k -> new LinkedHashMap<>()).put(rel, a);
            return;
        }
        if (plan instanceof Plan.Acknowledge) {
            buffer.ack(from, rel, cur.record().version());
        } else if (plan instanceof Plan.MergeVersions m) {
            split.concurrent(rel, "merged");
            buffer.put(new IndexBuffer.Put(m.merged(), cur.stat(), true, from, null, false));
            buffer.ack(from, rel, m.merged().version());
        } else if (plan instanceof Plan.KeepLocal) {
            split.concurrent(rel, "kept-local");
            LOG.info(() -> folder + ": conflict on " + rel + ": this node's version wins over " + from
                    + "'s; the loser takes it");
        } else if (plan instanceof Plan.Conflict c) {
            openConflict(from, c.remote(), false);
        } else if (plan instanceof Plan.RunScript c) {
            openConflict(from, c.remote(), true);
        } else if (plan instanceof Plan.TakeRemote t) {
            if (t.concurrent()) {
                split.concurrent(rel, t.keepLocalCopy() ? "kept-both" : "took-remote");
                LOG.info(() -> folder + ": conflict on " + rel + ": taking " + from + "'s version"
                        + (t.keepLocalCopy() ? ", keeping this node's as a conflict copy" : ""));
            }
            try {
                if (t.keepLocalCopy()) {
                    keepConflictCopy(cur.record());
                    cur = buffer.current(rel);
                }
                take(from, t.target(), a.inlineContent(), cur, t.concurrent());
            } catch (LocalChangedException e) {
                LOG.finest(() -> folder + ": " + NameCodec.display(rel) + " changed here meanwhile; not applied");
                scanLater.accept(rel);
            } catch (DirectoryNotEmptyException e) {
                problems.put(rel, "directory not empty: kept (it holds entries the delete did not cover)");
                scanLater.accept(rel);
            } catch (IOException | RuntimeException e) {
                problems.put(rel, "apply failed: " + e.getMessage());
                LOG.log(Level.WARNING, folder + ": applying " + rel + " from " + from + " failed; tried again later",
                        e);
                retries.failed(from, t.target());
            }
        }
    }

    // ------------------------------------------------------------------ settling open conflicts

    /** A version of {@code path} that dominates both sides of its open conflict, made by this node now. */
    private VersionVector settled(String path, StoredFile cur) {
        StoredConflict c = buffer.conflict(path);
        VersionVector v = cur == null ? VersionVector.EMPTY : cur.record().version();
        if (c != null) {
            v = v.merge(c.remote().version());
        }
        return v.bump(selfId, clock.instant().getEpochSecond());
    }

    /** Settles the conflict of {@code path} for the local version: same content, a dominating version. */
    void resolveKeepLocal(String path) {
        StoredFile cur = buffer.current(path);
        if (cur == null) {
            throw new IllegalStateException(path + " has no local version");
        }
        FileRecord r = cur.record().withVersion(settled(path, cur), selfId);
        buffer.put(new IndexBuffer.Put(r, cur.stat(), true, null, null, true));
        LOG.info(() -> folder + ": conflict on " + path + " settled: keeping this node's version");
    }

    /**
     * Settles the conflict of {@code path} with {@code content} (a version's record; a tombstone
     * deletes) whose bytes are in {@code file} (regular files), under a dominating version.
     */
    void resolveWith(String path, FileRecord content, Path file) throws IOException {
        StoredFile cur = buffer.current(path);
        FileRecord target = content.withVersion(settled(path, cur), selfId);
        StatSignature expected = expectedOf(cur);
        if (target.deleted() || target.type() != FileType.REGULAR) {
            take(null, target, null, cur, true);
        } else {
            Path temp = applier.createTemp(path);
            try {
                Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
                verify(temp, target);
                done(null, target, applier.commitFile(path, temp, target, expected), true);
            } finally {
                Fetcher.discard(temp);
            }
        }
        LOG.info(() -> folder + ": conflict on " + path + " settled: keeping the version of "
                + nodeName.apply(content.modifiedBy()));
    }

    /** Settles the conflict of {@code path} with merged content from {@code file} (local metadata, mtime now). */
    void resolveMerged(String path, Path file) throws IOException {
        StoredFile cur = buffer.current(path);
        FileRecord base = cur != null && !cur.record().deleted() ? cur.record() : buffer.conflict(path).remote();
        byte[] bytes = Files.readAllBytes(file);
        ContentHash hash = ContentHash.of(EntryReader.sha256().digest(bytes));
        long now = clock.instant().getEpochSecond() * 1_000_000_000L + clock.instant().getNano();
        FileRecord merged = new FileRecord(path, FileType.REGULAR, base.mode(), base.uid(), base.gid(), now,
                bytes.length, hash, null, 0, base.version(), false, selfId);
        resolveWith(path, merged, file);
    }

    /**
     * Settles the conflict of {@code path} keeping both: the newer version keeps the path, the
     * other is written beside it as a conflict copy ({@code remoteFile}: the remote version's bytes).
     */
    void resolveBoth(String path, Path remoteFile) throws IOException {
        StoredFile cur = buffer.current(path);
        FileRecord remote = buffer.conflict(path).remote();
        boolean remoteNewer = cur == null || cur.record().deleted() || remote.mtimeNs() > cur.record().mtimeNs()
                || (remote.mtimeNs() == cur.record().mtimeNs() && remote.modifiedBy() > cur.record().modifiedBy());
        if (remoteNewer) {
            if (cur != null && !cur.record().deleted()) {
                keepConflictCopy(cur.record());
            }
            resolveWith(path, remote, remoteFile);
        } else {
            if (!remote.deleted() && remote.type() == FileType.REGULAR) {
                Path target = applier.resolve(path);
                Path copy = io.syncnode.node.os.PathBytes.resolve(target.getParent(), NameCodec.encode(
                        ConflictCopyName.of(RelativePath.name(path), remote.mtimeNs(), nodeName.apply(remote.modifiedBy()))));
                if (!Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) {
                    pruneConflictCopies(target, maxConflictCopies - 1);
                    Path temp = applier.createTemp(path);
                    try {
                        Files.copy(remoteFile, temp, StandardCopyOption.REPLACE_EXISTING);
                        Files.setAttribute(temp, "unix:mode", remote.mode(), LinkOption.NOFOLLOW_LINKS);
                        Files.setLastModifiedTime(temp, java.nio.file.attribute.FileTime.from(remote.mtimeNs(),
                                java.util.concurrent.TimeUnit.NANOSECONDS));
                        Files.move(temp, copy, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Fetcher.discard(temp);
                    }
                    String parent = RelativePath.parent(path);
                    String copyName = io.syncnode.node.os.PathBytes.name(copy);
                    scanLater.accept(parent.isEmpty() ? copyName : parent + "/" + copyName);
                }
            }
            resolveKeepLocal(path);
        }
    }

    /** Records an open conflict (manual, or script); {@code run}: this node runs the script. */
    private void openConflict(String from, FileRecord remote, boolean run) {
        String rel = remote.path();
        StoredConflict old = buffer.conflict(rel);
        if (old == null || !old.remote().version().equals(remote.version())) {
            split.concurrent(rel, run || reconciler.policy() == io.syncnode.protocol.ConflictPolicy.SCRIPT
                    ? "script" : "manual");
            LOG.warning(() -> folder + ": conflict on " + rel + " with " + from + "'s version: "
                    + (run ? "running the folder's script" : "left for `syncnode resolve`"));
            StoredConflict c = new StoredConflict(folder, remote, from, clock.instant());
            buffer.putConflict(c);
            if (run) {
                scripts.accept(c);
            }
        }
    }

    /**
     * {@code keep-both}: keeps the losing local content beside the path as
     * {@code NAME.sync-conflict-YYYYMMDD-HHMMSS-NODE.EXT} (a copy with its mode and mtime, or the
     * same link), pruning the oldest copies beyond the folder's limit. The copy is a new local file,
     * scanned and synced like any other.
     */
    private void keepConflictCopy(FileRecord loser) throws IOException {
        Path target = applier.resolve(loser.path());
        String name = ConflictCopyName.of(RelativePath.name(loser.path()), loser.mtimeNs(),
                nodeName.apply(loser.modifiedBy()));
        Path copy = io.syncnode.node.os.PathBytes.resolve(target.getParent(), NameCodec.encode(name));
        if (Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        pruneConflictCopies(target, maxConflictCopies - 1);
        if (loser.type() == FileType.SYMLINK) {
            io.syncnode.node.os.NativeFs.symlink(io.syncnode.node.os.NativeFs.readlink(target), copy);
        } else {
            Files.copy(target, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        String parent = RelativePath.parent(loser.path());
        scanLater.accept(parent.isEmpty() ? name : parent + "/" + name);
    }

    private static void pruneConflictCopies(Path target, int keep) throws IOException {
        String name = io.syncnode.node.os.PathBytes.name(target);
        List<Path> copies;
        try (var list = Files.list(target.getParent())) {
            copies = list.filter(p -> ConflictCopyName.isCopyOf(io.syncnode.node.os.PathBytes.name(p), name))
                    .sorted(Comparator.comparing((Path p) -> io.syncnode.node.os.PathBytes.name(p).replaceAll(
                            ".*\\.sync-conflict-(\\d{8}-\\d{6}).*", "$1")))
                    .toList();
        }
        for (int i = 0; i < copies.size() - keep; i++) {
            Files.deleteIfExists(copies.get(i));
        }
    }

    static StatSignature expectedOf(StoredFile cur) {
        return cur == null || cur.record().deleted() ? null : cur.stat();
    }

    /** Makes {@code target} the local version. Content comes inline, from a local copy, or by fetch. */
    private void take(String from, FileRecord target, byte[] inline, StoredFile cur, boolean announce)
            throws IOException {
        String rel = target.path();
        StatSignature expected = expectedOf(cur);
        if (target.deleted()) {
            applier.delete(rel, expected);
            done(from, target, null, announce);
            return;
        }
        switch (target.type()) {
            case DIRECTORY -> done(from, target, applier.applyDirectory(rel, target, expected), announce);
            case SYMLINK -> done(from, target, applier.applySymlink(rel, target, expected), announce);
            case REGULAR -> takeRegular(from, target, inline, cur, expected, announce);
            default -> done(from, target, applier.applySpecial(rel, target, expected), announce);
        }
    }

    /**
     * Records an applied version. {@code announce}: it is the merged version of a conflict this
     * node lost, which nobody else knows yet, so it is announced and made dirty toward every peer.
     */
    void done(String from, FileRecord target, StatSignature stat, boolean announce) {
        applier.settled(target.path());
        retries.succeeded(target.path());
        fetches.settled(target.path(), target.deleted() ? null : target.hash());
        String parent = RelativePath.parentRecord(target.path());
        if (parent != null) {
            finisher.touched(parent);
        }
        StoredFile prev = buffer.current(target.path());
        if (!target.deleted() && target.type() == FileType.REGULAR) {
            finisher.checkLinks(target.path());
        }
        buffer.put(announce ? new IndexBuffer.Put(target, stat, true, null, null, true)
                : IndexBuffer.Put.taken(target, stat));
        if (from != null) {
            buffer.ack(from, target.path(), target.version());
        }
        counters.filesApplied.incrementAndGet();
        problems.remove(target.path());
        if (prev != null && prev.stat() != null && (stat == null || stat.ino() != prev.stat().ino())) {
            finisher.refreshOtherNames(prev.stat(), target.path()); // the old inode lost a name: its ctime moved
        }
        if (stat != null && target.type() == FileType.REGULAR) {
            finisher.refreshOtherNames(stat, target.path()); // a name added to an inode moves its ctime too
        }
        if (stat != null && stat.isUnsettled() && target.type() != FileType.DIRECTORY) {
            // changed here right after the write: a version of its own (a directory is looked at
            // with the events of the entries that moved it, see Applier#written)
            scanLater.accept(target.path());
        }
    }

    private void takeRegular(String from, FileRecord target, byte[] inline, StoredFile cur, StatSignature expected,
                             boolean announce) throws IOException {
        String rel = target.path();
        if (target.hardLink() != null) {
            StoredFile first = buffer.current(target.hardLink());
            if (first != null && !first.record().deleted() && first.record().type() == FileType.REGULAR
                    && first.stat() != null && target.hash().equals(first.record().hash())) {
                Optional<EntryReader.Lstat> now = EntryReader.lstat(applier.resolve(first.record().path()));
                Optional<EntryReader.Lstat> mine = cur == null || cur.stat() == null ? Optional.empty()
                        : EntryReader.lstat(applier.resolve(rel));
                if (now.isPresent() && now.get().signature().equals(first.stat())) {
                    if (mine.isPresent() && mine.get().signature().ino() == now.get().signature().ino()) {
                        done(from, target, applier.applyMetadata(rel, target, expected), announce);
                    } else {
                        done(from, target, finisher.linkTo(target, first, expected), announce);
                    }
                    return;
                }
            }
        }
        if (cur != null && !cur.record().deleted() && cur.record().type() == FileType.REGULAR
                && target.hash().equals(cur.record().hash())) {
            done(from, target, applier.applyMetadata(rel, target, expected), announce);
            return;
        }
        if (inline != null) {
            if (inline.length != target.size()
                    || !ContentHash.of(EntryReader.sha256().digest(inline)).equals(target.hash())) {
                throw new IOException("inline content of " + rel + " does not match its hash; not applied");
            }
            Path temp = applier.createTemp(rel);
            try {
                Files.write(temp, inline);
            } catch (IOException | RuntimeException e) {
                Fetcher.discard(temp);
                throw e;
            }
            staged.add(new Staged(from, target, temp, announce, false));
            return;
        }
        Optional<StoredFile> local = store.findLiveByHash(folder, target.hash());
        if (local.isPresent() && copyLocal(local.get(), from, target, expected, announce)) {
            return;
        }
        fetches.enqueue(from, target, announce);
    }

    /** Copies the content from another local file with the same hash (renames, copies): no bytes on the wire. */
    private boolean copyLocal(StoredFile source, String from, FileRecord target, StatSignature expected,
                              boolean announce) throws IOException {
        Path src;
        try {
            src = applier.resolve(source.record().path());
        } catch (IOException e) {
            return false;
        }
        Optional<EntryReader.Lstat> st = EntryReader.lstat(src);
        if (st.isEmpty() || !st.get().signature().equals(source.stat())) {
            return false;
        }
        Path temp = applier.createTemp(target.path());
        try {
            try (InputStream in = Files.newInputStream(src, LinkOption.NOFOLLOW_LINKS);
                 java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(temp, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new io.syncnode.node.os.SparseOutput(ch)) {
                in.transferTo(out);
            }
            try {
                verify(temp, target);
            } catch (IOException e) {
                return false;
            }
            done(from, target, applier.commitFile(target.path(), temp, target, expected), announce);
            return true;
        } finally {
            Fetcher.discard(temp);
        }
    }

    private static void verify(Path temp, FileRecord target) throws IOException {
        MessageDigest sha = EntryReader.sha256();
        long n = 0;
        try (InputStream in = Files.newInputStream(temp)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                sha.update(buf, 0, r);
                n += r;
            }
        }
        if (n != target.size() || !ContentHash.of(sha.digest()).equals(target.hash())) {
            throw new IOException("content of " + target.path() + " does not match its hash; not applied");
        }
    }

}
