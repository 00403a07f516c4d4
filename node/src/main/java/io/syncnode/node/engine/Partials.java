package io.syncnode.node.engine;

import io.syncnode.node.apply.ContentCopy;
import io.syncnode.node.apply.Applier;
import io.syncnode.node.index.StoredFile;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * The bases of a folder's deltas: what an interrupted transfer of at least {@value #KEEP_PARTIAL}
 * bytes received (a prefix of its content, kept in its temp file for the retry), then the current
 * version at the path. A partial result goes once a version of its path is stored or another
 * content is fetched there.
 *
 * <p>Confined to the folder's worker thread (a part of {@link FetchQueue}).
 */
final class Partials {
    private static final Logger LOG = Logger.getLogger(FetchQueue.class.getName());

    /** An interrupted transfer of at least this size keeps what it received, as a basis for the retry. */
    static final long KEEP_PARTIAL = 1L << 20;

    private record Partial(ContentHash hash, Path file) {
    }

    private final String folder;
    private final IndexBuffer buffer;
    private final Applier applier;
    /** Removes a temp file of a path and says so (its directory's mtime moved). */
    private final BiConsumer<String, Path> discard;
    /** path -> what an interrupted transfer of that path received so far (a prefix of {@code hash}'s content). */
    private final Map<String, Partial> partials = new HashMap<>();

    Partials(String folder, IndexBuffer buffer, Applier applier, BiConsumer<String, Path> discard) {
        this.folder = folder;
        this.buffer = buffer;
        this.applier = applier;
        this.discard = discard;
    }

    /**
     * The local files a delta for {@code target} is computed against: what an interrupted transfer
     * of the same content received, then the current version at the path.
     */
    List<Path> basisFor(FileRecord target) {
        List<Path> basis = new ArrayList<>();
        Partial partial = partials.get(target.path());
        if (partial != null) {
            if (partial.hash().equals(target.hash()) && ContentCopy.present(partial.file())) {
                basis.add(partial.file());
            } else {
                partials.remove(target.path());
                discard.accept(target.path(), partial.file());
            }
        }
        StoredFile cur = buffer.current(target.path());
        if (cur != null && !cur.record().deleted() && cur.record().type() == FileType.REGULAR && cur.stat() != null
                && cur.record().size() > 0) {
            try {
                basis.add(applier.resolve(target.path()));
            } catch (IOException e) {
                LOG.fine(() -> folder + ": no basis for " + target.path() + ": " + e.getMessage());
            }
        }
        return basis;
    }

    /** Keeps what a large interrupted transfer received (a prefix of the content) for the retry. */
    boolean keep(FileRecord fetched, Path temp) {
        if (fetched.size() < KEEP_PARTIAL) {
            return false;
        }
        if (ContentCopy.sizeOf(temp) <= 0) {
            return false; // nothing received, or gone
        }
        Partial old = partials.put(fetched.path(), new Partial(fetched.hash(), temp));
        if (old != null && !old.file().equals(temp)) {
            discard.accept(fetched.path(), old.file());
        }
        return true;
    }

    /** The partial result at {@code rel}, if any, goes (the fetch finished, or a version was stored). */
    void drop(String rel) {
        Partial p = partials.remove(rel);
        if (p != null) {
            discard.accept(rel, p.file());
        }
    }

    /** Shutdown: removes every partial result (temp files in the folder). */
    void discardAll() {
        partials.values().forEach(p -> applier.removeTempIfPresent(p.file()));
        partials.clear();
    }
}
