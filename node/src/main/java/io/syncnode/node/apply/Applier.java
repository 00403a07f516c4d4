package io.syncnode.node.apply;

import io.syncnode.node.os.NativeFs;
import io.syncnode.node.os.PathBytes;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.Xattrs;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.scan.EntryReader.Lstat;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
 * not seen as a change; unsettled if the entry no longer shows the record, see {@link #written}).
 * The caller then restores the parent directory's mtime.
 */
public final class Applier {
    public static final String TEMP_PREFIX = ".syncnode-tmp.";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Applier.class.getName());
    private final Path root;
    private final java.util.Set<String> skippedXattrs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The most entries {@link #discardTemp} looks at to find a temp file that moved. */
    private static final long STRAY_TEMP_SEARCH = 1_000_000;
    /** Directories made by {@link #ensureParent} whose records have not arrived (see {@link #isPlaceholder}). */
    private final java.util.Set<String> placeholders = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Applier(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
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
        RelativePath.validate(rel);
        if (rel.equals(RelativePath.ROOT)) {
            return root;
        }
        Path p = root;
        String[] parts = rel.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            p = PathBytes.resolve(p, NameCodec.encode(parts[i]));
            Optional<Lstat> st = EntryReader.lstat(p);
            if (st.isPresent() && st.get().type() != FileType.DIRECTORY) {
                throw new IOException("parent " + NameCodec.display(PathBytes.relative(root, p)) + " of "
                        + NameCodec.display(rel) + " is not a directory");
            }
        }
        Path target = PathBytes.resolve(p, NameCodec.encode(parts[parts.length - 1]));
        if (!target.normalize().startsWith(root)) {
            throw new IOException(NameCodec.display(rel) + " resolves outside the folder root");
        }
        return target;
    }

    /**
     * Creates the missing parents of {@code rel} (mode 0755 until their own records arrive) and
     * remembers them as {@link #isPlaceholder placeholders}.
     */
    public Path ensureParent(String rel) throws IOException {
        Path target = resolve(rel);
        Path parent = target.getParent();
        if (!parent.equals(root) && !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            java.util.ArrayDeque<String> missing = new java.util.ArrayDeque<>();
            for (String d = RelativePath.parent(rel); !d.isEmpty(); d = RelativePath.parent(d)) {
                if (EntryReader.lstat(resolve(d)).isPresent()) {
                    break;
                }
                missing.push(d);
            }
            for (String d : missing) {
                try {
                    Files.createDirectory(resolve(d));
                    placeholders.add(d);
                } catch (FileAlreadyExistsException e) {
                    // made meanwhile (by a user): a real directory, scanned as usual
                }
            }
        }
        return parent;
    }

    /**
     * True for a directory this node made only to hold an entry it applied, before the
     * directory's own record arrived: it has no metadata of its own yet, so the scanner does not
     * make a record of it (which would compete with the real one); {@link #settled} ends that.
     */
    public boolean isPlaceholder(String rel) {
        return placeholders.contains(rel);
    }

    /** The directory {@code rel} got its record (applied, or deleted): no longer a placeholder. */
    public void settled(String rel) {
        placeholders.remove(rel);
    }

    /**
     * A new, empty temp file beside {@code rel}'s target (parents created as needed), named after
     * it ({@code .syncnode-tmp.NAME.RANDOM}, NAME cut to 100 bytes' worth of whole characters).
     */
    public Path createTemp(String rel) throws IOException {
        return Files.createFile(tempPathFor(rel));
    }

    /**
     * A fresh temp file name beside {@code rel}'s target, as {@link #createTemp} makes (parents
     * created as needed), without creating the file: whoever writes it creates it, off the folder
     * worker (creating files waits for the file system journal while other files are fsynced).
     */
    public Path tempPathFor(String rel) throws IOException {
        Path parent = ensureParent(rel);
        String name = RelativePath.name(rel);
        int end = 0;
        while (end < name.length() && end < 100) {
            end += Character.charCount(name.codePointAt(end));
        }
        byte[] rnd = new byte[6];
        RANDOM.nextBytes(rnd);
        return PathBytes.resolve(parent,
                NameCodec.encode(TEMP_PREFIX + name.substring(0, end) + "." + HexFormat.of().formatHex(rnd)));
    }

    /**
     * Gives the finished temp file {@code temp} the record's owner, mode and mtime, makes it
     * durable, renames it over the target and fsyncs the directory.
     */
    public StatSignature commitFile(String rel, Path temp, FileRecord r, StatSignature expected) throws IOException {
        prepare(temp, r);
        StatSignature sig = install(rel, temp, r, expected);
        fsyncDirectory(resolve(rel).getParent());
        return sig;
    }

    /** Gives a finished temp file the record's metadata (owner, attributes, mode, mtime) and makes it durable (fsync). */
    public void prepare(Path temp, FileRecord r) throws IOException {
        try {
            setMetadata(temp, r);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Renames a {@link #prepare prepared} temp file over the target, if the target still has the
     * {@code expected} signature. The caller fsyncs the directory ({@link #fsyncDirectory}), once
     * for a batch of installs in the same directory.
     */
    public StatSignature install(String rel, Path temp, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        try {
            checkExpected(rel, target, expected);
            removeDirectoryInTheWay(target, expected);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            discardTemp(temp);
            throw e;
        }
        return written(target, r);
    }

    /** Changes only the metadata (owner, attributes, mode, mtime) of an existing entry whose content is already right. */
    public StatSignature applyMetadata(String rel, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        checkExpected(rel, target, expected);
        setMetadata(target, r);
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
        Path temp = tempBeside(ensureParent(rel), "hlink");
        Files.createLink(temp, source);
        return replaceWith(rel, target, temp, r, expected);
    }

    /**
     * Sets the mtime of the directory {@code rel} back to its record's, after the node's own writes
     * of its children moved it; returns its signature now (if the mtime moved again before the
     * lstat: with the mtime set, {@linkplain StatSignature#unsettled() unsettled}, see {@link #written}).
     * Nothing happens if it is not a directory.
     */
    public Optional<StatSignature> restoreDirectoryTime(String rel, long mtimeNs) throws IOException {
        Path dir = resolve(rel);
        Optional<Lstat> st = EntryReader.lstat(dir);
        if (st.isEmpty() || st.get().type() != FileType.DIRECTORY) {
            return Optional.empty();
        }
        if (st.get().signature().mtimeNs() != mtimeNs) {
            NativeFs.setMtimeNoFollow(dir, mtimeNs);
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
            Files.delete(target);
            st = Optional.empty();
        }
        if (st.isEmpty()) {
            ensureParent(rel);
            try {
                Files.createDirectory(target);
            } catch (FileAlreadyExistsException e) {
                throw new LocalChangedException(rel);
            }
            fsyncDirectory(target.getParent());
        }
        setMetadata(target, r);
        return written(target, r);
    }

    /** Creates or replaces a symlink (never following it). */
    public StatSignature applySymlink(String rel, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        Path temp = tempBeside(ensureParent(rel), "link");
        NativeFs.symlink(NameCodec.encode(r.symlinkTarget()), temp);
        return replaceWith(rel, target, temp, r, expected);
    }

    /**
     * Creates or replaces a character or block device or a FIFO ({@code mknod} under a temp name,
     * owner, mode and mtime, then an atomic rename): device numbers are carried as they are.
     */
    public StatSignature applySpecial(String rel, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        Path temp = tempBeside(ensureParent(rel), "node");
        int typeBits = switch (r.type()) {
            case CHAR_DEVICE -> 0020000;
            case BLOCK_DEVICE -> 0060000;
            case FIFO -> 0010000;
            default -> throw new IllegalArgumentException(r.type() + " is not a special file");
        };
        NativeFs.mknod(temp, typeBits | (r.mode() & 07777), r.type() == FileType.FIFO ? 0 : r.rdev());
        return replaceWith(rel, target, temp, r, expected);
    }

    /** A temp name beside the target, for an entry created in place (link, device, FIFO). */
    private static Path tempBeside(Path parent, String kind) {
        byte[] rnd = new byte[6];
        RANDOM.nextBytes(rnd);
        return parent.resolve(TEMP_PREFIX + kind + "." + HexFormat.of().formatHex(rnd));
    }

    /**
     * Gives a freshly created temp entry the record's metadata and renames it over the
     * target if the target still has the {@code expected} signature; the temp entry never stays.
     */
    private StatSignature replaceWith(String rel, Path target, Path temp, FileRecord r, StatSignature expected)
            throws IOException {
        try {
            setMetadata(temp, r);
            checkExpected(rel, target, expected);
            removeDirectoryInTheWay(target, expected);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
        Files.delete(target);
        placeholders.remove(rel);
        fsyncDirectory(target.getParent());
    }

    /**
     * Removes a temp entry this node made. When it is no longer at its path (a user renamed its
     * directory between its creation and its rename over the target), it is found by its name,
     * unique by its random part, under the folder root and removed there: no temp file outlives
     * its apply until the next start. Never throws: a temp that cannot be removed is logged.
     */
    public void discardTemp(Path temp) {
        try {
            if (Files.deleteIfExists(temp)) {
                return;
            }
            String name = temp.getFileName().toString();
            if (!isTempName(name) || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Optional<Path> moved;
            try (Stream<Path> walk = Files.walk(root)) {
                moved = walk.limit(STRAY_TEMP_SEARCH).filter(p -> p.getFileName() != null
                        && p.getFileName().toString().equals(name)).findFirst();
            }
            if (moved.isPresent()) {
                Files.deleteIfExists(moved.get());
                LOG.fine(() -> "removed temp file " + moved.get() + " (its directory was moved during the apply)");
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warning(() -> "cannot remove temp file " + temp + " (" + e.getMessage() + "); the next start removes it");
        }
    }

    /** Removes the temp files a crashed or killed node left behind; returns how many. */
    public int removeLeftoverTemps() throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int[] n = {0};
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> isTempName(p.getFileName().toString())).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                    n[0]++;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("removing leftover temp file " + p, e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return n[0];
    }

    private void checkExpected(String rel, Path target, StatSignature expected) throws IOException {
        Optional<Lstat> st = EntryReader.lstat(target);
        if (expected == null) {
            if (st.isPresent()) {
                throw new LocalChangedException(rel);
            }
            return;
        }
        if (st.isEmpty()) {
            throw new LocalChangedException(rel);
        }
        StatSignature now = st.get().signature();
        if (st.get().type() == FileType.DIRECTORY && (expected.mode() & 0170000) == 0040000) {
            // a directory's times move with its children, also with this node's own applies of
            // them in this batch: the user's changes of the children are the children's records
            if (now.dev() != expected.dev() || now.ino() != expected.ino() || now.mode() != expected.mode()
                    || now.uid() != expected.uid() || now.gid() != expected.gid()) {
                throw new LocalChangedException(rel);
            }
        } else if (!now.equals(expected)) {
            throw new LocalChangedException(rel);
        }
    }

    private static void removeDirectoryInTheWay(Path target, StatSignature expected) throws IOException {
        if (expected != null && (expected.mode() & 0170000) == 0040000) {
            Files.delete(target); // throws DirectoryNotEmptyException when it still has children
        }
    }

    /**
     * Owner first (chown clears setuid/setgid and security.capability), then the extended
     * attributes (ACLs included), then the mode (after an ACL, so the mode's group bits are the
     * mask as recorded), then the mtime last (nothing after it changes it).
     */
    private void setMetadata(Path p, FileRecord r) throws IOException {
        Optional<Lstat> st = EntryReader.lstat(p);
        if (st.isEmpty()) {
            throw new NoSuchFileException(p.toString());
        }
        StatSignature s = st.get().signature();
        if (s.uid() != r.uid() || s.gid() != r.gid()) {
            if (ROOT) {
                Files.setAttribute(p, "unix:uid", r.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", r.gid(), LinkOption.NOFOLLOW_LINKS);
            }
        }
        setXattrs(p, r);
        if (r.type() != FileType.SYMLINK) {
            if (r.type() == FileType.REGULAR || r.type() == FileType.DIRECTORY) {
                Files.setAttribute(p, "unix:mode", r.mode(), LinkOption.NOFOLLOW_LINKS);
            } else {
                // FIFOs and devices: JDK 17 does a no-follow chmod by opening the entry, which blocks
                // on a FIFO and may act on a device; they are not symlinks, so plain chmod(2) is exact
                Files.setAttribute(p, "unix:mode", r.mode());
            }
        }
        NativeFs.setMtimeNoFollow(p, r.mtimeNs()); // never opens the entry (a FIFO would block)
    }

    /**
     * Makes the entry's extended attributes those of the record: removes the others, sets the
     * missing and different ones. One the process may not set here (trusted.* or security.* when
     * not root, user.* on a symlink, a file system without xattrs) is skipped and reported once
     * per attribute name in the log: the rest of the entry is still applied.
     */
    private void setXattrs(Path p, FileRecord r) throws IOException {
        Xattrs have = EntryReader.readXattrs(p);
        if (have.isEmpty() && r.xattrs().isEmpty()) {
            return;
        }
        for (String name : have.names()) {
            if (r.xattrs().get(name) == null) {
                try {
                    NativeFs.removeXattr(p, rawName(name));
                } catch (NativeFs.ErrnoException e) {
                    skipped(name, e);
                }
            }
        }
        for (java.util.Map.Entry<String, byte[]> x : r.xattrs()) {
            if (!java.util.Arrays.equals(have.get(x.getKey()), x.getValue())) {
                try {
                    NativeFs.setXattr(p, rawName(x.getKey()), x.getValue());
                } catch (NativeFs.ErrnoException e) {
                    skipped(x.getKey(), e);
                }
            }
        }
    }

    private void skipped(String name, NativeFs.ErrnoException e) throws IOException {
        if (!e.notPermittedOrSupported()) {
            throw e;
        }
        if (skippedXattrs.add(name)) {
            LOG.warning(() -> "extended attribute " + NameCodec.display(name) + " cannot be set under " + root
                    + " (" + e.getMessage() + "); entries keep going without it (reported once per name)");
        }
    }

    /** NativeFs takes xattr names as one char per byte. */
    private static String rawName(String name) {
        return new String(NameCodec.encode(name), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * The signature to record for the entry the node just wrote as {@code r}. Between the node's
     * last write and this lstat a user may have changed the entry (an operator who sees a file
     * arrive and at once chowns it): if the entry no longer shows {@code r}, the signature is
     * {@linkplain StatSignature#unsettled() unsettled}, so the user's change is not taken for the
     * node's own write and the next scan records it as a new version (or, if the entry is gone, as
     * a removal). A directory keeps the mtime the node gave it in the signature: if an entry created
     * or removed in it moved its mtime (the user's, or the node's own temp file), the next scan sees
     * a time-only change and tells whose it was (a recorded change of a child, or else nobody's:
     * the mtime is put back). A change of extended attributes alone in that window is not seen here.
     */
    private static StatSignature written(Path target, FileRecord r) throws IOException {
        Optional<Lstat> st = EntryReader.lstat(target);
        if (st.isEmpty() || st.get().type() == null) {
            return StatSignature.vanished();
        }
        return ownWrite(st.get(), r);
    }

    /** The signature to record for an entry found as {@code st} right after the node wrote it as {@code r} (see {@link #written}). */
    public static StatSignature ownWrite(Lstat st, FileRecord r) {
        StatSignature s = st.signature();
        if (shows(st, r)) {
            return s;
        }
        return (r.type() == FileType.DIRECTORY ? s.withMtime(r.mtimeNs()) : s).unsettled();
    }

    /**
     * True when the entry has {@code r}'s type, mtime, mode, size (regular files) and, when this
     * process sets owners (root), owner. Not as root, the kernel may clear a setgid bit the node
     * sets (a group the process is not in): that bit is not compared.
     */
    public static boolean shows(Lstat st, FileRecord r) {
        StatSignature s = st.signature();
        int modeMask = ROOT ? 07777 : 05777;
        return st.type() == r.type()
                && s.mtimeNs() == r.mtimeNs()
                && (r.type() == FileType.SYMLINK || (s.mode() & modeMask) == (r.mode() & modeMask))
                && (r.type() != FileType.REGULAR || s.size() == r.size())
                && (!ROOT || s.uid() == r.uid() && s.gid() == r.gid());
    }

    private static StatSignature signatureOf(Path target, String rel) throws IOException {
        Optional<Lstat> st = EntryReader.lstat(target);
        if (st.isEmpty() || st.get().type() == null) {
            throw new LocalChangedException(rel);
        }
        return st.get().signature();
    }

    /** fsync of a directory, so a rename or removal in it survives a crash. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

}
