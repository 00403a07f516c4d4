package io.syncnode.node.engine;

import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.DiskEntry;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@code syncnode revert --folder F} on a receive-only folder: every entry changed here (the
 * {@link LocalChanges}) goes back to the cluster's version, the one the index holds. An entry
 * added here is removed (deepest first); a changed or removed one is written again from the index
 * record, its content from the entry itself (metadata only), a local file with the same hash, or a
 * fetch from a member (the node that made the version when it is a member, else the first member
 * that shares the folder). Each entry is replaced only while it is still what the revert read (the
 * applier's usual expected-signature check); an entry that fails keeps its problem and stays
 * listed, so a second revert tries it again. A file whose content must come from elsewhere is
 * removed first (the local edit is what the revert discards) and then installed like a new one; if
 * its fetch fails, the file is missing here, listed as a local removal, and a second revert fetches it.
 *
 * <p>Confined to the folder's worker thread.
 */
final class LocalRevert {
    private static final Logger LOG = Logger.getLogger(LocalRevert.class.getName());

    private final FolderContext folder;
    private final EntryReader reader;
    private final ConflictOutcomes.Steps steps;
    private final Runnable commit;

    /**
     * @param steps takes the cluster's version of a path ({@link RemoteApplier})
     * @param commit installs what was staged and commits the index (the folder's flush)
     */
    LocalRevert(FolderContext folder, EntryReader reader, ConflictOutcomes.Steps steps, Runnable commit) {
        this.folder = folder;
        this.reader = reader;
        this.steps = steps;
        this.commit = commit;
    }

    /**
     * Worker: reverts every path listed as changed here (the caller rescans the folder first, so the
     * list is current); {@code members} are the members that may serve content. Returns how many
     * paths it reverted or started to fetch.
     */
    long revert(List<String> members) throws IOException {
        if (!folder.local().holds()) {
            throw new IllegalStateException("folder " + folder.name() + " is not receive-only: its local changes are"
                    + " announced, so there is nothing to revert");
        }
        List<String> paths = new ArrayList<>(folder.local().paths());
        long n = 0;
        List<String> deepestFirst = new ArrayList<>(paths);
        Collections.reverse(deepestFirst);
        for (String rel : deepestFirst) {
            StoredFile cur = folder.buffer().current(rel);
            if (cur == null || cur.record().deleted()) {
                n += removeAdded(rel) ? 1 : 0;
            }
        }
        for (String rel : paths) {
            StoredFile cur = folder.buffer().current(rel);
            if (cur != null && !cur.record().deleted()) {
                n += restore(cur.record(), members) ? 1 : 0;
            }
        }
        commit.run();
        long reverted = n;
        LOG.warning(() -> folder.name() + ": reverted " + reverted + " of " + paths.size()
                + " locally changed path(s) to the cluster's version (`syncnode revert`)");
        return n;
    }

    /** An entry added here: removed, if it is still what the revert reads. */
    private boolean removeAdded(String rel) {
        try {
            Path abs = folder.applier().resolve(rel);
            Optional<EntryReader.Lstat> st = EntryReader.lstat(abs);
            if (st.isPresent()) {
                folder.applier().delete(rel, st.get().signature());
            }
            folder.local().unchanged(rel);
            return true;
        } catch (IOException | RuntimeException e) {
            folder.problems().put(rel, Problems.Kind.APPLY_FAILED, "revert: " + e.getMessage());
            LOG.warning(() -> folder.name() + ": revert could not remove " + NameCodec.display(rel) + ": " + e);
            return false;
        }
    }

    /** A changed or removed entry: the index's record is taken again over what is on disk now. */
    private boolean restore(FileRecord cluster, List<String> members) {
        String rel = cluster.path();
        try {
            Optional<DiskEntry> read = reader.read(folder.applier().resolve(rel), rel);
            StoredFile disk = read.map(e -> new StoredFile(folder.name(), e.toRecord(cluster.version(),
                    cluster.modifiedBy()), e.stat(), 0)).orElse(null);
            boolean fetch = cluster.type() == FileType.REGULAR && (disk == null || !disk.record().sameContent(cluster));
            String from = source(cluster, members, fetch);
            if (fetch) {
                // a fetch installs against the index's signature: the local edit goes first and the
                // index says nothing is on disk, so the fetched (or locally copied) file takes its place
                if (disk != null) {
                    folder.applier().delete(rel, disk.stat());
                }
                folder.buffer().put(IndexBuffer.Put.quiet(cluster, null));
                disk = null;
            }
            steps.take(from, cluster, null, disk, false);
            return true;
        } catch (IOException | RuntimeException e) {
            folder.problems().put(rel, Problems.Kind.APPLY_FAILED, "revert: " + e.getMessage());
            LOG.warning(() -> folder.name() + ": revert could not restore " + NameCodec.display(rel) + ": " + e);
            return false;
        }
    }

    /**
     * The member to fetch {@code r}'s content from: its author when a member, else the first member;
     * null when none is needed and none is there.
     */
    private String source(FileRecord r, List<String> members, boolean fetch) {
        String author = folder.nodeName().apply(r.modifiedBy());
        if (author != null && members.contains(author)) {
            return author;
        }
        if (members.isEmpty() && fetch) {
            throw new IllegalStateException("no member that shares the folder is up to fetch the content from;"
                    + " revert again once one is");
        }
        return members.isEmpty() ? null : members.get(0);
    }
}
