package io.syncnode.protocol;

import java.util.Comparator;

/**
 * Turns (local record, remote record, folder policy) into a {@link Plan}.
 *
 * <p>Implementation notes. Pure and deterministic: every node that sees the same pair reaches
 * the same plan without talking, because every tie is broken by data both records carry (mtime,
 * the id of the node that made the version compared as signed longs, the content hash, then the
 * remaining metadata). When the
 * versions are concurrent, the plan's record carries the merged vector, which dominates both:
 * the winner's node re-announces its entry under it, the loser takes the winner's entry under it,
 * and afterwards both hold EQUAL versions, so the exchange ends (no loop).
 *
 * <p>Concurrent versions of the same entry (equal type, content and metadata) merge silently:
 * no false conflicts. A delete against a modification is settled by {@link DeleteConflict}.
 * Content conflicts pick a winner by the folder's {@link ConflictPolicy}: {@code newest},
 * {@code oldest}, {@code bigger}, {@code smaller}. The policies that keep or hand over the losing
 * version ({@code keep-both}, {@code manual}, {@code script}, {@code priority}) are settled by the
 * conflict engine; here they pick the same winner as {@code newest}, so the tree converges either
 * way.
 */
public final class Reconciler {
    private final ConflictPolicy policy;
    private final DeleteConflict deleteConflict;

    public Reconciler(ConflictPolicy policy, DeleteConflict deleteConflict) {
        this.policy = policy;
        this.deleteConflict = deleteConflict;
    }

    /** @param local the local record, or null when this node knows nothing of the path */
    public Plan plan(FileRecord local, FileRecord remote) {
        if (local == null) {
            return new Plan.TakeRemote(remote, false);
        }
        return switch (local.version().compare(remote.version())) {
            case EQUAL, AFTER -> new Plan.Acknowledge();
            case BEFORE -> new Plan.TakeRemote(remote, false);
            case CONCURRENT -> concurrent(local, remote);
        };
    }

    private Plan concurrent(FileRecord local, FileRecord remote) {
        VersionVector merged = local.version().merge(remote.version());
        if (local.sameEntry(remote)) {
            long by = Math.max(local.modifiedBy(), remote.modifiedBy());
            FileRecord base = by == local.modifiedBy() ? local : remote;
            return new Plan.MergeVersions(base.withVersion(merged, by));
        }
        boolean localWins = localWins(local, remote);
        return localWins
                ? new Plan.KeepLocal(local.withVersion(merged, local.modifiedBy()))
                : new Plan.TakeRemote(remote.withVersion(merged, remote.modifiedBy()), true);
    }

    /** True when the local record wins the conflict; false when the remote one does. */
    boolean localWins(FileRecord local, FileRecord remote) {
        if (local.deleted() != remote.deleted()) {
            boolean keepModified = deleteConflict == DeleteConflict.KEEP_MODIFIED;
            return local.deleted() ? !keepModified : keepModified;
        }
        return winnerOrder().compare(local, remote) > 0;
    }

    /**
     * Orders records so that the winner is the greater one. Total on any two records that are not
     * {@link FileRecord#sameEntry the same entry}: after the policy's own key it compares mtime,
     * the author's id, the content hash, then every remaining metadata field, so two versions that
     * differ only in mode or owner still have exactly one winner on every node.
     */
    Comparator<FileRecord> winnerOrder() {
        Comparator<FileRecord> primary = switch (policy) {
            case OLDEST -> Comparator.comparingLong(FileRecord::mtimeNs).reversed();
            case BIGGER -> Comparator.comparingLong(FileRecord::size);
            case SMALLER -> Comparator.comparingLong(FileRecord::size).reversed();
            default -> Comparator.comparingLong(FileRecord::mtimeNs);
        };
        return primary.thenComparingLong(FileRecord::mtimeNs)
                .thenComparingLong(FileRecord::modifiedBy)
                .thenComparing(r -> r.hash() == null ? "" : r.hash().hex())
                .thenComparingInt(r -> r.type().ordinal())
                .thenComparingInt(FileRecord::mode)
                .thenComparingInt(FileRecord::uid)
                .thenComparingInt(FileRecord::gid)
                .thenComparing(r -> r.symlinkTarget() == null ? "" : r.symlinkTarget())
                .thenComparingLong(FileRecord::rdev)
                .thenComparingLong(FileRecord::size);
    }
}
