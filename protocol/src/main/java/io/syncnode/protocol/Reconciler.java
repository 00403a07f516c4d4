package io.syncnode.protocol;

import java.util.Comparator;
import java.util.function.ToIntFunction;

/**
 * Turns (local record, remote record, folder policy) into a {@link Plan}.
 *
 * <p>Implementation notes. Pure and deterministic: every node that sees the same pair reaches
 * the same decision without talking, because every tie is broken by data both records carry
 * (mtime, the id of the node that made the version compared as signed longs, the content hash,
 * then the remaining metadata). The winner of a conflict is a total order on records, so with
 * three or more concurrent versions every pair agrees on the same overall winner.
 *
 * <p>Who acts. On a conflict the winner's side does nothing; the loser's side takes the winner's
 * entry under the merge of both vectors (which dominates both) and announces it, so afterwards
 * every node holds EQUAL versions and the exchange ends (no loop). Acting only on the losing side
 * matters for {@code keep-both}: every node that holds the losing content when it meets the
 * conflict keeps it as a conflict copy before anything overwrites it. A merged vector is only ever
 * made by such a node, so a version that later reaches the losing author as a plain newer one has
 * already had its content kept. The copy's name is made from the losing version's mtime and
 * author, so copies made by several nodes are the same entry and merge silently. (Were the winner
 * to announce a merged vector itself, the loser could receive it as a plain newer version first
 * and overwrite its write without keeping it.)
 *
 * <p>Policies. Concurrent versions of the same entry merge silently: no false conflicts. Concurrent
 * versions with the same content (type, size, hash, symlink target, device number) that differ in
 * metadata only (mtime, mode, owner, attributes, hard-link group) are no conflict under any policy:
 * no copy, no {@code manual} entry, no script; the policy's order picks whose metadata stays
 * ({@code newest} for {@code manual} and {@code script}). This is also how a node whose index was
 * lost meets its own files again: same content under a new vector, no transfer, no copy. A delete
 * against a modification is settled by {@link DeleteConflict}. Content conflicts: {@code newest},
 * {@code oldest}, {@code bigger}, {@code smaller} compare mtime or size; {@code priority} prefers
 * the version made by the node ranked first ({@code rank}: lower is preferred; ties and unranked
 * nodes fall back to {@code newest}); {@code keep-both} picks the winner like {@code newest} and
 * keeps the loser as a copy; {@code manual} keeps both sides as they are and records a conflict;
 * {@code script} lets one node run the folder's script, the one whose id is the smaller of the two
 * versions' authors (it holds its own version), while the others wait as with {@code manual}.
 * Two live directories that differ (mtime after concurrent writes of children, owner, mode,
 * attributes) never wait for a person or a script: the policy's order picks the winner, {@code
 * newest} for {@code manual} and {@code script}.
 */
public final class Reconciler {
    private final ConflictPolicy policy;
    private final DeleteConflict deleteConflict;
    private final long selfId;
    private final ToIntFunction<Long> rank;

    /**
     * @param selfId this node's id
     * @param rank   a node id's place in the folder's {@code priority} list (0 first; unlisted:
     *               {@link Integer#MAX_VALUE})
     */
    public Reconciler(ConflictPolicy policy, DeleteConflict deleteConflict, long selfId, ToIntFunction<Long> rank) {
        this.policy = policy;
        this.deleteConflict = deleteConflict;
        this.selfId = selfId;
        this.rank = rank;
    }

    public ConflictPolicy policy() {
        return policy;
    }

    /** A reconciler without a priority list (every node unranked). */
    public Reconciler(ConflictPolicy policy, DeleteConflict deleteConflict, long selfId) {
        this(policy, deleteConflict, selfId, id -> Integer.MAX_VALUE);
    }

    /** @param local the local record, or null when this node knows nothing of the path */
    public Plan plan(FileRecord local, FileRecord remote) {
        if (local == null) {
            return new Plan.TakeRemote(remote);
        }
        return switch (local.version().compare(remote.version())) {
            case EQUAL, AFTER -> new Plan.Acknowledge();
            case BEFORE -> new Plan.TakeRemote(remote);
            case CONCURRENT -> concurrent(local, remote);
        };
    }

    private Plan concurrent(FileRecord local, FileRecord remote) {
        VersionVector merged = local.version().merge(remote.version());
        if (local.sameEntry(remote)) {
            // the same base on every node (the records may still differ in their authors)
            FileRecord base = winnerOrder().compare(local, remote) >= 0 ? local : remote;
            return new Plan.MergeVersions(base.withVersion(merged, base.modifiedBy()));
        }
        boolean bothDirectories = !local.deleted() && !remote.deleted() && local.type() == FileType.DIRECTORY
                && remote.type() == FileType.DIRECTORY;
        boolean sameContent = local.sameContent(remote); // only metadata differs: never an operator's or script's case
        if (local.deleted() == remote.deleted() && !bothDirectories && !sameContent) {
            if (policy == ConflictPolicy.MANUAL) {
                return new Plan.Conflict(local, remote);
            }
            if (policy == ConflictPolicy.SCRIPT) {
                long runner = Math.min(local.modifiedBy(), remote.modifiedBy());
                return runner == selfId ? new Plan.RunScript(local, remote) : new Plan.Conflict(local, remote);
            }
        }
        if (localWins(local, remote)) {
            return new Plan.KeepLocal();
        }
        boolean copy = policy == ConflictPolicy.KEEP_BOTH && !local.deleted() && !remote.deleted() && !sameContent
                && (local.type() == FileType.REGULAR || local.type() == FileType.SYMLINK);
        return new Plan.TakeRemote(remote.withVersion(merged, remote.modifiedBy()), true, copy);
    }

    /**
     * Whether concurrent {@code local} and {@code remote} contest the path's content: false when
     * they are the same entry, or the same content with other metadata (settled per path without a
     * conflict under every policy, and not weighed by a folder-scope verdict).
     */
    public static boolean contested(FileRecord local, FileRecord remote) {
        return !local.sameEntry(remote) && !local.sameContent(remote);
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
            case PRIORITY -> Comparator.comparingInt((FileRecord r) -> rank.applyAsInt(r.modifiedBy())).reversed();
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
                .thenComparingLong(FileRecord::size)
                .thenComparing(FileRecord::xattrs)
                .thenComparing(r -> r.hardLink() == null ? "" : r.hardLink());
    }
}
