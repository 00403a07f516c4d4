package io.syncnode.node.apply;

import static io.syncnode.node.apply.TargetSignatures.checkExpected;
import static io.syncnode.node.apply.TargetSignatures.removeDirectoryInTheWay;
import static io.syncnode.node.apply.TargetSignatures.signatureOf;
import static io.syncnode.node.apply.TargetSignatures.written;

import io.syncnode.node.os.ConfinedFs;
import io.syncnode.node.os.PathBytes;
import io.syncnode.protocol.NameCodec;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.scan.EntryReader.Lstat;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies remote records to one folder root.
 *
 * <p>Every method takes {@code expected}: the stat signature the index holds for the
 * target (null when the index says it is absent). The target is checked against it just before
 * the final rename or removal; a mismatch throws {@link LocalChangedException}. Callers serialise
 * all applies and scans of one folder (the folder worker), so the check and the rename are not
 * raced by the node itself; a concurrent write by a user between them is found by the next scan.
 *
 * <p>Order on a new file: write (holes kept, see {@link io.syncnode.node.os.SparseOutput}), chown (which clears setuid
 * bits and file capabilities), extended attributes (ACLs, capabilities), chmod, mtime, fsync,
 * rename, fsync the directory, lstat (the signature the caller records, so the node's own write is
 * not seen as a change; unsettled if the entry no longer shows the record, see
 * {@link TargetSignatures#written}).
 * The caller then restores the parent directory's mtime.
 *
 * <p>Confinement: every change (create, open for writing, rename, unlink, mkdir, mknod, symlink,
 * link, chown, chmod, xattrs, mtime, fsync) goes through {@link ConfinedFs}, which opens the
 * entry's directory from the folder root's descriptor without following a symlink in any
 * component and acts on the last name relative to it, never following it either: a parent swapped for a symlink at any moment (by a local user, or by a remote's
 * record applied while a fetch is pending) fails that one apply with an IOException naming it,
 * and nothing outside the folder is created, written, removed or changed. The {@code Path}s this
 * class hands out name entries below the root; they are only ever acted on through it (or read).
 * Temp files are created with O_EXCL and mode 0600 and get their final mode by chmod after their
 * owner; a temp entry is removed on every failure path.
 *
 * <p>The parts: {@link FolderPaths} (resolving, placeholder parents), {@link TempFiles} (temp
 * names and their removal), {@link MetadataWriter} (owner, xattrs, mode, mtime) and
 * {@link TargetSignatures} (the signature checks before and after a change).
 */
public final class Applier {
    public static final String TEMP_PREFIX = RelativePath.TEMP_PREFIX;

    private final Path root;
    private final ConfinedFs fs;
    private final FolderPaths paths;
    private final TempFiles temps;
    private final MetadataWriter metadata;
    private volatile Displacement displacement = Displacement.NONE;

    public Applier(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.fs = new ConfinedFs(this.root);
        this.paths = new FolderPaths(fs);
        this.temps = new TempFiles(fs);
        this.metadata = new MetadataWriter(fs);
    }

    /** Told before an entry that still has the expected signature is replaced or removed (versions). */
    public void displaceThrough(Displacement d) {
        this.displacement = d;
    }

    public Path root() {
        return root;
    }

    /** The folder's confined file-system calls, for the few writes made beside an apply (conflict copies). */
    public ConfinedFs confined() {
        return fs;
    }

    /** True for the names of the node's temp files (ignored by watcher and scanner). */
    public static boolean isTempName(String name) {
        return name.startsWith(TEMP_PREFIX);
    }

    /**
     * The absolute path of {@code rel} ({@link NameCodec} form: any name bytes; {@code "."} is the
     * root itself), after checking that it is valid and that every parent below the root is a
     * real directory (a symlinked parent could lead outside the root).
     */
    public Path resolve(String rel) throws IOException {
        return paths.resolve(rel);
    }

    /** Creates the missing parents of {@code rel} (0755 until their records arrive): {@link #isPlaceholder placeholders}. */
    public Path ensureParent(String rel) throws IOException {
        return paths.ensureParent(rel);
    }

    /**
     * True for a directory this node made only to hold an entry it applied, before the
     * directory's own record arrived: it has no metadata of its own yet, so the scanner does not
     * make a record of it (which would compete with the real one); {@link #settled} ends that.
     */
    public boolean isPlaceholder(String rel) {
        return paths.isPlaceholder(rel);
    }

    /** The directory {@code rel} got its record (applied, or deleted): no longer a placeholder. */
    public void settled(String rel) {
        paths.settled(rel);
    }

    /**
     * A new, empty temp file beside {@code rel}'s target (parents made as needed), O_EXCL, mode 0600,
     * named {@code .syncnode-tmp.NAME.RANDOM} (NAME cut to 100 bytes' worth of whole characters).
     */
    public Path createTemp(String rel) throws IOException {
        Path temp = tempPathFor(rel);
        fs.createExclusive(temp).close();
        return temp;
    }

    /** A new temp file beside {@code rel}'s target (as {@link #createTemp}) holding {@code bytes}. */
    public Path writeTemp(String rel, byte[] bytes) throws IOException {
        return temps.fill(tempPathFor(rel), ch -> ContentCopy.write(ch, bytes));
    }

    /**
     * Creates {@code temp} (from {@link #tempPathFor}) holding {@code bytes}, {@link #prepare(Path,
     * FileRecord, boolean) prepared} in the same step: the record's owner, attributes, mode and mtime, fsynced when
     * {@code fsync}, all through the one descriptor it was created with; removed again if any of
     * it fails (left alone if the name was taken: not ours). Any thread.
     */
    public void writePreparedTemp(Path temp, byte[] bytes, FileRecord r, boolean fsync) throws IOException {
        temps.fillNew(temp, f -> {
            f.write(bytes);
            metadata.setNew(f, temp, r);
            if (fsync) {
                f.fsync();
            }
        });
    }

    /** A new temp file beside {@code rel}'s target (as {@link #createTemp}) holding a copy of {@code src}, holes kept. */
    public Path copyToTemp(String rel, Path src) throws IOException {
        return temps.fill(tempPathFor(rel), ch -> ContentCopy.copy(src, ch));
    }

    /**
     * Opens the regular file {@code rel} for reading as every change reaches it: never through a symlink (a local
     * user's swap cannot make the node read a file outside the folder into a conflict script), never a FIFO or device.
     */
    public InputStream openForReading(String rel) throws IOException {
        return Channels.newInputStream(fs.openRegular(resolve(rel), false, false));
    }

    /**
     * Opens the temp file {@code temp} (from {@link #tempPathFor}) for writing: created (O_EXCL, 0600), or emptied
     * when {@code again} (a retry into the same temp file); never through a symlink, never a FIFO or device.
     */
    public FileChannel openTemp(Path temp, boolean again) throws IOException {
        return again ? fs.openRegular(temp, true, true) : fs.createExclusive(temp);
    }

    /**
     * A fresh temp file name beside {@code rel}'s target, as {@link #createTemp} makes (parents made as needed),
     * without creating it: whoever writes it creates it off the folder worker (creating files waits for the file
     * system's journal while other files are fsynced; see {@link #writePreparedTemp}).
     */
    public Path tempPathFor(String rel) throws IOException {
        return TempFiles.nameFor(ensureParent(rel), RelativePath.name(rel));
    }

    /**
     * Gives the finished temp file {@code temp} the record's owner, mode and mtime, makes it
     * durable, renames it over the target and fsyncs the directory.
     */
    public StatSignature commitFile(String rel, Path temp, FileRecord r, StatSignature expected) throws IOException {
        prepare(temp, r);
        List<Path> released = new ArrayList<>();
        StatSignature sig = install(rel, temp, r, expected, released);
        try {
            fsyncDirectory(temp.getParent()); // the target's directory: the temp file was beside it
        } finally {
            release(released);
        }
        return sig;
    }

    /** Gives a finished temp file the record's metadata (owner, attributes, mode, mtime) and makes it durable (fsync). */
    public void prepare(Path temp, FileRecord r) throws IOException {
        prepare(temp, r, true);
    }

    /**
     * As {@link #prepare(Path, FileRecord)}; without {@code fsync} the caller makes it durable
     * with others before its rename ({@link #syncFileSystems}).
     */
    public void prepare(Path temp, FileRecord r, boolean fsync) throws IOException {
        try {
            metadata.set(temp, r);
            if (fsync) {
                fs.fsync(temp);
            }
        } catch (IOException | RuntimeException e) {
            discardTemp(temp);
            throw e;
        }
    }

    /**
     * Renames a {@link #prepare prepared} temp file over the target, if the target still has the
     * {@code expected} signature; the temp file is beside the target ({@link #tempPathFor}), whose
     * parents were checked when it was named, so they are not looked at again here (the rename refuses
     * a parent swapped since for a symlink). The caller fsyncs the directory ({@link #fsyncDirectory}), once
     * for a batch of installs in the same directory, and then hands {@code released} to
     * {@link #release}: a regular file of {@value TempFiles#RELEASE_LATER_AT} bytes or more that the
     * install replaces and that has no other name keeps one more name until then (a temp name beside
     * it, added to {@code released}), so the rename does not wait while the file system frees its
     * blocks (on this host's ext4, mounted with {@code discard}, 36-50 ms for 256 MiB, which the
     * replica of a delta waited between its temp file's fsync and the rename). The temp name is in
     * the target's directory, whose mtime the caller restores after the batch as for the temp file;
     * a crash leaves it to the first scan's sweep of leftover temp files.
     */
    public StatSignature install(String rel, Path temp, FileRecord r, StatSignature expected, List<Path> released)
            throws IOException {
        Path target;
        Path kept = null;
        try {
            target = paths.target(rel); // beside the temp file, whose naming checked the parents
            checkExpected(rel, target, expected);
            removeDirectoryInTheWay(fs, target, expected);
            displacement.before(rel, target, r);
            kept = temps.keepReplaced(target, expected);
            fs.rename(temp, target);
        } catch (IOException | RuntimeException e) {
            discardTemp(temp);
            if (kept != null) {
                temps.release(List.of(kept));
            }
            throw e;
        }
        if (kept != null) {
            released.add(kept);
        }
        return written(target, r);
    }

    /** Frees the files {@link #install} replaced and kept a name of (see {@link TempFiles#release}). */
    public void release(List<Path> released) {
        temps.release(released);
    }

    /** Changes only the metadata (owner, attributes, mode, mtime) of an existing entry whose content is already right. */
    public StatSignature applyMetadata(String rel, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        checkExpected(rel, target, expected);
        metadata.set(target, r);
        return written(target, r);
    }

    /**
     * Makes {@code rel} another name of the inode at {@code first} (its hard-link group's first
     * name, which already holds the record's content): link(2) under a temp name, then an atomic
     * rename over the target. The inode's metadata is the group's, set on it as well.
     */
    public StatSignature applyHardLink(String rel, String first, FileRecord r, StatSignature expected)
            throws IOException {
        Path target = resolve(rel);
        Path source = resolve(first);
        checkExpected(rel, target, expected); // before the link, which moves the first name's ctime
        Path temp = TempFiles.beside(ensureParent(rel), "hlink");
        fs.link(source, temp);
        return replaceWith(rel, target, temp, r, expected);
    }

    /**
     * Sets the mtime of the directory {@code rel} back to its record's, after the node's own writes
     * of its children moved it; returns its signature now (if the mtime moved again before the
     * lstat: with the mtime set, {@linkplain StatSignature#unsettled() unsettled}, see
     * {@link TargetSignatures#written}).
     * Nothing happens if it is not a directory.
     */
    public Optional<StatSignature> restoreDirectoryTime(String rel, long mtimeNs) throws IOException {
        Path dir = resolve(rel);
        Optional<Lstat> st = EntryReader.lstat(dir);
        if (st.isEmpty() || st.get().type() != FileType.DIRECTORY) {
            return Optional.empty();
        }
        if (st.get().signature().mtimeNs() != mtimeNs) {
            fs.setMtime(dir, mtimeNs);
        }
        StatSignature now = signatureOf(dir, rel);
        return Optional.of(now.mtimeNs() == mtimeNs ? now : now.withMtime(mtimeNs).unsettled());
    }

    /** Creates or updates a directory. */
    public StatSignature applyDirectory(String rel, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        // a root without record, and a placeholder this node made for applied children, are taken as they are
        if (!(expected == null && (rel.equals(RelativePath.ROOT) || isPlaceholder(rel)))) {
            checkExpected(rel, target, expected);
        }
        Optional<Lstat> st = EntryReader.lstat(target);
        if (st.isPresent() && st.get().type() != FileType.DIRECTORY) {
            displacement.before(rel, target, r);
            fs.delete(target);
            st = Optional.empty();
        }
        if (st.isEmpty()) {
            ensureParent(rel);
            try {
                fs.mkdir(target, 0700); // its mode is set next
            } catch (FileAlreadyExistsException e) {
                throw new LocalChangedException(rel);
            }
            fsyncDirectory(target.getParent());
        }
        metadata.set(target, r);
        return written(target, r);
    }

    /** Creates or replaces a symlink (never following it). */
    public StatSignature applySymlink(String rel, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        Path temp = TempFiles.beside(ensureParent(rel), "link");
        fs.symlink(NameCodec.encode(r.symlinkTarget()), temp);
        return replaceWith(rel, target, temp, r, expected);
    }

    /**
     * Creates or replaces a character or block device or a FIFO ({@code mknod} under a temp name,
     * owner, mode and mtime, then an atomic rename): device numbers are carried as they are.
     */
    public StatSignature applySpecial(String rel, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        Path temp = TempFiles.beside(ensureParent(rel), "node");
        int typeBits = switch (r.type()) {
            case CHAR_DEVICE -> 0020000;
            case BLOCK_DEVICE -> 0060000;
            case FIFO -> 0010000;
            default -> throw new IllegalArgumentException(r.type() + " is not a special file");
        };
        // owner-only until its owner and then its mode are set (metadata)
        fs.mknod(temp, typeBits | 0600, r.type() == FileType.FIFO ? 0 : r.rdev());
        return replaceWith(rel, target, temp, r, expected);
    }

    /**
     * Gives a freshly created temp entry the record's metadata and renames it over the
     * target if the target still has the {@code expected} signature; the temp entry never stays.
     */
    private StatSignature replaceWith(String rel, Path target, Path temp, FileRecord r, StatSignature expected)
            throws IOException {
        try {
            metadata.set(temp, r);
            checkExpected(rel, target, expected);
            removeDirectoryInTheWay(fs, target, expected);
            displacement.before(rel, target, r);
            fs.rename(temp, target);
        } catch (IOException | RuntimeException e) {
            discardTemp(temp);
            throw e;
        }
        fsyncDirectory(target.getParent());
        return written(target, r);
    }

    /**
     * Removes the entry at {@code rel} (a file, a link or an empty directory). Already absent is
     * fine. A directory that still holds entries unknown to the delete is kept:
     * {@link DirectoryNotEmptyException}.
     */
    public void delete(String rel, StatSignature expected) throws IOException {
        delete(rel, expected, null);
    }

    /** {@link #delete(String, StatSignature)} for a {@code tombstone} (told to the {@link Displacement}). */
    public void delete(String rel, StatSignature expected, FileRecord tombstone) throws IOException {
        Path target = resolve(rel);
        Optional<Lstat> st = EntryReader.lstat(target);
        if (st.isEmpty()) {
            return;
        }
        // a placeholder this node made for applied children has no record to compare with: its
        // delete removes it when it is (still) an empty directory, else DirectoryNotEmptyException
        if (!(expected == null && isPlaceholder(rel) && st.get().type() == FileType.DIRECTORY)) {
            checkExpected(rel, target, expected);
        }
        displacement.before(rel, target, tombstone);
        fs.delete(target);
        paths.settled(rel);
        fsyncDirectory(target.getParent());
    }

    /**
     * Removes a temp entry this node made. When it is no longer at its path (a user renamed its
     * directory between its creation and its rename over the target), it is found by its name,
     * unique by its random part, under the folder root and removed there: no temp file outlives
     * its apply until the next start. Never throws: a temp that cannot be removed is logged.
     */
    public void discardTemp(Path temp) {
        temps.discard(temp);
    }

    /**
     * Removes the temp entry {@code temp} if it is there (confined, as every change); without
     * looking for it elsewhere, as {@link #discardTemp} does. Never throws: one that cannot be
     * removed is logged, and goes at the next start.
     */
    public void removeTempIfPresent(Path temp) {
        temps.removeIfPresent(temp);
    }

    /**
     * Removes {@code rel}, a temp-named entry a crashed or killed node left behind (met by the
     * start-up scan's walk; a directory only when empty: see {@link TempFiles#removeLeftover});
     * returns whether it did. Never throws: one that cannot be removed is logged and left.
     */
    public boolean removeLeftoverTemp(String rel, boolean directory) {
        return temps.removeLeftover(PathBytes.under(root, rel), directory);
    }

    /**
     * The signature to record for an entry found as {@code st} right after the node wrote it as
     * {@code r} (see {@link TargetSignatures#written}).
     */
    public static StatSignature ownWrite(Lstat st, FileRecord r) {
        return TargetSignatures.ownWrite(st, r);
    }

    /**
     * True when the entry has {@code r}'s type, mtime, mode, size (regular files) and, when this
     * process sets owners (root), owner. Not as root, the kernel may clear a setgid bit the node
     * sets (a group the process is not in): that bit is not compared.
     */
    public static boolean shows(Lstat st, FileRecord r) {
        return TargetSignatures.shows(st, r);
    }

    /**
     * Makes everything written in the directories {@code dirs} of the folder durable at once: one
     * {@code syncfs} per file system they are on (a folder may hold mount points). For a batch of
     * many files, in place of an fsync of each: the file system then commits them together instead
     * of once per batch of concurrent fsyncs.
     */
    public void syncFileSystems(java.util.Collection<Path> dirs) throws IOException {
        java.util.Set<Long> done = new java.util.HashSet<>();
        for (Path dir : dirs) {
            Optional<Lstat> st = EntryReader.lstat(dir);
            if (st.isPresent() && done.add(st.get().signature().dev())) {
                fs.syncfs(dir);
            }
        }
    }

    /** fsync of a directory of the folder (reached as every change is), so a rename or removal in it survives a crash. */
    public void fsyncDirectory(Path dir) throws IOException {
        fs.fsync(dir);
    }
}
