package io.syncnode.node.engine;

import io.syncnode.node.apply.LosingVersions;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FolderVerdict;
import io.syncnode.protocol.Plan;
import io.syncnode.protocol.VersionVector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code conflict-scope = "folder"}: records of a member that conflict with this node's wait
 * here ({@link FolderVerdict#defers}) until the member's full index has arrived, then one verdict
 * decides the whole folder between the two ({@link #decideFolder}). Keeps, per member, what each
 * side changed that the other has not (to score the sides), the remote versions a verdict of this
 * node won against, and the losing local versions already saved.
 *
 * <p>Of the two nodes, only the one {@link FolderVerdict#decides} makes the verdict: two verdicts
 * made on the two nodes see each other's index at different moments and can disagree (both keep
 * their side for good, or both take the other's under the same merged vector: either way the
 * trees never meet again). The decider that loses takes the other side's versions; the decider
 * that wins sends the other its versions of the contested paths ({@code IndexUpdate.verdict}),
 * and the other takes them as the loser ({@link #verdict}), saving its own first. The winner sends
 * them again when the loser's old versions come again (the verdict was lost, or the loser was
 * paused), so the verdict is carried out once both nodes are up.
 *
 * <p>Confined to the folder's worker thread.
 */
final class FolderScopeVerdicts {
    private static final Logger LOG = Logger.getLogger(FolderScopeVerdicts.class.getName());

    /**
     * What a folder-scope conflict needs from the folder: its policy and ranks, where the losing
     * versions are saved, and a way to ask a member for its whole index.
     */
    interface Folder {
        boolean localSideWins(List<FileRecord> local, List<FileRecord> remote);

        /** A new directory for the losing side's versions: {@code <state-dir>/conflicts/<folder>/<stamp>}. */
        Path saveDir(String winner) throws IOException;

        /** Asks {@code member} for its full index (both sides then decide on the same set). */
        void requestExchange(String member);

        /** Whether this node makes the folder verdict between itself and {@code member} ({@link FolderVerdict#decides}). */
        boolean decides(String member);

        /** Per peer (by name), this node's records dirty toward it now: what it changed that the peer has not. */
        Map<String, List<FileRecord>> dirtyTowardPeers();
    }

    /** The apply steps a verdict goes through (see {@link RemoteApplier}). */
    interface Steps extends ConflictOutcomes.Steps {
        /** Reconciles and applies one record by the ordinary per-path rules. */
        void applyOne(String from, Message.Announced a);

        /** Installs the files staged meanwhile. */
        void commitStaged();

        /** Sends {@code member} this node's versions of the paths of a verdict it won (committed first). */
        void sendVerdict(String member, List<Message.Announced> records);
    }

    /**
     * Per member, from a heal (or the start of its full-index exchange) to the end of its full index:
     * what each side changed that the other has not, by path (the newest record met), and which
     * paths its records named.
     */
    private static final class SideChanges {
        final Set<String> seen = new HashSet<>();
        final Map<String, FileRecord> localNewer = new LinkedHashMap<>();
        final Map<String, FileRecord> remoteNewer = new LinkedHashMap<>();
    }

    private final FolderContext folder;
    private final Folder scope;
    private final Steps steps;
    private final LosingVersions losers;
    /** Concurrent records, per member, waiting for a whole-folder verdict. */
    private final Map<String, LinkedHashMap<String, Message.Announced>> deferred = new HashMap<>();
    /** Per member, during its full-index exchange: the sides' changes and which paths its index named. */
    private final Map<String, SideChanges> sides = new HashMap<>();
    /** Remote versions a folder verdict of this node won against (path to version): decided for good. */
    private final Map<String, VersionVector> wonAgainst = new HashMap<>();
    /** Losing local versions already saved by a folder verdict (path to version), so a second member's verdict does not save them again. */
    private final Map<String, VersionVector> savedLosers = new HashMap<>();
    /**
     * Remote versions a lost verdict took (path to version): the same version met again while the
     * take's fetch still runs (the same verdict sent again, the winner's index in a later exchange)
     * is neither taken twice nor weighed again.
     */
    private final Map<String, VersionVector> taking = new HashMap<>();
    /** Members asked for their whole index since their last folder verdict. */
    private final Set<String> exchangeRequested = new HashSet<>();
    /**
     * Per peer, this node's records that were dirty toward it when the last partition healed: its
     * side's changes the peer had not, whether or not the peer takes them before its index comes
     * back here. Dropped at the end of the peer's next full index.
     */
    private final Map<String, List<FileRecord>> dirtyAtHeal = new HashMap<>();
    /** Members whose full index ended since the last heal (until then, all their batches are counted). */
    private final Set<String> fullSinceHeal = new HashSet<>();
    private boolean healed;

    FolderScopeVerdicts(FolderContext folder, Folder scope, Steps steps) {
        this.folder = folder;
        this.scope = scope;
        this.steps = steps;
        this.losers = new LosingVersions(folder.applier());
    }

    /**
     * A partition healed: what this node changed that each peer has not is noted now, and every
     * batch of a member counts toward the sides until its full index has come. So the verdict
     * weighs each side's changes whatever took them across first: this node's change that the
     * member took (from our index or our dirty records) before it sent its own index, a member's
     * change this node took from its dirty records before its index came.
     */
    void healed() {
        healed = true;
        fullSinceHeal.clear();
        dirtyAtHeal.clear();
        dirtyAtHeal.putAll(scope.dirtyTowardPeers());
    }

    /**
     * A batch from {@code from} starts; a full one (its index), or any after a heal until its index
     * has come, counts the sides' changes.
     */
    void batchStarts(String from, Message.IndexUpdate update) {
        if (update.full() || healed && !fullSinceHeal.contains(from)) {
            sides.computeIfAbsent(from, k -> new SideChanges());
        }
    }

    /** A record of {@code from} is reconciled: counted for the side that changed it during a full exchange. */
    void seen(String from, FileRecord remote) {
        SideChanges changes = sides.get(from);
        if (changes == null) {
            return;
        }
        changes.seen.add(remote.path());
        StoredFile mine = folder.buffer().current(remote.path());
        switch (FolderVerdict.newer(mine == null ? null : mine.record(), remote)) {
            case REMOTE -> changes.remoteNewer.put(remote.path(), remote);
            case LOCAL -> changes.localNewer.put(remote.path(), mine.record());
            case NEITHER -> { }
        }
    }

    /** True when {@code a} waits for the folder verdict instead of being applied by {@code plan}. */
    boolean defer(String from, Message.Announced a, Plan plan, StoredFile cur) {
        if (!FolderVerdict.defers(plan, cur == null ? null : cur.record(), a.record())) {
            return false;
        }
        deferred.computeIfAbsent(from, k -> new LinkedHashMap<>()).put(a.record().path(), a);
        return true;
    }

    /**
     * A batch from {@code from} was applied: the end of its full index decides the folder if records
     * wait; records waiting after an ordinary batch ask the member for its full index (once).
     */
    void batchApplied(String from, Message.IndexUpdate update) {
        if (update.full() && update.last()) {
            forgetSettled();
            SideChanges changes = sides.remove(from);
            List<FileRecord> ours = dirtyAtHeal.remove(from);
            if (healed) {
                fullSinceHeal.add(from);
            }
            if (deferred.containsKey(from)) {
                decideFolder(from, changes, ours == null ? List.of() : ours);
            }
        } else if (!update.full() && deferred.containsKey(from) && exchangeRequested.add(from)) {
            scope.requestExchange(from);
        }
    }

    /**
     * The whole-folder verdict between this node and {@code from}, over every path whose versions
     * are concurrent between them, made here only when this node {@link Folder#decides}: when it
     * loses, it takes the winner's version of each ({@link #lose}); when it wins, it sends {@code
     * from} its versions of them, which {@code from} takes ({@link #verdict}). Records still
     * deferred at a node that does not decide are dropped: the decider's verdict brings them again.
     *
     * @param oursAtHeal this node's records dirty toward {@code from} when the partition healed
     */
    private void decideFolder(String from, SideChanges changes, List<FileRecord> oursAtHeal) {
        LinkedHashMap<String, Message.Announced> waiting = deferred.remove(from);
        exchangeRequested.remove(from);
        boolean deciding = scope.decides(from);
        List<FileRecord> mine = new ArrayList<>();
        List<Message.Announced> theirs = new ArrayList<>();
        List<FileRecord> wonBefore = new ArrayList<>();
        for (Message.Announced a : waiting.values()) {
            StoredFile cur = folder.buffer().current(a.record().path());
            FileRecord local = cur == null ? null : cur.record();
            switch (FolderVerdict.classify(local, a.record(), wonAgainst.get(a.record().path()),
                    taking.get(a.record().path()))) {
                // a verdict this node won already covered this remote version (it came again: the
                // loser has not taken ours yet, e.g. the verdict was lost): it stays decided, and the
                // loser is sent our versions again
                case WON_ALREADY -> wonBefore.add(local);
                // a verdict this node lost is taking this remote version (its fetch runs): weighed
                // again now, without the changes counted from the heal, the verdict could turn
                case LOST_ALREADY -> { }
                case CONTESTED -> {
                    mine.add(local);
                    theirs.add(a);
                }
                case ORDINARY -> steps.applyOne(from, a); // no longer concurrent: the ordinary rules apply
            }
        }
        if (!deciding) {
            // the member makes this verdict: it sends its versions when it wins, or takes ours
            if (!mine.isEmpty()) {
                LOG.fine(() -> folder.name() + ": " + mine.size() + " path(s) concurrent with " + from
                        + "; its folder verdict settles them");
            }
            return;
        }
        if (mine.isEmpty()) {
            sendVerdict(from, wonBefore);
            return;
        }
        // each side is scored on everything it changed that the other has not: the concurrent
        // paths, the paths where it is newer, and the paths only it has ("find on both sides"),
        // each path once
        Map<String, FileRecord> mySide = new LinkedHashMap<>();
        Map<String, FileRecord> theirSide = new LinkedHashMap<>();
        mine.forEach(r -> mySide.put(r.path(), r));
        theirs.forEach(a -> theirSide.put(a.record().path(), a.record()));
        for (FileRecord r : oursAtHeal) {
            StoredFile now = folder.buffer().current(r.path());
            mySide.putIfAbsent(r.path(), now == null ? r : now.record());
        }
        if (changes != null) {
            changes.localNewer.values().forEach(r -> mySide.putIfAbsent(r.path(), r));
            changes.remoteNewer.values().forEach(r -> theirSide.putIfAbsent(r.path(), r));
            folder.store().forEach(folder.name(), f -> {
                if (!changes.seen.contains(f.record().path())) {
                    mySide.putIfAbsent(f.record().path(), f.record());
                }
            });
        }
        boolean win = scope.localSideWins(new ArrayList<>(mySide.values()), new ArrayList<>(theirSide.values()));
        LOG.warning(() -> folder.name() + ": folder-scope conflict with " + from + " over " + mine.size()
                + " path(s): " + (win ? "this node's side wins the folder" : from + "'s side wins the folder"));
        if (win) {
            mine.forEach(r -> folder.split().concurrent(r.path(), "kept-local"));
            theirs.forEach(a -> wonAgainst.put(a.record().path(), a.record().version()));
            List<FileRecord> ours = new ArrayList<>(mine);
            ours.addAll(wonBefore);
            sendVerdict(from, ours);
            return;
        }
        lose(from, mine, theirs);
        sendVerdict(from, wonBefore);
    }

    /**
     * Forgets what past verdicts noted about paths they have settled: a remote version won against
     * or being taken that the local version now covers (the loser took ours, or our take was
     * installed: {@link FolderVerdict#classify} never looks at it again, and local versions only
     * grow), a losing version saved that is no longer the local one. Run at the end of each full
     * index and at each verdict received, so the notes of a split over many paths do not stay for
     * the node's lifetime; a note still needed (a take whose fetch runs, a loser that has not taken
     * ours yet) stays.
     */
    private void forgetSettled() {
        wonAgainst.entrySet().removeIf(e -> localCovers(e.getKey(), e.getValue()));
        taking.entrySet().removeIf(e -> localCovers(e.getKey(), e.getValue()));
        savedLosers.entrySet().removeIf(e -> {
            StoredFile cur = folder.buffer().current(e.getKey());
            return cur == null || !cur.record().version().equals(e.getValue());
        });
    }

    private boolean localCovers(String path, VersionVector remote) {
        StoredFile cur = folder.buffer().current(path);
        return cur != null && cur.record().version().covers(remote);
    }

    /** How many notes past verdicts hold (won against, taking, saved losers): for tests. */
    int notesHeld() {
        return wonAgainst.size() + taking.size() + savedLosers.size();
    }

    /** Tells {@code member} the verdict this node won: our versions of those paths, which it takes. */
    private void sendVerdict(String member, List<FileRecord> ours) {
        if (!ours.isEmpty()) {
            steps.sendVerdict(member, ours.stream().map(r -> new Message.Announced(r, null)).toList());
        }
    }

    /**
     * {@code from} decided the folder verdict between us and won: {@code records} are its versions of
     * the contested paths. Those still concurrent with ours and contested are taken as by a verdict
     * this node lost; the others go by the ordinary rules.
     */
    void verdict(String from, List<Message.Announced> records) {
        forgetSettled();
        LinkedHashMap<String, Message.Announced> waiting = deferred.get(from);
        List<FileRecord> mine = new ArrayList<>();
        List<Message.Announced> theirs = new ArrayList<>();
        for (Message.Announced a : records) {
            if (waiting != null) {
                waiting.remove(a.record().path());
            }
            StoredFile cur = folder.buffer().current(a.record().path());
            FileRecord local = cur == null ? null : cur.record();
            switch (FolderVerdict.classify(local, a.record(), null, taking.get(a.record().path()))) {
                case CONTESTED -> {
                    mine.add(local);
                    theirs.add(a);
                }
                case LOST_ALREADY -> { } // the same verdict sent again while its take's fetch runs
                case WON_ALREADY, ORDINARY -> steps.applyOne(from, a);
            }
        }
        if (waiting != null && waiting.isEmpty()) {
            deferred.remove(from);
        }
        if (!mine.isEmpty()) {
            LOG.warning(() -> folder.name() + ": folder-scope conflict with " + from + " over " + mine.size()
                    + " path(s): " + from + "'s side wins the folder (its verdict)");
            lose(from, mine, theirs);
        }
    }

    /**
     * This node's side lost the folder to {@code from}: its versions of the contested paths ({@code
     * mine}) are saved under {@code <state-dir>/conflicts/<folder>/<stamp>/}, then it takes the
     * winner's ({@code theirs}) under the merged vector bumped by this node (a version no other
     * node's take can equal), and announces them.
     */
    private void lose(String from, List<FileRecord> mine, List<Message.Announced> theirs) {
        // several members of the winning side may each reach this verdict before the versions taken
        // from the first one are applied: the losing versions are saved once
        List<FileRecord> unsaved = mine.stream()
                .filter(r -> !r.version().equals(savedLosers.get(r.path()))).toList();
        Path saved = null;
        try {
            if (!unsaved.isEmpty()) {
                saved = scope.saveDir(from);
                for (FileRecord r : unsaved) {
                    losers.save(r, saved);
                    savedLosers.put(r.path(), r.version());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.SEVERE, folder.name() + ": cannot save this node's losing versions under " + saved
                    + "; not overwriting them (the conflict is retried at the next exchange)", e);
            return;
        }
        long now = folder.clock().instant().getEpochSecond();
        for (Message.Announced a : theirs) {
            FileRecord remoteRecord = a.record();
            StoredFile cur = folder.buffer().current(remoteRecord.path());
            folder.split().concurrent(remoteRecord.path(), "took-remote");
            taking.put(remoteRecord.path(), remoteRecord.version());
            try {
                steps.take(from, remoteRecord.withVersion(cur.record().version().merge(remoteRecord.version())
                        .bump(folder.selfId(), now), remoteRecord.modifiedBy()), a.inlineContent(), cur, true);
            } catch (IOException | RuntimeException e) {
                taking.remove(remoteRecord.path()); // not under way: the next exchange takes it
                folder.problems().put(remoteRecord.path(), Problems.Kind.APPLY_FAILED, e.getMessage());
                folder.scanLater().accept(remoteRecord.path());
            }
        }
        steps.commitStaged();
    }
}
