package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.os.PathBytes;
import io.syncnode.protocol.NameCodec;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.DiskEntry;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Turns what is on disk into versioned records: a path whose stat signature equals the index is
 * unchanged (no hashing: this is also how the node's own applied writes are recognised); a changed
 * path is read and hashed and gets a new version; a vanished path (and everything the index has
 * under it) gets a tombstone. Changes go into the folder's {@link IndexBuffer}.
 *
 * <p>Confined to the folder's worker thread.
 */
final class LocalScanner {
    private static final Logger LOG = Logger.getLogger(LocalScanner.class.getName());

    private final String folder;
    private final Path root;
    private final long selfId;
    private final SqliteIndexStore store;
    private final IndexBuffer buffer;
    private final Applier applier;
    private final EntryReader reader;
    private final BiPredicate<String, Boolean> ignored;
    private final Clock clock;
    private final Map<String, String> problems;
    private final ChangingEntries changing;
    private final Consumer<String> halt;
    private Long rootDevice;
    /** Directories to look at again at the end of the batch (their children changed). */
    private final Set<String> parents = new java.util.LinkedHashSet<>();
    /** Paths to read again even if their signature is unchanged (hard-link group membership). */
    private final Set<String> forced = new java.util.TreeSet<>();
    /** Directories whose mtime alone moved, waiting for {@link #settleDirectoryTimes}. */
    private final Set<String> timeOnlyDirs = new java.util.LinkedHashSet<>();
    /** Directories holding a path this node recorded a local change of, in the current scan. */
    private final Set<String> changedParents = new HashSet<>();
    /** Sockets already reported (they are never synced). */
    private final Set<String> reportedSockets = new HashSet<>();

    LocalScanner(String folder, Path root, long selfId, SqliteIndexStore store, IndexBuffer buffer, Applier applier,
                 EntryReader reader, BiPredicate<String, Boolean> ignored, Clock clock, Map<String, String> problems,
                 ChangingEntries changing, Consumer<String> halt) {
        this.folder = folder;
        this.root = root;
        this.selfId = selfId;
        this.store = store;
        this.buffer = buffer;
        this.applier = applier;
        this.reader = reader;
        this.ignored = ignored;
        this.clock = clock;
        this.problems = problems;
        this.changing = changing;
        this.halt = halt;
    }

    /**
     * Share of a folder's live entries that one automatic full scan may delete; beyond it (and from
     * {@value #MASS_DELETE_MIN} entries on) the folder halts instead of propagating the deletes.
     */
    static final double MASS_DELETE_SHARE = 0.5;
    static final int MASS_DELETE_MIN = 20;

    /** A full scan that may delete any share of the folder (the operator asked for it). */
    boolean fullScan() throws IOException {
        return fullScan(false);
    }

    /**
     * Full scan: every entry on disk, then tombstones for indexed entries no longer there. Returns
     * false (and halts the folder) instead when the root vanished or changed device, or, when
     * {@code guarded}, when the scan would delete more than {@link #MASS_DELETE_SHARE} of the folder.
     */
    boolean fullScan(boolean guarded) throws IOException {
        if (!checkRoot()) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        walk("", seen);
        scanParents();
        buffer.flush();
        List<StoredFile> gone = new ArrayList<>();
        long[] live = {0};
        store.forEach(folder, f -> {
            if (!f.record().deleted() && !f.record().path().equals(RelativePath.ROOT)) {
                live[0]++;
                if (!seen.contains(f.record().path())) {
                    gone.add(f);
                }
            }
        });
        if (guarded && live[0] >= MASS_DELETE_MIN && gone.size() > live[0] * MASS_DELETE_SHARE) {
            halt.accept("a scan found " + gone.size() + " of " + live[0] + " files gone (more than "
                    + Math.round(MASS_DELETE_SHARE * 100) + " %); not propagating the deletes. If they are intended,"
                    + " run `syncnode check -c FILE --folder " + folder + "` to accept them; else restore the files");
            return false;
        }
        for (StoredFile f : gone) {
            if (!ignored.test(f.record().path(), f.record().type() == FileType.DIRECTORY)) {
                tombstone(f);
            }
        }
        scanParents();
        buffer.flush();
        return true;
    }

    /** The folder halts instead of propagating deletes when its root vanished or changed device. */
    private boolean checkRoot() throws IOException {
        Optional<EntryReader.Lstat> st = EntryReader.lstat(root);
        if (st.isEmpty() || st.get().type() != FileType.DIRECTORY) {
            halt.accept("folder root " + root + " is missing or not a directory; not propagating deletes."
                    + " Restore it (or fix the config) and restart the node");
            return false;
        }
        long dev = st.get().signature().dev();
        if (rootDevice == null) {
            rootDevice = dev;
        } else if (rootDevice != dev) {
            halt.accept("folder root " + root + " is on another device than at start (unmounted or remounted?);"
                    + " not propagating changes. Fix the mount and restart the node");
            return false;
        }
        return true;
    }

    private void walk(String start, Set<String> seen) throws IOException {
        Path from = PathBytes.under(root, start);
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = rel(dir);
                buffer.checkStopping();
                if (rel.isEmpty()) {
                    seen.add(RelativePath.ROOT);
                    scanPath(RelativePath.ROOT);
                    return FileVisitResult.CONTINUE;
                }
                if (ignored.test(rel, true)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                seen.add(rel);
                scanPath(rel);
                flushIfLarge();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = rel(file);
                buffer.checkStopping();
                if (!ignored.test(rel, false)) {
                    seen.add(rel);
                    scanPath(rel);
                    flushIfLarge();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (!(e instanceof NoSuchFileException)) {
                    problems.put(rel(file), "cannot read: " + e.getMessage());
                    seen.add(rel(file)); // unreadable is not deleted
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void flushIfLarge() {
        if (buffer.large()) {
            buffer.flush();
        }
    }

    private String rel(Path abs) {
        return PathBytes.relative(root, abs);
    }

    /** Scans a path and, if it is a directory, everything under it; a vanished path tombstones its subtree. */
    void scanTree(String rel) throws IOException {
        if (rel.isEmpty() || rel.equals(RelativePath.ROOT)) {
            fullScan();
            return;
        }
        scanPath(rel);
        Optional<EntryReader.Lstat> st = EntryReader.lstat(PathBytes.under(root, rel));
        if (st.isPresent() && st.get().type() == FileType.DIRECTORY && !ignored.test(rel, true)) {
            Set<String> seen = new HashSet<>();
            walk(rel, seen);
            for (StoredFile f : store.under(folder, rel)) {
                if (!f.record().deleted() && !seen.contains(f.record().path())) {
                    StoredFile cur = buffer.current(f.record().path());
                    if (cur != null && !cur.record().deleted()) {
                        tombstone(cur);
                    }
                }
            }
        }
    }

    /**
     * Looks at one path: unchanged (stat signature), changed (new version), or gone (tombstone).
     * Its directory is looked at again by {@link #scanParents} (a child's change moves its mtime).
     */
    void scanPath(String rel) throws IOException {
        scanPath(rel, false);
        String parent = rel.isEmpty() ? null : RelativePath.parentRecord(rel);
        if (parent != null) {
            parents.add(parent);
        }
    }

    /**
     * Looks again at the directories of the paths scanned since the last call, and at the names of
     * hard-link groups whose membership changed: call it at the end of a batch of changes.
     */
    void scanParents() throws IOException {
        while (!forced.isEmpty()) {
            String p = forced.iterator().next();
            forced.remove(p);
            scanPath(p, true);
            String parent = RelativePath.parentRecord(p);
            if (parent != null) {
                parents.add(parent);
            }
        }
        List<String> dirs = new ArrayList<>(parents);
        parents.clear();
        for (String d : dirs) {
            scanPath(d, false);
        }
        settleDirectoryTimes();
    }

    /**
     * A directory whose mtime alone moved is a change of its own only if this node recorded a local
     * change of one of its children in the same scan (a user created, removed or renamed an entry
     * there). Otherwise the node moved it itself (its temp files, applies of other nodes' entries)
     * or an ignored entry did: its recorded mtime is put back, so no node announces its own apply
     * time as the directory's.
     */
    private void settleDirectoryTimes() throws IOException {
        List<String> dirs = new ArrayList<>(timeOnlyDirs);
        timeOnlyDirs.clear();
        for (String d : dirs) {
            StoredFile cur = buffer.current(d);
            if (cur == null || cur.record().deleted() || cur.record().type() != FileType.DIRECTORY) {
                continue;
            }
            if (changedParents.contains(d)) {
                scanPath(d, true);
            } else {
                try {
                    applier.restoreDirectoryTime(d, cur.record().mtimeNs())
                            .ifPresent(sig -> buffer.put(IndexBuffer.Put.quiet(cur.record(), sig)));
                } catch (IOException e) {
                    scanPath(d, true);
                }
            }
        }
        changedParents.clear();
    }

    private void scanPath(String rel, boolean force) throws IOException {
        if (rel.isEmpty() || RelativePath.problem(rel) != null) {
            return;
        }
        StoredFile cur = buffer.current(rel);
        boolean live = cur != null && !cur.record().deleted();
        Path abs;
        try {
            abs = applier.resolve(rel);
        } catch (IOException e) {
            // a parent is no longer a directory: the path is gone from this folder
            if (live) {
                tombstoneTree(cur);
            }
            return;
        }
        Optional<EntryReader.Lstat> st = EntryReader.lstat(abs);
        if (st.isPresent() && st.get().socket() && reportedSockets.add(rel)) {
            LOG.info(() -> folder + ": " + NameCodec.display(rel) + " is a socket: sockets are not synced"
                    + " (reported once per path)");
        }
        if (st.isEmpty() || st.get().type() == null) {
            if (live && !rel.equals(RelativePath.ROOT)) {
                tombstoneTree(cur);
            }
            return;
        }
        if (ignored.test(rel, st.get().type() == FileType.DIRECTORY)) {
            return;
        }
        if (!force && live && cur.stat() != null && cur.stat().equals(st.get().signature())) {
            return;
        }
        if (!force && live && cur.stat() != null && st.get().type() == FileType.DIRECTORY
                && cur.record().type() == FileType.DIRECTORY && movedByItsEntries(cur.stat(), st.get().signature())) {
            timeOnlyDirs.add(rel); // decided by settleDirectoryTimes, once the children are scanned
            return;
        }
        if (changing.waiting(rel)) {
            return; // it kept changing while read: its next read is scheduled, not every event's
        }
        Optional<DiskEntry> read;
        try {
            read = reader.read(abs, rel);
        } catch (EntryReader.ChangedWhileReading e) {
            changing.changedWhileRead(rel);
            return;
        }
        changing.readWhole(rel);
        if (read.isEmpty()) {
            if (live && !rel.equals(RelativePath.ROOT)) {
                tombstoneTree(cur);
            }
            return;
        }
        DiskEntry e = read.get();
        if (rel.equals(RelativePath.ROOT) && cur == null && isEmptyDirectory(abs)) {
            return; // a new, empty folder takes its root's metadata from the cluster rather than impose its own
        }
        if (cur == null && e.type() == FileType.DIRECTORY && applier.isPlaceholder(rel)) {
            return; // made by this node to hold an applied entry: its own record comes from the cluster
        }
        if (e.type() == FileType.REGULAR && e.nlink() > 1) {
            recordLinkGroup(e);
        } else {
            record(cur, e, null);
        }
    }

    /**
     * True when only the directory's times moved, the way an entry created, removed or renamed in
     * it moves them: the kernel sets mtime and ctime to the same instant. (An explicit {@code touch
     * -d} or a restore leaves mtime and ctime apart: a change of the directory itself.)
     */
    private static boolean movedByItsEntries(StatSignature was, StatSignature now) {
        return was.mtimeNs() != now.mtimeNs() && now.mtimeNs() == now.ctimeNs() && was.dev() == now.dev()
                && was.ino() == now.ino() && was.mode() == now.mode() && was.uid() == now.uid()
                && was.gid() == now.gid();
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    /**
     * A regular file with more than one name: the group is every name in this folder of the same
     * inode (the index's candidates, checked on disk). Every name gets the entry just read (same
     * inode: same content and metadata); all but the first (smallest) name link to the first.
     */
    private void recordLinkGroup(DiskEntry e) throws IOException {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
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
                return;
            }
        }
        VersionVector base = cur == null ? VersionVector.EMPTY : cur.record().version();
        FileRecord r = e.toRecord(base.bump(selfId, clock.instant().getEpochSecond()), selfId).withHardLink(hardLink);
        // metadata-only changes (chown, chmod, setfattr, touch) travel without content
        byte[] inline = live && r.sameContent(cur.record()) ? null : e.inline();
        buffer.put(IndexBuffer.Put.local(r, e.stat(), inline));
        problems.remove(rel);
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

    private void tombstoneTree(StoredFile cur) {
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

    private void tombstone(StoredFile cur) {
        if (cur.record().path().equals(RelativePath.ROOT)) {
            return; // the root is never deleted (a vanished root halts the folder)
        }
        if (cur.record().type() == FileType.REGULAR) {
            forced.addAll(linkNames(cur.record().path())); // its group's other names get a new first name
        }
        changedParents.add(RelativePath.parentRecord(cur.record().path()));
        VersionVector v = cur.record().version().bump(selfId, clock.instant().getEpochSecond());
        buffer.put(IndexBuffer.Put.local(cur.record().asDeleted(v, selfId), null, null));
    }
}
