package io.syncnode.node.scan;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileType;
import io.syncnode.node.os.BeneathTree;
import io.syncnode.node.os.ConfinedFs;
import io.syncnode.node.os.ConfinedReads;
import io.syncnode.node.os.LibC;
import io.syncnode.node.os.NativeFs;
import io.syncnode.node.os.NativeStat;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.Xattrs;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one path into a {@link DiskEntry}: lstat (never following links), its extended
 * attributes, the link target (exact bytes) or, for regular files, the SHA-256 of the content,
 * with a second lstat afterwards to catch changes made meanwhile. {@link #read} reaches the entry
 * confined to the folder ({@link ConfinedReads}); the static {@link #lstat} and
 * {@link #readXattrs} act on the path as given.
 *
 * <p>Thread-safe (no shared mutable state; buffers are per call).
 */
public final class EntryReader {
    static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFLNK = 0120000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 0060000;
    static final int S_IFDIR = 0040000;
    static final int S_IFCHR = 0020000;
    static final int S_IFIFO = 0010000;

    private final int inlineLimit;

    /** @param inlineLimit files up to this size keep their content in the entry (for inline announcements) */
    public EntryReader(int inlineLimit) {
        this.inlineLimit = inlineLimit;
    }

    /** The file changed while it was being hashed; read it again once it settles. */
    public static final class ChangedWhileReading extends IOException {
        public ChangedWhileReading(Path path) {
            super(path + " changed while it was read");
        }
    }

    /** lstat of {@code path}, or empty when it does not exist. */
    public static Optional<Lstat> lstat(Path path) throws IOException {
        return Optional.ofNullable(of(NativeStat.lstat(path)));
    }

    /** The {@link Lstat} of what {@link NativeStat} found, or null for null. */
    public static Lstat of(NativeStat.Stat st) {
        if (st == null) {
            return null;
        }
        StatSignature sig = new StatSignature(st.dev(), st.ino(), st.size(), st.mtimeNs(), st.ctimeNs(), st.mode(),
                st.uid(), st.gid());
        return new Lstat(typeOf(st.mode()), sig, st.rdev(), st.nlink());
    }

    /** Result of lstat: the type (null for sockets and unknown types), the signature, rdev and link count. */
    public record Lstat(FileType type, StatSignature signature, long rdev, long nlink) {
        /** True for a unix domain socket (never synced). */
        public boolean socket() {
            return (signature.mode() & S_IFMT) == S_IFSOCK;
        }
    }

    static FileType typeOf(int mode) {
        return switch (mode & S_IFMT) {
            case S_IFREG -> FileType.REGULAR;
            case S_IFDIR -> FileType.DIRECTORY;
            case S_IFLNK -> FileType.SYMLINK;
            case S_IFCHR -> FileType.CHAR_DEVICE;
            case S_IFBLK -> FileType.BLOCK_DEVICE;
            case S_IFIFO -> FileType.FIFO;
            default -> null;
        };
    }

    /**
     * Reads {@code abs} (the path {@code rel} of a folder, {@code ""} or {@code "."} its root).
     * Empty when it does not exist, is a socket (never synced), or cannot be reached inside the
     * folder (a parent is a symlink or not a directory: for the folder there is no such entry).
     * Every call reaches the entry as {@link ConfinedReads#beneath} does, through one descriptor
     * of its parent directory opened beneath the folder root without following symlinks: what is
     * read (attributes, link target, content) is that entry's, never a file outside the folder
     * reached through a directory swapped for a symlink.
     */
    public Optional<DiskEntry> read(Path abs, String rel) throws IOException {
        try {
            return ConfinedReads.beneath(rootOf(abs, rel), abs, at -> readAt(at, abs, rel));
        } catch (ChangedWhileReading e) {
            throw e;
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * The content of the regular file {@code abs} (folder-relative {@code rel}) of at most
     * {@code max} bytes, read now, when its lstat signature before and after the read is
     * {@code expected} (the one indexed with its content hash: the file still holds that content,
     * as a transfer's source trusts it); else empty. Cheaper than {@link #read}: no hash, no
     * extended attributes. Reached beneath the folder root without following a symlink.
     */
    public static Optional<byte[]> contentIfUnchanged(Path abs, String rel, StatSignature expected, int max)
            throws IOException {
        if (expected.size() > max) {
            return Optional.empty();
        }
        try {
            return ConfinedReads.beneath(rootOf(abs, rel), abs, at -> {
                if (!hasSignature(at, expected)) {
                    return Optional.empty();
                }
                byte[] bytes;
                try (InputStream in = ConfinedReads.openAtStream(at, abs)) {
                    bytes = in.readNBytes(max + 1);
                }
                return bytes.length == expected.size() && hasSignature(at, expected) ? Optional.of(bytes)
                        : Optional.empty();
            });
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (NativeFs.ErrnoException e) {
            if (e.errno() == LibC.ELOOP || e.errno() == LibC.EISDIR) {
                return Optional.empty(); // no longer a regular file
            }
            throw e;
        }
    }

    /** Whether the entry at {@code at} exists with exactly the lstat signature {@code expected}. */
    private static boolean hasSignature(Path at, StatSignature expected) throws IOException {
        return lstat(at).map(st -> st.signature().equals(expected)).orElse(false);
    }

    /**
     * {@link #read} of an entry found by a confined walk ({@link FolderWalker}), reached from the
     * directory the walk holds open instead of by a lookup from the root: the walk's lstat is the
     * first one, the content is read through {@code openat(O_NOFOLLOW)} of its name there. Any
     * other kind than a regular file, and a null {@code held}, take {@link #read}.
     */
    public Optional<DiskEntry> read(Path abs, String rel, BeneathTree.Held held) throws IOException {
        Lstat first = held == null ? null : of(held.stat());
        if (first == null || first.type() != FileType.REGULAR) {
            return read(abs, rel);
        }
        Xattrs xattrs;
        try {
            xattrs = readXattrs(held.proc());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (NativeFs.ErrnoException e) {
            throw ConfinedFs.renamed(e, abs);
        }
        return Optional.of(readRegular(() -> ConfinedReads.openRegularIn(held.dirFd(), held.nameZ(), abs),
                () -> Optional.ofNullable(of(NativeStat.lstatAt(held.dirFd(), held.nameZ(), abs))), abs, rel, first,
                xattrs));
    }

    /** The folder root of {@code abs}, which names the folder's path {@code rel}. */
    static Path rootOf(Path abs, String rel) {
        if (rel.isEmpty() || rel.equals(".")) {
            return abs;
        }
        int up = rel.split("/", -1).length;
        if (abs.getNameCount() <= up) {
            return abs.getRoot();
        }
        return abs.getRoot().resolve(abs.subpath(0, abs.getNameCount() - up));
    }

    /** {@link #read} of the entry at {@code at} (a path naming exactly it), {@code abs} naming it in errors. */
    private Optional<DiskEntry> readAt(Path at, Path abs, String rel) throws IOException {
        Optional<Lstat> first = lstat(at);
        if (first.isEmpty() || first.get().type() == null) {
            return Optional.empty();
        }
        Lstat st = first.get();
        StatSignature sig = st.signature();
        int perm = sig.mode() & 07777;
        FileType type = st.type();
        Xattrs xattrs;
        try {
            xattrs = readXattrs(at);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Optional<DiskEntry> entry = switch (type) {
            case REGULAR -> Optional.of(readRegular(at, abs, rel, st, xattrs));
            case SYMLINK -> {
                String target;
                try {
                    target = NameCodec.decode(NativeFs.readlink(at));
                } catch (NoSuchFileException e) {
                    yield Optional.empty();
                }
                yield Optional.of(new DiskEntry(rel, type, perm, sig.uid(), sig.gid(), sig.mtimeNs(), 0, null,
                        target, 0, sig, null, xattrs, st.nlink()));
            }
            case CHAR_DEVICE, BLOCK_DEVICE -> Optional.of(new DiskEntry(rel, type, perm, sig.uid(), sig.gid(),
                    sig.mtimeNs(), 0, null, null, st.rdev(), sig, null, xattrs, st.nlink()));
            default -> Optional.of(new DiskEntry(rel, type, perm, sig.uid(), sig.gid(), sig.mtimeNs(), 0, null,
                    null, 0, sig, null, xattrs, st.nlink()));
        };
        if (entry.isPresent() && type != FileType.REGULAR) {
            // attributes and link target are read after the first lstat: a change meanwhile shows in a second
            Optional<Lstat> after = lstat(at);
            if (after.isEmpty() || !after.get().signature().equals(sig)) {
                throw new ChangedWhileReading(abs);
            }
        }
        return entry;
    }

    /**
     * Every extended attribute of {@code abs} itself this process may read (POSIX ACLs and, as
     * root, trusted.* and security.* included), names in {@link NameCodec} form.
     */
    public static Xattrs readXattrs(Path abs) throws IOException {
        Map<String, byte[]> raw;
        try {
            raw = NativeFs.listXattrs(abs);
        } catch (NativeFs.ErrnoException e) {
            if (e.errno() == 2) { // ENOENT
                throw new NoSuchFileException(abs.toString());
            }
            throw e;
        }
        if (raw.isEmpty()) {
            return Xattrs.EMPTY;
        }
        Map<String, byte[]> named = new java.util.TreeMap<>();
        raw.forEach((k, v) -> named.put(NameCodec.decode(k.getBytes(StandardCharsets.ISO_8859_1)), v));
        try {
            return Xattrs.of(named);
        } catch (IllegalArgumentException e) {
            throw new IOException("extended attributes of " + abs + ": " + e.getMessage(), e);
        }
    }

    private DiskEntry readRegular(Path at, Path abs, String rel, Lstat before, Xattrs xattrs) throws IOException {
        // a small file is read once through its descriptor (no channel: a burst of new files was
        // spending a fifth of its read time making FileChannels); a large one through a channel
        Source source = before.signature().size() <= inlineLimit ? () -> ConfinedReads.openAtStream(at, abs)
                : () -> Channels.newInputStream(ConfinedReads.openAt(at, abs));
        return readRegular(source, () -> lstat(at), abs, rel, before, xattrs);
    }

    /** How {@link #readRegular} reaches the file: opening it, and its lstat once read. */
    private interface Source {
        InputStream open() throws IOException;
    }

    private interface Restat {
        Optional<Lstat> lstat() throws IOException;
    }

    private DiskEntry readRegular(Source source, Restat restat, Path abs, String rel, Lstat before, Xattrs xattrs)
            throws IOException {
        StatSignature sig = before.signature();
        MessageDigest sha = sha256();
        byte[] inline = null;
        long total = 0;
        try (InputStream in = source.open()) {
            if (sig.size() <= inlineLimit) {
                inline = in.readNBytes(inlineLimit + 1);
                total = inline.length;
                sha.update(inline);
                if (inline.length > inlineLimit) {
                    throw new ChangedWhileReading(abs);
                }
            } else {
                byte[] buf = new byte[1 << 20];
                int n;
                while ((n = in.read(buf)) > 0) {
                    sha.update(buf, 0, n);
                    total += n;
                }
            }
        } catch (NoSuchFileException e) {
            throw new ChangedWhileReading(abs);
        } catch (NativeFs.ErrnoException e) {
            if (e.errno() == LibC.ELOOP || e.errno() == LibC.EISDIR) {
                throw new ChangedWhileReading(abs); // no longer a regular file (a symlink, a FIFO swapped in)
            }
            throw e;
        }
        Optional<Lstat> after = restat.lstat();
        if (after.isEmpty() || !after.get().signature().equals(sig) || total != sig.size()) {
            throw new ChangedWhileReading(abs);
        }
        return new DiskEntry(rel, FileType.REGULAR, sig.mode() & 07777, sig.uid(), sig.gid(), sig.mtimeNs(),
                total, ContentHash.of(sha.digest()), null, 0, sig, inline, xattrs, before.nlink());
    }

    /**
     * A never-used SHA-256 digest that {@link #sha256} copies: a clone costs a few arrays, while
     * {@link MessageDigest#getInstance} looks the provider up each time (a tenth of a new small
     * file's read).
     */
    private static final MessageDigest SHA256_PROTOTYPE = newSha256();

    /** A fresh SHA-256 digest (always present in the JDK). */
    public static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
