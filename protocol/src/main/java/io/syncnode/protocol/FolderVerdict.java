package io.syncnode.protocol;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * {@code conflict-scope = "folder"}: after a split, one side wins the whole folder.
 *
 * <p>Implementation notes. The two sides are the records each node holds for the set of paths
 * whose versions are concurrent between them. Only one node of the two makes the verdict ({@link
 * #decides}): each node sees the other's index at another moment (a page read before or after a
 * record it took, a local change scanned between two exchanges), so two verdicts made apart could
 * disagree, and then both would keep their side for good or both would take the other's, each
 * under the same merged vector, and the two trees would never meet again. The deciding node acts
 * on its verdict: it takes the other side when it loses, and sends the other its versions when it
 * wins, which the other takes. {@code localWins} stays symmetric: {@code
 * localWins(p, L, R)} is {@code !localWins(p, R, L)} for any two different sides. Scores: {@code
 * newest} (and {@code keep-both}, {@code manual}, {@code script}) the newest mtime on the side,
 * {@code oldest} the oldest, {@code bigger}/{@code smaller} the total size, {@code priority} the
 * best-ranked author on the side. Ties fall to the newest mtime, then the greatest author id, then
 * the sides' sorted content hashes, so two different sides always have exactly one winner.
 */
public final class FolderVerdict {
    private FolderVerdict() {
    }

    /**
     * Whether a record of a member waits for the folder verdict instead of being applied by its
     * {@code plan}: a conflict the reconciler would settle per path by overwriting one side
     * ({@link Plan.KeepLocal}, a concurrent {@link Plan.TakeRemote}). Two live directories never
     * wait: their mtimes (when entries changed in them) are no side's content, they are settled per
     * path. Merges, manual conflicts and scripts are settled per path too.
     *
     * @param local the local record, or null
     */
    public static boolean defers(Plan plan, FileRecord local, FileRecord remote) {
        boolean directories = local != null && !local.deleted() && local.type() == FileType.DIRECTORY
                && !remote.deleted() && remote.type() == FileType.DIRECTORY;
        if (directories) {
            return false;
        }
        return plan.match(new Plan.Cases<>() {
            @Override
            public Boolean acknowledge(Plan.Acknowledge p) {
                return false;
            }

            @Override
            public Boolean takeRemote(Plan.TakeRemote p) {
                return p.concurrent();
            }

            @Override
            public Boolean keepLocal(Plan.KeepLocal p) {
                return true;
            }

            @Override
            public Boolean mergeVersions(Plan.MergeVersions p) {
                return false;
            }

            @Override
            public Boolean conflict(Plan.Conflict p) {
                return false;
            }

            @Override
            public Boolean runScript(Plan.RunScript p) {
                return false;
            }
        });
    }

    /**
     * Whether the node {@code self} makes the folder verdict between itself and the member {@code
     * member} (node ids): the smaller id (signed), as for a conflict script. The other node waits
     * for the verdict the decider sends when it wins, or for the versions it takes when it loses.
     */
    public static boolean decides(long self, long member) {
        return self < member;
    }

    /** What becomes of a deferred record when the verdict is made. */
    public enum Deferred {
        /** A verdict this node won already covered this remote version: it stays decided (the loser takes ours). */
        WON_ALREADY,
        /**
         * A verdict this node lost already took this remote version, and its take is under way (a
         * fetch): it stays decided, and is neither weighed again nor taken twice.
         */
        LOST_ALREADY,
        /** Still concurrent and contested: weighed by the verdict. */
        CONTESTED,
        /** No longer concurrent, or not contested: the ordinary per-path rules apply. */
        ORDINARY
    }

    /**
     * Sorts a deferred record at verdict time.
     *
     * @param local the local record now, or null
     * @param wonAgainst the remote version of the path a verdict of this node won against, or null
     * @param taking the remote version of the path a verdict this node lost is taking, or null
     */
    public static Deferred classify(FileRecord local, FileRecord remote, VersionVector wonAgainst,
                                    VersionVector taking) {
        if (local == null || local.version().compare(remote.version()) != VersionVector.Ordering.CONCURRENT) {
            return Deferred.ORDINARY;
        }
        if (remote.version().equals(wonAgainst)) {
            return Deferred.WON_ALREADY;
        }
        if (remote.version().equals(taking)) {
            return Deferred.LOST_ALREADY;
        }
        return Reconciler.contested(local, remote) ? Deferred.CONTESTED : Deferred.ORDINARY;
    }

    /**
     * Which side changed a path that a member's full index names, for scoring the sides: the
     * remote side when its version is newer (or the path is new to this node), the local side when
     * this node's is, neither when they are equal or concurrent (concurrent paths are weighed as
     * deferred records).
     *
     * @param local the local record, or null
     */
    public static Newer newer(FileRecord local, FileRecord remote) {
        VersionVector.Ordering o = local == null ? VersionVector.Ordering.BEFORE
                : local.version().compare(remote.version());
        return switch (o) {
            case BEFORE -> Newer.REMOTE;
            case AFTER -> Newer.LOCAL;
            case EQUAL, CONCURRENT -> Newer.NEITHER;
        };
    }

    /** See {@link #newer}. */
    public enum Newer {
        LOCAL, REMOTE, NEITHER
    }

    /**
     * The folder verdict over two sides as the engine collects them: {@link #localWins} on what
     * each side changed, leaving out live directories (their mtimes are no side's content).
     */
    public static boolean localSideWins(ConflictPolicy policy, List<FileRecord> local, List<FileRecord> remote,
                                        ToIntFunction<Long> rank) {
        return localWins(policy, withoutDirectories(local), withoutDirectories(remote), rank);
    }

    private static List<FileRecord> withoutDirectories(List<FileRecord> side) {
        return side.stream().filter(r -> r.deleted() || r.type() != FileType.DIRECTORY).toList();
    }

    /** True when the side {@code local} wins the folder over {@code remote}. */
    public static boolean localWins(ConflictPolicy policy, List<FileRecord> local, List<FileRecord> remote,
                                    ToIntFunction<Long> rank) {
        Comparator<List<FileRecord>> order = primary(policy, rank)
                .thenComparingLong(FolderVerdict::newest)
                .thenComparingLong(side -> side.stream().mapToLong(FileRecord::modifiedBy).max().orElse(Long.MIN_VALUE))
                .thenComparing(FolderVerdict::fingerprint);
        return order.compare(local, remote) > 0;
    }

    private static Comparator<List<FileRecord>> primary(ConflictPolicy policy, ToIntFunction<Long> rank) {
        return switch (policy) {
            case OLDEST -> Comparator.comparingLong((List<FileRecord> side) -> side.stream()
                    .mapToLong(FileRecord::mtimeNs).min().orElse(Long.MAX_VALUE)).reversed();
            case BIGGER -> Comparator.comparingLong(FolderVerdict::total);
            case SMALLER -> Comparator.comparingLong(FolderVerdict::total).reversed();
            case PRIORITY -> Comparator.comparingInt((List<FileRecord> side) -> side.stream()
                    .mapToInt(r -> rank.applyAsInt(r.modifiedBy())).min().orElse(Integer.MAX_VALUE)).reversed();
            default -> Comparator.comparingLong(FolderVerdict::newest);
        };
    }

    private static long newest(List<FileRecord> side) {
        return side.stream().mapToLong(FileRecord::mtimeNs).max().orElse(Long.MIN_VALUE);
    }

    private static long total(List<FileRecord> side) {
        return side.stream().mapToLong(FileRecord::size).sum();
    }

    private static String fingerprint(List<FileRecord> side) {
        return side.stream().map(r -> r.path() + "=" + (r.deleted() ? "-" : r.hash() == null ? r.type() + ":"
                + r.symlinkTarget() + ":" + r.mode() : r.hash().hex())).sorted().reduce("", String::concat);
    }
}
