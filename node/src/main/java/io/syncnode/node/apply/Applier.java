package io.syncnode.node.apply;

import io.syncnode.node.os.NativeFs;
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
 * <p>Every method takes {@code expected}: the normalised stat signature the index holds for the
 * target (null when the index says it is absent). The target is checked against it just before
 * the final rename or removal; a mismatch throws {@link LocalChangedException}. Callers serialise
 * all applies and scans of one folder (the folder worker), so the check and the rename are not
 * raced by the node itself; a concurrent write by a user between them is found by the next scan.
 *
 * <p>Order on a new file: write, chown (which clears setuid bits), chmod, mtime, fsync, rename,
 * fsync the directory, lstat (the signature the caller records, so the node's own write is not
 * seen as a change).
 */
public final class Applier {
    public static final String TEMP_PREFIX = ".syncnode-tmp.";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path root;

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
     * The absolute path of {@code rel}, after checking that it is valid and that every parent
     * below the root is a real directory (a symlinked parent could lead outside the root).
     */
    public Path resolve(String rel) throws IOException {
        RelativePath.validate(rel);
        Path p = root;
        String[] parts = rel.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            p = p.resolve(parts[i]);
            Optional<Lstat> st = EntryReader.lstat(p);
            if (st.isPresent() && st.get().type() != FileType.DIRECTORY) {
                throw new IOException("parent " + root.relativize(p) + " of " + rel + " is not a directory");
            }
        }
        Path target = p.resolve(parts[parts.length - 1]);
        if (!target.normalize().startsWith(root)) {
            throw new IOException(rel + " resolves outside the folder root");
        }
        return target;
    }

    /** Creates the missing parents of {@code rel} (mode 0755 until their own records arrive). */
    public Path ensureParent(String rel) throws IOException {
        Path target = resolve(rel);
        Path parent = target.getParent();
        if (!parent.equals(root)) {
            Files.createDirectories(parent);
        }
        return parent;
    }

    /** A new, empty temp file beside {@code rel}'s target (parents created as needed). */
    public Path createTemp(String rel) throws IOException {
        Path parent = ensureParent(rel);
        String name = RelativePath.name(rel);
        if (name.length() > 100) {
            name = name.substring(0, 100);
        }
        byte[] rnd = new byte[6];
        RANDOM.nextBytes(rnd);
        return Files.createFile(parent.resolve(TEMP_PREFIX + name + "." + HexFormat.of().formatHex(rnd)));
    }

    /**
     * Gives the finished temp file {@code temp} the record's owner, mode and mtime, makes it
     * durable, renames it over the target and fsyncs the directory.
     */
    public StatSignature commitFile(String rel, Path temp, FileRecord r, StatSignature expected) throws IOException {
        prepare(temp, r);
        StatSignature sig = install(rel, temp, expected);
        fsyncDirectory(resolve(rel).getParent());
        return sig;
    }

    /** Gives a finished temp file the record's owner, mode and mtime and makes it durable (fsync). */
    public void prepare(Path temp, FileRecord r) throws IOException {
        try {
            setOwnerModeTime(temp, r);
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
    public StatSignature install(String rel, Path temp, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        try {
            checkExpected(rel, target, expected);
            removeDirectoryInTheWay(target, expected);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return signatureOf(target, rel);
    }

    /** Changes only owner, mode and mtime of an existing entry whose content is already right. */
    public StatSignature applyMetadata(String rel, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        checkExpected(rel, target, expected);
        setOwnerModeTime(target, r);
        return signatureOf(target, rel);
    }

    /** Creates or updates a directory. */
    public StatSignature applyDirectory(String rel, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        checkExpected(rel, target, expected);
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
        setOwnerModeTime(target, r);
        return signatureOf(target, rel);
    }

    /** Creates or replaces a symlink (never following it). */
    public StatSignature applySymlink(String rel, FileRecord r, StatSignature expected) throws IOException {
        Path target = resolve(rel);
        Path temp = tempBeside(ensureParent(rel), "link");
        Files.createSymbolicLink(temp, Path.of(r.symlinkTarget()));
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
     * Gives a freshly created temp entry the record's owner, mode and mtime and renames it over the
     * target if the target still has the {@code expected} signature; the temp entry never stays.
     */
    private StatSignature replaceWith(String rel, Path target, Path temp, FileRecord r, StatSignature expected)
            throws IOException {
        try {
            setOwnerModeTime(temp, r);
            checkExpected(rel, target, expected);
            removeDirectoryInTheWay(target, expected);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        fsyncDirectory(target.getParent());
        return signatureOf(target, rel);
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
        checkExpected(rel, target, expected);
        Files.delete(target);
        fsyncDirectory(target.getParent());
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
        if (st.isEmpty() || !st.get().normalised().equals(expected)) {
            throw new LocalChangedException(rel);
        }
    }

    private static void removeDirectoryInTheWay(Path target, StatSignature expected) throws IOException {
        if (expected != null && (expected.mode() & 0170000) == 0040000) {
            Files.delete(target); // throws DirectoryNotEmptyException when it still has children
        }
    }

    private static void setOwnerModeTime(Path p, FileRecord r) throws IOException {
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
        if (r.type() == FileType.SYMLINK) {
            NativeFs.setMtimeNoFollow(p, r.mtimeNs());
            return;
        }
        if (r.type() == FileType.REGULAR || r.type() == FileType.DIRECTORY) {
            Files.setAttribute(p, "unix:mode", r.mode(), LinkOption.NOFOLLOW_LINKS);
        } else {
            // FIFOs and devices: JDK 17 does a no-follow chmod by opening the entry, which blocks
            // on a FIFO and may act on a device; they are not symlinks, so plain chmod(2) is exact
            Files.setAttribute(p, "unix:mode", r.mode());
        }
        if (r.type() == FileType.REGULAR) {
            Files.setLastModifiedTime(p, FileTime.from(r.mtimeNs(), TimeUnit.NANOSECONDS));
        } else if (r.type().tracksMtime()) {
            NativeFs.setMtimeNoFollow(p, r.mtimeNs()); // never opens the entry (a FIFO would block)
        }
    }

    private static StatSignature signatureOf(Path target, String rel) throws IOException {
        Optional<Lstat> st = EntryReader.lstat(target);
        if (st.isEmpty() || st.get().type() == null) {
            throw new LocalChangedException(rel);
        }
        return st.get().normalised();
    }

    /** fsync of a directory, so a rename or removal in it survives a crash. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

}
