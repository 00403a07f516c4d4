package io.syncnode.node.engine;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A receive-only folder's local changes ({@code [[folder]] type = "receive-only"}): a scan that
 * finds an entry added, changed or removed here records no new version and announces nothing; the
 * index keeps the cluster's version and the path is listed here, shown by {@code status} as
 * locally changed, until the entry equals the cluster's version again (a remote change, the
 * user, or {@code syncnode revert}, see {@link LocalRevert}). A remote change of such a path finds
 * the disk different from the index and is not applied until then (the local edit is never
 * overwritten silently).
 *
 * <p>Because the index only ever holds cluster versions, nothing local can leak through an index
 * exchange either. The list is not kept across a restart: the first full scan finds the paths again.
 *
 * <p>Changed on the folder's worker; {@link #count} and {@link #paths} may be read anywhere.
 */
final class LocalChanges {
    /** A folder that announces its local changes: nothing is held. */
    static final LocalChanges NONE = new LocalChanges(false);

    private final boolean holds;
    private final Set<String> paths = ConcurrentHashMap.newKeySet();

    private LocalChanges(boolean holds) {
        this.holds = holds;
    }

    /** For a receive-only folder. */
    static LocalChanges held() {
        return new LocalChanges(true);
    }

    /** Whether local changes are held (receive-only) rather than recorded and announced. */
    boolean holds() {
        return holds;
    }

    /** The entry at {@code rel} differs from the cluster's version (added, changed or removed here). */
    void changed(String rel) {
        if (holds) {
            paths.add(rel);
        }
    }

    /** The entry at {@code rel} equals the cluster's version again, or is gone and was never the cluster's. */
    void unchanged(String rel) {
        paths.remove(rel);
    }

    int count() {
        return paths.size();
    }

    /** The paths changed here, sorted. */
    List<String> paths() {
        return paths.stream().sorted().toList();
    }
}
