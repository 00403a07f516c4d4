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
    }

    /** The apply steps a verdict goes through (see {@link RemoteApplier}). */
    interface Steps extends ConflictOutcomes.Steps {
        /** Reconciles and applies one record by the ordinary per-path rules. */
        void applyOne(String from, Message.Announced a);

        /** Installs the files staged meanwhile. */
        void commitStaged();
    }

    /** Per member, during its full-index exchange: what each side changed that the other has not. */
    private static final class SideChanges {
        final Set<String> seen = new HashSet<>();
        final List<FileRecord> localNewer = new ArrayList<>();
        final List<FileRecord> remoteNewer = new ArrayList<>();
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
    /** Members asked for their whole index since their last folder verdict. */
    private final Set<String> exchangeRequested = new HashSet<>();

    FolderScopeVerdicts(FolderContext folder, Folder scope, Steps steps) {
        this.folder = folder;
        this.scope = scope;
        this.steps = steps;
        this.losers = new LosingVersions(folder.applier());
    }

    /** A batch from {@code from} starts; a full one (its index) starts counting the sides' changes. */
    void batchStarts(String from, Message.IndexUpdate update) {
        if (update.full()) {
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
            case REMOTE -> changes.remoteNewer.add(remote);
            case LOCAL -> changes.localNewer.add(mine.record());
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
            SideChanges changes = sides.remove(from);
            if (deferred.containsKey(from)) {
                decideFolder(from, changes);
            }
        } else if (!update.full() && deferred.containsKey(from) && exchangeRequested.add(from)) {
            scope.requestExchange(from);
        }
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
            StoredFile cur = folder.buffer().current(a.record().path());
            FileRecord local = cur == null ? null : cur.record();
            switch (FolderVerdict.classify(local, a.record(), wonAgainst.get(a.record().path()))) {
                // a verdict this node won already covered this remote version (it came again, e.g.
                // in a later exchange from the same side): it stays decided; the loser takes ours
                case WON_ALREADY -> { }
                case CONTESTED -> {
                    mine.add(local);
                    theirs.add(a);
                }
                case ORDINARY -> steps.applyOne(from, a); // no longer concurrent: the ordinary rules apply
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
            folder.store().forEach(folder.name(), f -> {
                if (!changes.seen.contains(f.record().path())) {
                    mySide.add(f.record());
                }
            });
        }
        boolean win = scope.localSideWins(mySide, theirSide);
        LOG.warning(() -> folder.name() + ": folder-scope conflict with " + from + " over " + mine.size()
                + " path(s): " + (win ? "this node's side wins the folder" : from + "'s side wins the folder"));
        if (win) {
            mine.forEach(r -> folder.split().concurrent(r.path(), "kept-local"));
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
        for (Message.Announced a : theirs) {
            FileRecord remoteRecord = a.record();
            StoredFile cur = folder.buffer().current(remoteRecord.path());
            folder.split().concurrent(remoteRecord.path(), "took-remote");
            try {
                steps.take(from, remoteRecord.withVersion(cur.record().version().merge(remoteRecord.version()),
                        remoteRecord.modifiedBy()), a.inlineContent(), cur, true);
            } catch (IOException | RuntimeException e) {
                folder.problems().put(remoteRecord.path(), Problems.Kind.APPLY_FAILED, e.getMessage());
                folder.scanLater().accept(remoteRecord.path());
            }
        }
        steps.commitStaged();
    }
}
