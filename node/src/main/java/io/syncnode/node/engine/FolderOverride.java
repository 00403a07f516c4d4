package io.syncnode.node.engine;

import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FolderType;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.VersionVector;
import io.syncnode.node.index.StoredFile;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * {@code override --folder F}: this node's tree wins the whole folder on every member (csync2
 * {@code -f}, Syncthing's "Override Changes"). Given the members' records of the folder (asked just
 * before, after a rescan here), every path where a member's version differs from this node's gets
 * a new version of this node's entry that dominates every version seen: this node's content and
 * metadata where it has the entry, a tombstone where it has none. Announced as local changes, they
 * replace or remove what differs on the members (each keeps what it replaces as its
 * {@code versions} setting says) and are never a conflict there. Paths only this node has reach
 * the members the usual way. Confined to the folder's worker.
 */
public final class FolderOverride {
    private static final Logger LOG = Logger.getLogger(FolderOverride.class.getName());

    /** What an override re-versioned: entries of this node that now win, and tombstones made. */
    public record Result(long replaced, long removed) {
    }

    private final FolderContext folder;

    FolderOverride(FolderContext folder) {
        this.folder = folder;
    }

    /** Queues the override on the folder's worker; refused for a receive-only folder. */
    static CompletableFuture<Result> submit(FolderContext folder, FolderType type, List<List<FileRecord>> theirs,
                                            Runnable flush) {
        if (!type.announces()) {
            return CompletableFuture.failedFuture(new IllegalStateException("folder " + folder.name() + " is"
                    + " receive-only on this node: its tree cannot win the folder (`syncnode revert` takes the"
                    + " cluster's instead)"));
        }
        return folder.worker().submit(() -> {
            Result r = new FolderOverride(folder).apply(theirs);
            flush.run();
            return r;
        });
    }

    /** Re-versions every path where {@code theirs} (each member's records) differ from this node's. */
    Result apply(List<List<FileRecord>> theirs) {
        Map<String, VersionVector> seen = new TreeMap<>();
        Map<String, FileRecord> anyLive = new TreeMap<>();
        Map<String, Boolean> differs = new TreeMap<>();
        for (List<FileRecord> member : theirs) {
            for (FileRecord r : member) {
                seen.merge(r.path(), r.version(), VersionVector::merge);
                if (!r.deleted()) {
                    anyLive.putIfAbsent(r.path(), r);
                }
                StoredFile mine = folder.buffer().current(r.path());
                if (mine == null ? !r.deleted() : !mine.record().version().equals(r.version())) {
                    differs.put(r.path(), true);
                }
            }
        }
        long now = folder.clock().instant().getEpochSecond();
        long replaced = 0;
        long removed = 0;
        for (String path : differs.keySet()) {
            StoredFile mine = folder.buffer().current(path);
            VersionVector base = mine == null ? seen.get(path) : mine.record().version().merge(seen.get(path));
            VersionVector winning = base.bump(folder.selfId(), now);
            if (mine != null && !mine.record().deleted()) {
                folder.buffer().put(IndexBuffer.Put.local(mine.record().withVersion(winning, folder.selfId()),
                        mine.stat(), null));
                replaced++;
            } else if (!path.equals(RelativePath.ROOT)) {
                FileRecord gone = mine != null ? mine.record() : anyLive.get(path);
                folder.buffer().put(IndexBuffer.Put.local(gone.asDeleted(winning, folder.selfId()), null, null));
                removed++;
            }
        }
        long r = replaced;
        long d = removed;
        LOG.warning(() -> folder.name() + ": override by the operator: this node's version wins on " + r
                + " path(s) that differed on the members, " + d + " path(s) they have and this node has not are"
                + " removed everywhere");
        return new Result(replaced, removed);
    }
}
