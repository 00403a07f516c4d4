package io.syncnode.node.engine;

import io.syncnode.node.control.StatusView;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-file problems of one folder (path to what went wrong): an apply that failed, a directory
 * a delete could not remove, an entry that keeps changing while it is read, a fetch waiting for
 * disk space. A problem is a typed value ({@link Kind} and the text {@code status} shows), cleared
 * when the path is applied or scanned again, or, by kind, when its cause is over; it never stops
 * the folder.
 *
 * <p>Written by the folder worker, read by any thread ({@code status}).
 */
final class Problems {
    /** What went wrong with a path; {@link #text} is what {@code status} shows. */
    enum Kind {
        APPLY_FAILED("apply failed: "),
        DIRECTORY_NOT_EMPTY("") {
            @Override
            String text(String detail) {
                return "directory not empty: kept (it holds entries the delete did not cover)";
            }
        },
        HARD_LINK_FAILED("hard link "),
        UNREADABLE("cannot read: "),
        KEEPS_CHANGING("keeps changing while it is read; "),
        NO_TEMP_FILE("no place for a temp file: "),
        FETCH_FAILED(""),
        /** Waiting for disk space, or the disk filled up during a fetch (the detail says which). */
        NO_DISK_SPACE(""),
        /** A member's version carries what the folder's {@code [folder.accept]} refuses (see {@link RemoteTrust}). */
        REFUSED("refused: ");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        String text(String detail) {
            return prefix + detail;
        }
    }

    /** One path's problem. */
    record Problem(Kind kind, String text) {
    }

    private final Map<String, Problem> byPath = new ConcurrentHashMap<>();

    /** Records a problem of {@code path} ({@code detail}: the cause, where the kind shows one). */
    void put(String path, Kind kind, String detail) {
        byPath.put(path, new Problem(kind, kind.text(detail)));
    }

    /** {@code path} was applied or read whole: whatever went wrong with it before is over. */
    void clear(String path) {
        byPath.remove(path);
    }

    /** The cause of {@code kind} is over for {@code path}: its problem goes, if it is of that kind. */
    void clear(String path, Kind kind) {
        byPath.computeIfPresent(path, (k, v) -> v.kind() == kind ? null : v);
    }

    int size() {
        return byPath.size();
    }

    /** The first {@code limit} problems by path, as {@code status} lists them. */
    List<StatusView.PathProblem> listed(int limit) {
        return new TreeMap<>(byPath).entrySet().stream().limit(limit)
                .map(e -> new StatusView.PathProblem(e.getKey(), e.getValue().text())).toList();
    }

    /** The problem recorded for {@code path}, or null. */
    Problem of(String path) {
        return byPath.get(path);
    }
}
