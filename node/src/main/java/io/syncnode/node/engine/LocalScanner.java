package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.control.ScanProgress;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.os.BeneathTree;
import io.syncnode.node.os.PathBytes;
import io.syncnode.node.scan.DiskEntry;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.scan.FolderWalker;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.FolderSafety;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Turns what is on disk into versioned records: a path whose stat signature equals the index is
 * unchanged (no hashing: this is also how the node's own applied writes are recognised); a changed
 * path is read and hashed and gets a new version; a vanished path (and everything the index has
 * under it) gets a tombstone. Changes go into the folder's {@link IndexBuffer} through a
 * {@link ChangeRecorder}; full scans walk the disk with a {@link FolderWalker} and halt the
 * folder where {@link FolderSafety} says so.
 *
 * <p>Confined to the folder's worker thread.
 */
final class LocalScanner {
    private static final Logger LOG = Logger.getLogger(LocalScanner.class.getName());

    private final String folder;
    private final Path root;
    private final SqliteIndexStore store;
    private final IndexBuffer buffer;
    private final Applier applier;
    private final EntryReader reader;
    private final BiPredicate<String, Boolean> ignored;
    private final Problems problems;
    private final ChangingEntries changing;
    private final Consumer<String> halt;
    private final ChangeRecorder recorder;
    /** The index rows of the walk's current directory (full scans and tree scans). */
    private final DirectoryRows directoryRows;
    private Long rootDevice;
    /** Directories to look at again at the end of the batch (their children changed). */
    private final Set<String> parents = new java.util.LinkedHashSet<>();
    /** Directories whose mtime alone moved, waiting for {@link #settleDirectoryTimes}. */
    private final Set<String> timeOnlyDirs = new java.util.LinkedHashSet<>();
    /** Sockets already reported (they are never synced). */
    private final Set<String> reportedSockets = new HashSet<>();
    /** How far the running full scan has come (shown by {@code status} while the node starts). */
    private final ScanProgress progress = new ScanProgress();
    /** The temp entries walks meet: passed over, and removed until a full scan ends (see {@link #sweepLeftoverTemps}). */
    private final TempSweep temps;

    /** {@code halt} stops the folder with the operator's message (see {@link FolderScans}). */
    LocalScanner(FolderContext context, EntryReader reader, ChangingEntries changing, Consumer<String> halt) {
        this.folder = context.name();
        this.root = context.root();
        this.store = context.store();
        this.buffer = context.buffer();
        this.applier = context.applier();
        this.reader = reader;
        this.ignored = context.ignored();
        this.problems = context.problems();
        this.changing = changing;
        this.halt = halt;
        this.recorder = new ChangeRecorder(folder, context.selfId(), store, buffer, applier, context.clock(), problems,
                context.actions(), context.local());
        this.directoryRows = new DirectoryRows(store, folder);
        this.temps = new TempSweep(folder, applier);
    }

    /**
     * The walks up to the end of the next full scan (the first one of a start) also remove the temp
     * entries they meet: leftovers of an apply a crash or kill interrupted (see {@link TempSweep}).
     */
    void sweepLeftoverTemps() {
        temps.start();
    }

    /** A full scan that may delete any share of the folder (the operator asked for it). */
    boolean fullScan() throws IOException {
        return fullScan(false);
    }

    /**
     * Full scan: every entry on disk, then tombstones for indexed entries no longer there. Returns
     * false (and halts the folder) instead when the root vanished or changed device, or, when
     * {@code guarded}, when the scan would delete more than {@link FolderSafety#MASS_DELETE_SHARE}
     * of the folder.
     */
    boolean fullScan(boolean guarded) throws IOException {
        try {
            if (!checkRoot()) {
                return false;
            }
            progress.began(store.liveCount(folder));
            try {
                return fullScanFrom(guarded);
            } finally {
                progress.ended();
            }
        } finally {
            temps.end();
        }
    }

    /** How far the running full scan has come. */
    ScanProgress progress() {
        return progress;
    }

    private boolean fullScanFrom(boolean guarded) throws IOException {
        Set<String> seen = new HashSet<>();
        walk("", seen);
        scanParents();
        buffer.flush();
        List<StoredFile> gone = new ArrayList<>();
        List<String> reserved = new ArrayList<>();
        long[] live = {0};
        store.forEach(folder, f -> {
            if (RelativePath.inTempEntry(f.record().path())) {
                reserved.add(f.record().path());
            } else if (!f.record().deleted() && !f.record().path().equals(RelativePath.ROOT)) {
                live[0]++;
                if (!seen.contains(f.record().path())) {
                    gone.add(f);
                }
            }
        });
        forget(reserved);
        if (FolderSafety.deletes(guarded, live[0], gone.size()) instanceof FolderSafety.Halt h) {
            halt.accept("a scan found " + h.gone() + " of " + h.live() + " files gone (more than "
                    + Math.round(FolderSafety.MASS_DELETE_SHARE * 100) + " %); not propagating the deletes."
                    + " If they are intended, run `syncnode accept-deletes -c FILE --folder " + folder
                    + "` to propagate them; else restore the files and run `syncnode check -c FILE --folder " + folder
                    + "`");
            return false;
        }
        for (StoredFile f : gone) {
            if (!ignored.test(f.record().path(), f.record().type() == FileType.DIRECTORY)) {
                recorder.tombstone(f);
            }
        }
        scanParents();
        buffer.flush();
        return true;
    }

    /**
     * Drops records an older version took in under paths this one refuses (below a
     * {@code .syncnode-tmp.} name): sent, they would make every member refuse their batch; deleted,
     * they would remove what is on disk. So they are neither: the index forgets them.
     */
    private void forget(List<String> reserved) {
        if (!reserved.isEmpty()) {
            LOG.warning(() -> folder + ": forgetting " + reserved.size() + " index record(s) under paths no node may"
                    + " hold, e.g. " + NameCodec.display(reserved.get(0)) + " (a .syncnode-tmp. component)");
            store.write(w -> {
                reserved.forEach(p -> w.forgetPath(folder, p));
                return null;
            }).join();
        }
    }

    /** The folder halts instead of propagating deletes when its root vanished or changed device. */
    private boolean checkRoot() throws IOException {
        Optional<EntryReader.Lstat> st = EntryReader.lstat(root);
        boolean isDirectory = st.isPresent() && st.get().type() == FileType.DIRECTORY;
        long dev = isDirectory ? st.get().signature().dev() : 0;
        long atStart = rootDevice == null ? dev : rootDevice;
        if (FolderSafety.root(isDirectory, atStart, dev) instanceof FolderSafety.Halt h) {
            halt.accept(h.reason() == FolderSafety.Reason.ROOT_MISSING
                    ? "folder root " + root + " is missing or not a directory; not propagating deletes."
                    + " Restore it and run `syncnode check -c FILE --folder " + folder + "` (or fix the config and"
                    + " restart the node)"
                    : "folder root " + root + " is on another device than at start (unmounted or remounted?);"
                    + " not propagating changes. Fix the mount and run `syncnode check -c FILE --folder " + folder
                    + "` (or restart the node)");
            return false;
        }
        rootDevice = atStart;
        return true;
    }

    private void walk(String start, Set<String> seen) throws IOException {
        directoryRows.reset();
        try {
            walkFrom(start, seen);
            buffer.settle(); // the walk's last batch in flight is committed and announced
        } finally {
            directoryRows.reset(); // the last directory's rows are not kept between walks
        }
    }

    private void walkFrom(String start, Set<String> seen) throws IOException {
        FolderWalker.walk(root, start, new FolderWalker.Visitor() {
            @Override
            public boolean directory(String rel) throws IOException {
                buffer.checkStopping();
                progress.entry();
                if (rel.isEmpty()) {
                    seen.add(RelativePath.ROOT);
                    scanPath(RelativePath.ROOT);
                    return true;
                }
                if (temps.tempEntry(rel, true) || ignored.test(rel, true)) {
                    return false;
                }
                seen.add(rel);
                scanPath(rel);
                flushIfLarge();
                return true;
            }

            @Override
            public void file(String rel, BeneathTree.Held held) throws IOException {
                buffer.checkStopping();
                progress.entry();
                if (!temps.tempEntry(rel, false) && !ignored.test(rel, false)) {
                    seen.add(rel);
                    scanPath(rel, held);
                    flushIfLarge();
                }
            }

            @Override
            public void unreadable(String rel, IOException e) {
                problems.put(rel, Problems.Kind.UNREADABLE, e.getMessage());
                seen.add(rel); // unreadable is not deleted
            }
        });
    }

    /** A walk commits its pending changes while it goes on (see {@link IndexBuffer#flushBehind}). */
    private void flushIfLarge() {
        if (buffer.large()) {
            buffer.flushBehind();
        }
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
                        recorder.tombstone(cur);
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
        scanPath(rel, (BeneathTree.Held) null);
    }

    /** {@link #scanPath(String)} of an entry as a confined walk found it ({@code held}, or null). */
    private void scanPath(String rel, BeneathTree.Held held) throws IOException {
        scanPath(rel, false, held);
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
        for (String p = recorder.nextForced(); p != null; p = recorder.nextForced()) {
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
            if (recorder.changedIn(d)) {
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
        recorder.clearChangedParents();
    }

    private void scanPath(String rel, boolean force) throws IOException {
        scanPath(rel, force, null);
    }

    /**
     * {@code held}: how a confined walk found the entry (its lstat, its directory held open), or
     * null to look it up from the root. The walk reached it through directories only, so its
     * parents need no check.
     */
    private void scanPath(String rel, boolean force, BeneathTree.Held held) throws IOException {
        if (rel.isEmpty() || RelativePath.problem(rel) != null) {
            return;
        }
        StoredFile cur = buffer.current(rel, held != null ? directoryRows.stored(rel) : null);
        boolean live = cur != null && !cur.record().deleted();
        Path abs;
        if (held != null) {
            abs = held.path();
        } else {
            try {
                abs = applier.resolve(rel);
            } catch (IOException e) {
                // a parent is no longer a directory: the path is gone from this folder
                if (live) {
                    recorder.tombstoneTree(cur);
                }
                return;
            }
        }
        Optional<EntryReader.Lstat> st = held != null ? Optional.ofNullable(EntryReader.of(held.stat()))
                : EntryReader.lstat(abs);
        if (st.isPresent() && st.get().socket() && reportedSockets.add(rel)) {
            LOG.info(() -> folder + ": " + NameCodec.display(rel) + " is a socket: sockets are not synced"
                    + " (reported once per path)");
        }
        if (st.isEmpty() || st.get().type() == null) {
            if (live && !rel.equals(RelativePath.ROOT)) {
                recorder.tombstoneTree(cur);
            } else if (!live) {
                recorder.absent(rel);
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
            read = reader.read(abs, rel, held);
        } catch (EntryReader.ChangedWhileReading e) {
            changing.changedWhileRead(rel);
            return;
        }
        changing.readWhole(rel);
        if (read.isPresent() && read.get().type() == FileType.REGULAR) {
            progress.hashed(read.get().size());
        }
        if (read.isEmpty()) {
            if (live && !rel.equals(RelativePath.ROOT)) {
                recorder.tombstoneTree(cur);
            }
            return;
        }
        DiskEntry e = read.get();
        if (rel.equals(RelativePath.ROOT) && cur == null && FolderWalker.isEmptyDirectory(abs)) {
            return; // a new, empty folder takes its root's metadata from the cluster rather than impose its own
        }
        if (cur == null && e.type() == FileType.DIRECTORY && applier.isPlaceholder(rel)) {
            return; // made by this node to hold an applied entry: its own record comes from the cluster
        }
        recorder.record(cur, e);
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
}
