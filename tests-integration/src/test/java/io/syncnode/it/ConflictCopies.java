package io.syncnode.it;

import io.syncnode.testing.TreeSnapshot;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keep-both conflict copies in a {@link TreeSnapshot} ({@code NAME.sync-conflict-YYYYMMDD-HHMMSS-NODE[.EXT]}):
 * which path a copy belongs to, and where a given content survived. Shared by the random tests
 * that check that no write is lost ({@link RandomPartitionsIT}, {@link ChaosIT}).
 */
final class ConflictCopies {
    static final Pattern COPY_MARK = Pattern.compile("\\.sync-conflict-\\d{8}-\\d{6}-[a-z0-9-]+");

    private ConflictCopies() {
    }

    /** The TreeSnapshot content hash of a "file ..." description (its last field). */
    static String hash(String description) {
        return description.substring(description.lastIndexOf(' ') + 1);
    }

    /** The content hash of a TreeSnapshot description, or null when it is not a regular file. */
    static String fileHash(String description) {
        return description != null && description.startsWith("file ") ? hash(description) : null;
    }

    /** The path a conflict copy belongs to (copies of copies too); other paths unchanged. */
    static String normalise(String path) {
        int slash = path.lastIndexOf('/');
        return path.substring(0, slash + 1) + COPY_MARK.matcher(path.substring(slash + 1)).replaceAll("");
    }

    static boolean isCopy(String path) {
        return path.contains(".sync-conflict-");
    }

    static boolean isCopyOf(String candidate, String path) {
        return !candidate.equals(path) && isCopy(candidate) && normalise(candidate).equals(normalise(path))
                && parent(candidate).equals(parent(path));
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** A conflict copy of {@code path} in {@code tree} holding content {@code hash}, or null. */
    static String findCopy(Map<String, String> tree, String path, String hash) {
        for (Map.Entry<String, String> e : tree.entrySet()) {
            if (isCopyOf(e.getKey(), path) && hash.equals(fileHash(e.getValue()))) {
                return e.getKey();
            }
        }
        return null;
    }

    /** "copy = description" of every conflict copy of {@code path} (for messages). */
    static List<String> copiesOf(Map<String, String> tree, String path) {
        return tree.entrySet().stream().filter(e -> isCopyOf(e.getKey(), path)).map(e -> e.getKey() + " = " + e.getValue()).toList();
    }
}
