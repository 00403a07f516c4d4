package io.syncnode.node.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.syncnode.node.apply.Applier;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.apply.LocalChangedException;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.ApplyIntent;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.AcceptFilter;
import io.syncnode.protocol.ContentRoute;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.FolderType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.Plan;
import io.syncnode.protocol.Reconciler;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out what the {@link Reconciler} decides for announced records: acknowledges, merges
 * versions, or applies the remote entry. Where a regular file's content comes from is the pure
 * {@link ContentRoute}'s decision: the local entry itself (metadata-only change), inline in the
 * announcement, a local file with the same hash (renames, copies), or a fetch from the announcing
 * node (a delta against the local basis, or the whole file); {@link RegularContent} carries it out.
 *
 * <p>Confined to the folder's worker thread; finished transfers come back to it through the
 * worker. Its parts: fetching is {@link FetchQueue}'s, installing staged and fetched files
 * together is {@link StagedInstalls}'s, putting directory times and hard-link groups right after
 * the node's writes is {@link ApplyFinisher}'s, conflict copies and settling open conflicts are
 * {@link ConflictOutcomes}', and folder-scope verdicts are {@link FolderScopeVerdicts}'.
 */
final class RemoteApplier implements FolderScopeVerdicts.Steps {
    private static final Logger LOG = Logger.getLogger(RemoteApplier.class.getName());
    private final FolderContext folder;
    private final IndexBuffer buffer;
    private final Applier applier;
    private final Reconciler reconciler;
    private final ApplyRetries retries;
    private final FetchQueue fetches;
    /** Directory times and hard-link groups after the node's own writes. */
    private final ApplyFinisher finisher;
    private final StagedInstalls staged;
    private final ConflictOutcomes outcomes;
    /** Where a regular file's content comes from, carried out. */
    private final RegularContent regular;
    /** Whether a remote change is applied at all ({@code type}, {@code [folder.accept]}). */
    private final RemoteTrust trust;
    /** {@code conflict-scope = "folder"}: records wait there for a whole-folder verdict; null: file scope. */
    private final FolderScopeVerdicts folderScope;
    /**
     * When each path's latest remote change was taken up, until it is applied (for the apply-latency
     * histogram; only while someone wants it). Bounded: a change that is never applied (superseded,
     * refused, a conflict) leaves its entry until the next change of the path, the size bound or the hour.
     */
    private final Cache<String, Long> takenUp = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofHours(1)).executor(Runnable::run).build(); // upkeep here (see RowCache)

    /**
     * @param scope the folder-scope conflict settings, or null for file scope
     * @param scripts runs the folder's script for a conflict this node settles
     */
    RemoteApplier(FolderContext folder, Reconciler reconciler, Fetcher fetcher, FetchQueue.Space space,
                  ApplyRetries retries, FolderScopeVerdicts.Folder scope, Consumer<StoredConflict> scripts,
                  int maxConflictCopies) {
        this(folder, reconciler, fetcher, space, retries, scope, scripts, maxConflictCopies,
                new RemoteTrust(folder.name(), FolderType.SEND_RECEIVE, AcceptFilter.ALL, folder.counters(),
                        folder.problems(), folder.clock()));
    }

    /** @param trust whether a remote change is applied at all (the folder's type and accept filter) */
    RemoteApplier(FolderContext folder, Reconciler reconciler, Fetcher fetcher, FetchQueue.Space space,
                  ApplyRetries retries, FolderScopeVerdicts.Folder scope, Consumer<StoredConflict> scripts,
                  int maxConflictCopies, RemoteTrust trust) {
        this.folder = folder;
        this.trust = trust;
        this.buffer = folder.buffer();
        this.applier = folder.applier();
        this.reconciler = reconciler;
        this.retries = retries;
        this.finisher = new ApplyFinisher(folder.name(), buffer, applier, folder.scanLater(), folder.problems());
        this.staged = new StagedInstalls(folder, finisher, retries, target -> fetches().handOver(target),
                this::installed);
        this.fetches = new FetchQueue(folder.name(), buffer, applier, fetcher, folder.worker().remoteSide(),
                folder::guard, folder.scanLater(), folder.problems(), space, new FetchQueue.Commit() {
                    @Override
                    public void fetched(String from, FileRecord target, Path temp, boolean announce) {
                        staged.fetched(from, target, temp, announce);
                    }

                    @Override
                    public void removedTemp(String rel) {
                        staged.removedTemp(rel);
                    }
                });
        this.regular = new RegularContent(folder, finisher, fetches, staged, this::done);
        this.outcomes = new ConflictOutcomes(folder, reconciler.policy(), maxConflictCopies, scripts, this);
        this.folderScope = scope == null ? null : new FolderScopeVerdicts(folder, scope, this);
    }

    private FetchQueue fetches() {
        return fetches;
    }

    /** Settling open conflicts (see {@link ConflictSettler}). */
    ConflictOutcomes outcomes() {
        return outcomes;
    }

    /** Shutdown: removes the partial results of interrupted transfers (temp files in the folder). */
    void discardPartials() {
        fetches.discardPartials();
    }

    /** Fetches running or queued. */
    int pendingFetches() {
        return fetches.pending();
    }

    /** Any thread: what the folder still has to fetch, and the pace (see {@link FetchNeed}). */
    StatusView.Need need() {
        return fetches.need();
    }

    /** A partition healed (see {@link FolderScopeVerdicts#healed}). */
    void healed() {
        if (folderScope != null) {
            folderScope.healed();
        }
    }

    /** How many notes the folder-scope verdicts hold (see {@link FolderScopeVerdicts#notesHeld}): for tests. */
    int verdictNotesHeld() {
        return folderScope == null ? 0 : folderScope.notesHeld();
    }

    /** See {@link ApplyFinisher#finish}. */
    void finishApplies() {
        finisher.finish();
    }

    /** Reconciles and applies one batch: live records in path order, then tombstones children first. */
    void applyUpdate(String from, Message.IndexUpdate update) {
        if (folderScope != null) {
            folderScope.batchStarts(from, update);
        }
        List<Message.Announced> live = new ArrayList<>();
        List<Message.Announced> deletes = new ArrayList<>();
        for (Message.Announced a : update.files()) {
            (a.record().deleted() ? deletes : live).add(a);
            if (a.inlineContent() != null) {
                folder.counters().inlineBytesReceived.addAndGet(a.inlineContent().length);
            }
        }
        live.sort(Comparator.comparing(a -> a.record().path()));
        deletes.sort(Comparator.comparing((Message.Announced a) -> a.record().path()).reversed());
        if (update.files().size() > 1) {
            // the batch reads each path's row several times (plan, journal, install): fetched in a few queries
            folder.store().prefetch(folder.name(), update.files().stream().map(a -> a.record().path()).toList());
        }
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
            folderScope.batchApplied(from, update);
        }
        buffer.intentsDone(journalled);
        finisher.finish();
        buffer.flush();
    }

    /**
     * {@code from} decided the folder verdict between us and won ({@code IndexUpdate.verdict}):
     * its versions of the contested paths, taken as the losing side ({@link FolderScopeVerdicts#verdict}).
     * A record this node ignores, or would not take from {@code from} ({@link RemoteTrust}: a
     * send-only folder, the accept filter), is acknowledged and left as for an ordinary batch. Without folder scope here (the two configs
     * differ) the records are an ordinary batch.
     */
    void applyVerdict(String from, List<Message.Announced> records) {
        if (folderScope == null) {
            applyUpdate(from, new Message.IndexUpdate(folder.name(), records, false));
            return;
        }
        List<Message.Announced> admitted = new ArrayList<>();
        for (Message.Announced a : records) {
            FileRecord remote = a.record();
            // judged as the take it asks for (a send-only folder takes nothing; the accept filter applies)
            if (folder.ignored().test(remote.path(), remote.type() == FileType.DIRECTORY)
                    || !trust.admits(from, remote, new Plan.TakeRemote(remote, true, false))) {
                buffer.ack(from, remote.path(), remote.version());
            } else {
                admitted.add(a);
            }
        }
        folderScope.verdict(from, admitted);
        commitStaged();
        finisher.finish();
        buffer.flush();
    }

    /** Our versions of the paths of a folder verdict this node won, to {@code member}, once committed. */
    @Override
    public void sendVerdict(String member, List<Message.Announced> records) {
        buffer.flush();
        buffer.sendVerdict(member, records);
    }

    /**
     * Journals the versions this batch is about to write (committed before any write): a crash
     * between a write and the flush that records it then leaves a row that tells the next start whose
     * version the entry is (see {@link JournalRecovery}). Returns the journalled paths. Fetched
     * content is journalled again at its install.
     */
    private List<String> journal(List<Message.Announced> records) {
        List<ApplyIntent> intents = new ArrayList<>();
        for (Message.Announced a : records) {
            StoredFile cur = buffer.current(a.record().path());
            if (reconciler.plan(cur == null ? null : cur.record(), a.record()) instanceof Plan.TakeRemote t
                    && trust.wouldApply(t.target())) {
                intents.add(new ApplyIntent(folder.name(), t.target(), t.concurrent()));
            }
        }
        buffer.journal(intents);
        staged.journalled(intents);
        return intents.stream().map(i -> i.record().path()).toList();
    }

    /** Installs the files staged so far (see {@link StagedInstalls#commitStaged}). */
    @Override
    public void commitStaged() {
        staged.commitStaged();
    }

    /** Reconciles one announced record and carries out the plan. */
    @Override
    public void applyOne(String from, Message.Announced a) {
        FileRecord remote = a.record();
        String rel = remote.path();
        if (folder.counters().applyLatencyWanted()) {
            takenUp.put(rel, System.nanoTime());
        }
        if (folderScope != null) {
            folderScope.seen(from, remote);
        }
        if (folder.ignored().test(rel, remote.type() == FileType.DIRECTORY)) {
            buffer.ack(from, rel, remote.version());
            return;
        }
        StoredFile cur = buffer.current(rel);
        Plan plan = reconciler.plan(cur == null ? null : cur.record(), remote);
        if (!trust.admits(from, remote, plan)) {
            buffer.ack(from, rel, remote.version()); // judged: counted and logged; a later version is judged again
            return;
        }
        if (plan instanceof Plan.TakeRemote && RelativePath.parentRecord(rel) != null) {
            finisher.touched(RelativePath.parentRecord(rel)); // temp files come and go there, applied or not
        }
        if (folderScope != null && folderScope.defer(from, a, plan, cur)) {
            return;
        }
        plan.match(new PlanExecution(from, a, cur));
    }

    /** Carries out one record's plan: one method per kind, so a new kind of plan does not compile here. */
    private final class PlanExecution implements Plan.Cases<Void> {
        private final String from;
        private final Message.Announced a;
        private final String rel;
        private final StoredFile cur;

        PlanExecution(String from, Message.Announced a, StoredFile cur) {
            this.from = from;
            this.a = a;
            this.rel = a.record().path();
            this.cur = cur;
        }

        @Override
        public Void acknowledge(Plan.Acknowledge plan) {
            buffer.ack(from, rel, cur.record().version());
            return null;
        }

        @Override
        public Void mergeVersions(Plan.MergeVersions m) {
            folder.split().concurrent(rel, "merged");
            buffer.put(new IndexBuffer.Put(m.merged(), cur.stat(), true, from, null, false));
            buffer.ack(from, rel, m.merged().version());
            return null;
        }

        @Override
        public Void keepLocal(Plan.KeepLocal plan) {
            folder.split().concurrent(rel, "kept-local");
            LOG.info(() -> folder.name() + ": conflict on " + rel + ": this node's version wins over " + from
                    + "'s; the loser takes it");
            return null;
        }

        @Override
        public Void conflict(Plan.Conflict c) {
            outcomes.openConflict(from, c.remote(), false);
            return null;
        }

        @Override
        public Void runScript(Plan.RunScript c) {
            outcomes.openConflict(from, c.remote(), true);
            return null;
        }

        @Override
        public Void takeRemote(Plan.TakeRemote t) {
            if (t.concurrent()) {
                folder.split().concurrent(rel, t.keepLocalCopy() ? "kept-both" : "took-remote");
                LOG.info(() -> folder.name() + ": conflict on " + rel + ": taking " + from + "'s version"
                        + (t.keepLocalCopy() ? ", keeping this node's as a conflict copy" : ""));
            }
            try {
                StoredFile now = cur;
                if (t.keepLocalCopy()) {
                    outcomes.keepConflictCopy(cur.record());
                    now = buffer.current(rel);
                }
                take(from, t.target(), a.inlineContent(), now, t.concurrent());
            } catch (LocalChangedException e) {
                LOG.finest(() -> folder.name() + ": " + NameCodec.display(rel) + " changed here meanwhile; not applied");
                folder.scanLater().accept(rel);
            } catch (DirectoryNotEmptyException e) {
                folder.problems().put(rel, Problems.Kind.DIRECTORY_NOT_EMPTY, e.getMessage());
                folder.scanLater().accept(rel);
            } catch (IOException | RuntimeException e) {
                folder.problems().put(rel, Problems.Kind.APPLY_FAILED, e.getMessage());
                LOG.log(Level.WARNING, folder.name() + ": applying " + rel + " from " + from
                        + " failed; tried again later", e);
                retries.failed(from, t.target());
            }
            return null;
        }
    }

    static StatSignature expectedOf(StoredFile cur) {
        return cur == null || cur.record().deleted() ? null : cur.stat();
    }

    /** Makes {@code target} the local version; a regular file's content by its route ({@link RegularContent}). */
    @Override
    public void take(String from, FileRecord target, byte[] inline, StoredFile cur, boolean announce)
            throws IOException {
        String rel = target.path();
        StatSignature expected = expectedOf(cur);
        if (target.deleted()) {
            applier.delete(rel, expected, target);
            done(from, target, null, announce);
            return;
        }
        switch (target.type()) {
            case DIRECTORY -> done(from, target, applier.applyDirectory(rel, target, expected), announce);
            case SYMLINK -> done(from, target, applier.applySymlink(rel, target, expected), announce);
            case REGULAR -> regular.take(from, target, inline, cur, expected, announce);
            default -> done(from, target, applier.applySpecial(rel, target, expected), announce);
        }
    }

    /**
     * Records an applied version. {@code announce}: it is the merged version of a conflict this
     * node lost, which nobody else knows yet, so it is announced and made dirty toward every peer.
     */
    @Override
    public void done(String from, FileRecord target, StatSignature stat, boolean announce) {
        done(from, target, stat, announce, false);
    }

    /**
     * As {@link #done}, for a file installed from a temp file this node created: a new inode,
     * whose only name is the target, so no other name of it has a ctime to refresh (one index
     * query less per file received).
     */
    private void installed(String from, FileRecord target, StatSignature stat, boolean announce) {
        done(from, target, stat, announce, true);
    }

    private void done(String from, FileRecord target, StatSignature stat, boolean announce, boolean newInode) {
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
        Long taken = takenUp.asMap().remove(target.path());
        folder.counters().applied(taken == null ? -1 : System.nanoTime() - taken);
        folder.actions().remoteChanged(target.path(), target.type() == FileType.DIRECTORY);
        folder.problems().clear(target.path());
        folder.local().unchanged(target.path());
        if (prev != null && prev.stat() != null && (stat == null || stat.ino() != prev.stat().ino())) {
            finisher.refreshOtherNames(prev.stat(), target.path()); // the old inode lost a name: its ctime moved
        }
        if (stat != null && target.type() == FileType.REGULAR && !newInode) {
            finisher.refreshOtherNames(stat, target.path()); // a name added to an inode moves its ctime too
        }
        if (stat != null && stat.isUnsettled() && target.type() != FileType.DIRECTORY) {
            // changed here right after the write: a version of its own (a directory is looked at
            // with the events of the entries that moved it, see Applier#written)
            folder.scanLater().accept(target.path());
        }
    }
}
