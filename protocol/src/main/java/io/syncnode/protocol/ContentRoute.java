package io.syncnode.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the bytes of a regular file this node is to take come from.
 *
 * <p>Implementation notes. {@link #decide} orders the routes worth trying from what the index and
 * the announcement say; the caller tries them in that order. A route that needs the disk to still
 * match the index ({@link #HARD_LINK}, {@link #LOCAL_COPY}) falls through to the next one when it
 * does not (the file changed since it was indexed, or no stored file has the hash); every other
 * route is final. The order puts the cheapest first: nothing to copy, then bytes already received,
 * then bytes already on this node, then bytes on the wire.
 */
public enum ContentRoute {
    /** The target is another name of a hard-link group whose first name holds the content: link it. */
    HARD_LINK(false),
    /** The local entry has the same content: only metadata changes. */
    METADATA_ONLY(true),
    /** The announcement carried the bytes. */
    INLINE(true),
    /** Another local file (a rename, a copy) has the same hash: copy it, no bytes on the wire. */
    LOCAL_COPY(false),
    /**
     * Fetch from the announcing node. The fetch queue picks the delta basis when the fetch starts
     * (the local version at the path, an interrupted transfer's partial result, or none: the whole
     * file), since what is on disk by then decides it.
     */
    FETCH(true);

    private final boolean last;

    ContentRoute(boolean last) {
        this.last = last;
    }

    /** True when no route after this one is tried: it succeeds or fails the apply. */
    public boolean last() {
        return last;
    }

    /**
     * The routes to try, in order, for taking {@code target} (a live regular file).
     *
     * @param local the local record at the path, or null
     * @param linkFirst the record of {@code target}'s hard-link first name when the index holds it with a stat
     *     signature, or null
     * @param inline the announcement carried the content
     */
    public static List<ContentRoute> decide(FileRecord target, FileRecord local, FileRecord linkFirst,
                                            boolean inline) {
        if (target.deleted() || target.type() != FileType.REGULAR) {
            throw new IllegalArgumentException("content of " + target.path() + ": not a live regular file");
        }
        List<ContentRoute> routes = new ArrayList<>();
        if (target.hardLink() != null && liveRegular(linkFirst) && target.hash().equals(linkFirst.hash())) {
            routes.add(HARD_LINK);
        }
        if (liveRegular(local) && target.hash().equals(local.hash())) {
            routes.add(METADATA_ONLY);
        } else if (inline) {
            routes.add(INLINE);
        } else {
            routes.add(LOCAL_COPY);
            routes.add(FETCH);
        }
        return List.copyOf(routes);
    }

    private static boolean liveRegular(FileRecord r) {
        return r != null && !r.deleted() && r.type() == FileType.REGULAR;
    }
}
