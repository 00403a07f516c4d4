package io.syncnode.protocol;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * {@code conflict-scope = "folder"}: after a split, one side wins the whole folder.
 *
 * <p>Implementation notes. The two sides are the records each node holds for the set of paths
 * whose versions are concurrent between them. Both nodes compute that set from each other's full
 * index, so they hold the same pairs, only mirrored, and this verdict is symmetric: {@code
 * localWins(p, L, R)} is {@code !localWins(p, R, L)} for any two different sides. Scores: {@code
 * newest} (and {@code keep-both}, {@code manual}, {@code script}) the newest mtime on the side,
 * {@code oldest} the oldest, {@code bigger}/{@code smaller} the total size, {@code priority} the
 * best-ranked author on the side. Ties fall to the newest mtime, then the greatest author id, then
 * the sides' sorted content hashes, so two different sides always have exactly one winner.
 */
public final class FolderVerdict {
    private FolderVerdict() {
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
