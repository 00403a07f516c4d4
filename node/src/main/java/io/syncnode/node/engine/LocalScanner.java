package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.DiskEntry;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.RelativePath;
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
    private final Consumer<String> retryLater;
    private final Consumer<String> halt;
    private Long rootDevice;

    LocalScanner(String folder, Path root, long selfId, SqliteIndexStore store, IndexBuffer buffer, Applier applier,
                 EntryReader reader, BiPredicate<String, Boolean> ignored, Clock clock, Map<String, String> problems,
                 Consumer<String> retryLater, Consumer<String> halt) {
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
        this.retryLater = retryLater;
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
        buffer.flush();
        List<StoredFile> gone = new ArrayList<>();
        long[] live = {0};
        store.forEach(folder, f -> {
            if (!f.record().deleted()) {
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
        Path from = start.isEmpty() ? root : root.resolve(start);
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = rel(dir);
                if (rel.isEmpty()) {
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
        return root.relativize(abs).toString();
    }

    /** Scans a path and, if it is a directory, everything under it; a vanished path tombstones its subtree. */
    void scanTree(String rel) throws IOException {
        if (rel.isEmpty()) {
            fullScan();
            return;
        }
        scanPath(rel);
        Optional<EntryReader.Lstat> st = EntryReader.lstat(root.resolve(rel));
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

    /** Looks at one path: unchanged (stat signature), changed (new version), or gone (tombstone). */
    void scanPath(String rel) throws IOException {
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
        if (st.isEmpty() || st.get().type() == null) {
            if (live) {
                tombstoneTree(cur);
            }
            return;
        }
        if (ignored.test(rel, st.get().type() == FileType.DIRECTORY)) {
            return;
        }
        if (live && cur.stat() != null && cur.stat().equals(st.get().normalised())) {
            return;
        }
        Optional<DiskEntry> read;
        try {
            read = reader.read(abs, rel);
        } catch (EntryReader.ChangedWhileReading e) {
            retryLater.accept(rel);
            return;
        }
        if (read.isEmpty()) {
            if (live) {
                tombstoneTree(cur);
            }
            return;
        }
        DiskEntry e = read.get();
        if (live) {
            FileRecord same = e.toRecord(cur.record().version(), cur.record().modifiedBy());
            if (same.sameEntry(cur.record())) {
                buffer.put(IndexBuffer.Put.quiet(cur.record(), e.stat()));
                return;
            }
        }
        VersionVector base = cur == null ? VersionVector.EMPTY : cur.record().version();
        FileRecord r = e.toRecord(base.bump(selfId, clock.instant().getEpochSecond()), selfId);
        buffer.put(IndexBuffer.Put.local(r, e.stat(), e.inline()));
        problems.remove(rel);
        LOG.finest(() -> folder + ": local change " + rel + " -> " + r.version());
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
        VersionVector v = cur.record().version().bump(selfId, clock.instant().getEpochSecond());
        buffer.put(IndexBuffer.Put.local(cur.record().asDeleted(v, selfId), null, null));
    }
}
