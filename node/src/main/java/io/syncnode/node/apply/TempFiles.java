package io.syncnode.node.apply;

import io.syncnode.node.os.ConfinedFs;
import io.syncnode.node.os.NewFile;
import io.syncnode.node.os.PathBytes;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.scan.EntryReader.Lstat;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The temp entries {@link Applier} writes beside their targets before renaming them over: their
 * names ({@value Applier#TEMP_PREFIX} + a name + a random part, so the watcher and the scanner
 * ignore them and no two collide), the removal of one that failed (also after a user moved its
 * directory) and of the leftovers of a crashed node, and the temp name that keeps a large file an
 * install replaced until its batch is done ({@link #keepReplaced}). Temp files are created with O_EXCL and mode
 * 0600 ({@link Applier#createTemp}); every removal goes through {@link ConfinedFs}, so a temp name
 * or a parent swapped for a symlink never makes it remove anything outside the folder.
 * Thread-safe (stateless apart from the root).
 */
final class TempFiles {
    private static final Logger LOG = Logger.getLogger(Applier.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The most entries {@link #discard} looks at to find a temp file that moved. */
    private static final long STRAY_TEMP_SEARCH = 1_000_000;

    private final Path root;
    private final ConfinedFs fs;

    TempFiles(ConfinedFs fs) {
        this.root = fs.root();
        this.fs = fs;
    }

    /** A temp name in {@code parent} for the entry {@code name}, cut to 100 bytes' worth of whole characters. */
    static Path nameFor(Path parent, String name) {
        int end = 0;
        while (end < name.length() && end < 100) {
            end += Character.charCount(name.codePointAt(end));
        }
        return PathBytes.resolve(parent,
                NameCodec.encode(Applier.TEMP_PREFIX + name.substring(0, end) + "." + random()));
    }

    /** A temp name beside the target, for an entry created in place (link, device, FIFO). */
    static Path beside(Path parent, String kind) {
        return parent.resolve(Applier.TEMP_PREFIX + kind + "." + random());
    }

    /** Writes the content of a new temp file. */
    interface Content {
        void writeTo(FileChannel ch) throws IOException;
    }

    /** Creates {@code temp} (O_EXCL, 0600) and writes {@code content} into it; removed again if that fails. */
    Path fill(Path temp, Content content) throws IOException {
        try (FileChannel ch = fs.createExclusive(temp)) {
            content.writeTo(ch);
        } catch (FileAlreadyExistsException e) {
            throw e; // not ours (48 random bits: a user's doing): left alone
        } catch (IOException | RuntimeException e) {
            discard(temp);
            throw e;
        }
        return temp;
    }

    /** Writes the content and metadata of a new temp file through its descriptor. */
    interface NewContent {
        void writeTo(NewFile f) throws IOException;
    }

    /**
     * As {@link #fill}, through the new file's own descriptor ({@link ConfinedFs#createNew}):
     * removed again if {@code content} fails, left alone if the name was taken.
     */
    Path fillNew(Path temp, NewContent content) throws IOException {
        try (NewFile f = fs.createNew(temp)) {
            try {
                content.writeTo(f);
            } catch (IOException | RuntimeException e) {
                f.close();
                discard(temp);
                throw e;
            }
        }
        return temp;
    }

    /** See {@link Applier#removeTempIfPresent}. */
    void removeIfPresent(Path temp) {
        try {
            fs.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warning(() -> "cannot remove temp file " + temp + " (" + e.getMessage() + "); the next start removes it");
        }
    }

    /** See {@link Applier#discardTemp}. */
    void discard(Path temp) {
        try {
            try {
                if (fs.deleteIfExists(temp)) {
                    return;
                }
            } catch (IOException e) {
                // a parent is no longer a directory (a symlink now): the temp may have moved, looked for below
                LOG.fine(() -> "temp file " + temp + " is not where it was made (" + e.getMessage() + ")");
            }
            String name = temp.getFileName().toString();
            if (!Applier.isTempName(name) || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Optional<Path> moved;
            try (Stream<Path> walk = Files.walk(root)) {
                moved = walk.limit(STRAY_TEMP_SEARCH).filter(p -> p.getFileName() != null
                        && p.getFileName().toString().equals(name)).findFirst();
            }
            if (moved.isPresent()) {
                fs.deleteIfExists(moved.get());
                LOG.fine(() -> "removed temp file " + moved.get() + " (its directory was moved during the apply)");
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warning(() -> "cannot remove temp file " + temp + " (" + e.getMessage() + "); the next start removes it");
        }
    }

    /**
     * See {@link Applier#removeLeftoverTemp}. Tolerates anything it finds: an entry it cannot
     * remove is logged and left. It never follows a link and never empties a directory: a temp-named
     * directory (a local user's, or one an older version let a remote record make) is removed only
     * when empty, else left with a warning (nothing below a temp name is ever synced).
     */
    boolean removeLeftover(Path entry, boolean directory) {
        if (directory) {
            try {
                fs.delete(entry); // rmdir: only when empty
                return true;
            } catch (IOException e) {
                LOG.warning(() -> "left the temp-named directory " + entry + " (" + e + "); nothing below a"
                        + " temp name is synced, remove it by hand");
                return false;
            }
        }
        try {
            return fs.deleteIfExists(entry);
        } catch (IOException e) {
            LOG.warning(() -> "cannot remove leftover temp file " + entry + " (" + e.getMessage() + ")");
            return false;
        }
    }

    /** 12 random hex digits: the part of a temp name that makes it unique. */
    private static String random() {
        byte[] rnd = new byte[6];
        RANDOM.nextBytes(rnd);
        return HexFormat.of().formatHex(rnd);
    }

    /** A replaced file at least this large is freed after its batch ({@link Applier#install}). */
    static final long RELEASE_LATER_AT = 8L << 20;

    /**
     * Another name (a temp name beside it) of the regular file of {@value #RELEASE_LATER_AT} bytes or
     * more at {@code target}, which has the signature {@code expected} and no other name; null for
     * any other entry, or when the link fails (no hard links there, a race): the rename then frees it.
     */
    Path keepReplaced(Path target, StatSignature expected) {
        if (expected == null || (expected.mode() & 0170000) != 0100000 || expected.size() < RELEASE_LATER_AT) {
            return null;
        }
        try {
            Optional<Lstat> st = EntryReader.lstat(target);
            if (st.isEmpty() || st.get().type() != FileType.REGULAR || st.get().nlink() != 1) {
                return null; // another name keeps its blocks anyway
            }
            Path kept = beside(target.getParent(), "old");
            fs.link(target, kept);
            return kept;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Removes the names {@link #keepReplaced} made, which frees their files. A failure is logged:
     * the name is a temp name, which the next start's first scan removes.
     */
    void release(List<Path> kept) {
        for (Path k : kept) {
            try {
                fs.deleteIfExists(k);
            } catch (IOException e) {
                LOG.warning(() -> "could not remove " + k + ", another name of a replaced file: " + e.getMessage()
                        + " (removed at the next start)");
            }
        }
    }
}
