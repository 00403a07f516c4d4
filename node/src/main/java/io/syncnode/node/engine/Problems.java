package io.syncnode.node.engine;

import io.syncnode.node.control.StatusView;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-file problems of one folder (path to what went wrong): an apply that failed, a directory
 * a delete could not remove, an entry that keeps changing while it is read, a fetch waiting for
 * disk space. A problem is a value shown by {@code status} and cleared when the path is applied or
 * scanned again; it never stops the folder.
 *
 * <p>Written by the folder worker, read by any thread ({@code status}). The parts that record
 * problems of their own ({@link LocalScanner}, {@link FetchQueue}, {@link ChangingEntries},
 * {@link ApplyFinisher}) still write texts into {@link #asMap}; the apply steps use the typed
 * {@link Kind}s.
 */
final class Problems {
    /** The problems the apply steps record; {@link #text} is what {@code status} shows. */
    enum Kind {
        APPLY_FAILED {
            @Override
            String text(String detail) {
                return "apply failed: " + detail;
            }
        },
        DIRECTORY_NOT_EMPTY {
            @Override
            String text(String detail) {
                return "directory not empty: kept (it holds entries the delete did not cover)";
            }
        };

        abstract String text(String detail);
    }

    private final Map<String, String> byPath = new ConcurrentHashMap<>();

    /** Records a problem of {@code path} ({@code detail}: the cause's message, where the kind shows one). */
    void put(String path, Kind kind, String detail) {
        byPath.put(path, kind.text(detail));
    }

    /** {@code path} was applied: whatever went wrong with it before is over. */
    void clear(String path) {
        byPath.remove(path);
    }

    int size() {
        return byPath.size();
    }

    /** The first {@code limit} problems by path, as {@code status} lists them. */
    List<StatusView.PathProblem> listed(int limit) {
        return new TreeMap<>(byPath).entrySet().stream().limit(limit)
                .map(e -> new StatusView.PathProblem(e.getKey(), e.getValue())).toList();
    }

    /** The problem recorded for {@code path}, or null. */
    String of(String path) {
        return byPath.get(path);
    }

    /** The live map, for the parts that record problems as texts of their own (see the class notes). */
    Map<String, String> asMap() {
        return byPath;
    }
}
