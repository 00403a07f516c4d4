package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.DiskEntry;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.VersionVector;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Puts what a scan read into the folder's {@link IndexBuffer}: an entry equal to its record keeps
 * its version (a new stat signature only); a changed one gets a new local version; a vanished one
 * (and everything the index has under it) a tombstone. A regular file with more than one name is
 * recorded with every name of its hard-link group. Keeps what {@link LocalScanner} must look at
 * again: the names whose group membership changed, and the directories where this node recorded
 * a local change.
 *
 * <p>Confined to the folder's worker thread (a part of {@link LocalScanner}).
 */
final class ChangeRecorder {
    private static final Logger LOG = Logger.getLogger(LocalScanner.class.getName());

    private final String folder;
    private final long selfId;
    private final SqliteIndexStore store;
    private final IndexBuffer buffer;
    private final Applier applier;
    private final Clock clock;
    private final Problems problems;
    private final FolderActions actions;
    /** Receive-only: local changes are held there instead of recorded. */
    private final LocalChanges local;
    /** Paths to read again even if their signature is unchanged (hard-link group membership). */
    private final Set<String> forced = new TreeSet<>();
    /** Directories holding a path this node recorded a local change of, in the current scan. */
    private final Set<String> changedParents = new HashSet<>();

    ChangeRecorder(String folder, long selfId, SqliteIndexStore store, IndexBuffer buffer, Applier applier,
                   Clock clock, Problems problems, FolderActions actions) {
        this(folder, selfId, store, buffer, applier, clock, problems, actions, LocalChanges.NONE);
    }

    ChangeRecorder(String folder, long selfId, SqliteIndexStore store, IndexBuffer buffer, Applier applier,
                   Clock clock, Problems problems, FolderActions actions, LocalChanges local) {
        this.local = local;
        this.folder = folder;
        this.selfId = selfId;
        this.store = store;
        this.buffer = buffer;
        this.applier = applier;
        this.clock = clock;
        this.problems = problems;
        this.actions = actions;
    }

    /** The next path to read again (its hard-link group changed), taken off the list; null when none. */
    String nextForced() {
        if (forced.isEmpty()) {
            return null;
        }
        String p = forced.iterator().next();
        forced.remove(p);
        return p;
    }

    /** Whether this node recorded a local change of an entry of directory {@code d} in this scan. */
    boolean changedIn(String d) {
        return changedParents.contains(d);
    }

    /** The scan is over: forgets where local changes were recorded. */
    void clearChangedParents() {
        changedParents.clear();
    }

    /** Nothing is at {@code rel} and the index holds no live entry there: no local change of it is left. */
    void absent(String rel) {
        local.unchanged(rel);
    }

    /** Records the entry just read at {@code cur}'s path (with its hard-link group, if it has one). */
    void record(StoredFile cur, DiskEntry e) throws IOException {
        if (e.type() == FileType.REGULAR && e.nlink() > 1) {
            recordLinkGroup(e);
        } else {
            record(cur, e, null);
        }
    }

    /**
     * A regular file with more than one name: the group is every name in this folder of the same
     * inode (the index's candidates, checked on disk). Every name gets the entry just read (same
     * inode: same content and metadata); all but the first (smallest) name link to the first.
     */
    private void recordLinkGroup(DiskEntry e) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        names.add(e.path());
        for (StoredFile f : buffer.sameInode(e.stat().dev(), e.stat().ino())) {
            String m = f.record().path();
            if (names.contains(m) || f.record().type() != FileType.REGULAR) {
                continue;
            }
            try {
                Optional<EntryReader.Lstat> st = EntryReader.lstat(applier.resolve(m));
                if (st.isPresent() && st.get().signature().ino() == e.stat().ino()
                        && st.get().signature().dev() == e.stat().dev()) {
                    names.add(m);
                } else {
                    forced.add(m); // the index's view of it is stale
                }
            } catch (IOException gone) {
                forced.add(m);
            }
        }
        String first = names.first();
        for (String m : names) {
            DiskEntry em = m.equals(e.path()) ? e : new DiskEntry(m, e.type(), e.mode(), e.uid(), e.gid(), e.mtimeNs(),
                    e.size(), e.hash(), null, 0, e.stat(), e.inline(), e.xattrs(), e.nlink());
            record(buffer.current(m), em, m.equals(first) ? null : first);
        }
    }

    /** Puts {@code e} as the path's record: unchanged (new signature only) or a new local version. */
    private void record(StoredFile cur, DiskEntry e, String hardLink) {
        String rel = e.path();
        boolean live = cur != null && !cur.record().deleted();
        if (live) {
            FileRecord same = e.toRecord(cur.record().version(), cur.record().modifiedBy()).withHardLink(hardLink);
            if (same.sameEntry(cur.record())) {
                buffer.put(IndexBuffer.Put.quiet(cur.record(), e.stat()));
                local.unchanged(rel);
                return;
            }
        }
        if (local.holds()) {
            local.changed(rel); // receive-only: the index keeps the cluster's version; nothing is announced
            return;
        }
        VersionVector base = cur == null ? VersionVector.EMPTY : cur.record().version();
        FileRecord r = e.toRecord(base.bump(selfId, clock.instant().getEpochSecond()), selfId).withHardLink(hardLink);
        // metadata-only changes (chown, chmod, setfattr, touch) travel without content
        byte[] inline = live && r.sameContent(cur.record()) ? null : e.inline();
        buffer.put(IndexBuffer.Put.local(r, e.stat(), inline));
        actions.localChanged(rel, r.type() == FileType.DIRECTORY);
        problems.clear(rel);
        String parent = RelativePath.parentRecord(rel);
        if (parent != null) {
            changedParents.add(parent);
        }
        if (cur != null && cur.record().type() == FileType.REGULAR && cur.record().hardLink() == null
                && hardLink == null) {
            forced.addAll(linkNames(rel)); // it may have left a group whose other names link to it
        }
        LOG.finest(() -> folder + ": local change " + NameCodec.display(rel) + " -> " + r.version());
    }

    /** The paths whose records link to {@code first}. */
    private List<String> linkNames(String first) {
        List<String> out = new ArrayList<>();
        for (StoredFile f : buffer.linkedTo(first)) {
            out.add(f.record().path());
        }
        return out;
    }

    /** Tombstones {@code cur} and, for a directory, everything the index and the buffer hold under it. */
    void tombstoneTree(StoredFile cur) {
        if (cur.record().type() == FileType.DIRECTORY) {
            String dir = cur.record().path();
            for (StoredFile f : store.under(folder, dir)) {
                StoredFile c = buffer.current(f.record().path());
                if (c != null && !c.record().deleted()) {
                    tombstone(c);
                }
            }
            for (StoredFile p : buffer.pendingUnder(dir)) {
                tombstone(p);
            }
        }
        tombstone(cur);
    }

    void tombstone(StoredFile cur) {
        if (cur.record().path().equals(RelativePath.ROOT)) {
            return; // the root is never deleted (a vanished root halts the folder)
        }
        if (local.holds()) {
            local.changed(cur.record().path()); // receive-only: removed here only
            return;
        }
        if (cur.record().type() == FileType.REGULAR) {
            forced.addAll(linkNames(cur.record().path())); // its group's other names get a new first name
        }
        changedParents.add(RelativePath.parentRecord(cur.record().path()));
        VersionVector v = cur.record().version().bump(selfId, clock.instant().getEpochSecond());
        buffer.put(IndexBuffer.Put.local(cur.record().asDeleted(v, selfId), null, null));
        actions.localChanged(cur.record().path(), cur.record().type() == FileType.DIRECTORY);
    }
}
