package io.syncnode.node.apply;

import static io.syncnode.node.apply.MetadataWriter.ROOT;

import io.syncnode.node.os.ConfinedFs;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.scan.EntryReader.Lstat;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The stat signatures of an apply's target: before the change, the check that the entry on disk
 * is still the one the index holds ({@link #checkExpected}, else {@link LocalChangedException});
 * after it, the signature to record for the node's own write ({@link #written}), unsettled when
 * the entry no longer shows the record.
 */
final class TargetSignatures {
    private TargetSignatures() {
    }

    /** Throws {@link LocalChangedException} unless the target is as {@code expected} (null: absent). */
    static void checkExpected(String rel, Path target, StatSignature expected) throws IOException {
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

    /**
     * Removes the target when the index holds a directory there, so that the rename of an entry
     * of another type can take its place; a directory that still has children stays
     * ({@link java.nio.file.DirectoryNotEmptyException}).
     */
    static void removeDirectoryInTheWay(ConfinedFs fs, Path target, StatSignature expected) throws IOException {
        if (expected != null && (expected.mode() & 0170000) == 0040000) {
            fs.delete(target); // throws DirectoryNotEmptyException when it still has children
        }
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
    static StatSignature written(Path target, FileRecord r) throws IOException {
        Optional<Lstat> st = EntryReader.lstat(target);
        if (st.isEmpty() || st.get().type() == null) {
            return StatSignature.vanished();
        }
        return ownWrite(st.get(), r);
    }

    /** See {@link Applier#ownWrite}. */
    static StatSignature ownWrite(Lstat st, FileRecord r) {
        StatSignature s = st.signature();
        if (shows(st, r)) {
            return s;
        }
        return (r.type() == FileType.DIRECTORY ? s.withMtime(r.mtimeNs()) : s).unsettled();
    }

    /** See {@link Applier#shows}. */
    static boolean shows(Lstat st, FileRecord r) {
        StatSignature s = st.signature();
        int modeMask = ROOT ? 07777 : 05777;
        return st.type() == r.type()
                && s.mtimeNs() == r.mtimeNs()
                && (r.type() == FileType.SYMLINK || (s.mode() & modeMask) == (r.mode() & modeMask))
                && (r.type() != FileType.REGULAR || s.size() == r.size())
                && (!ROOT || s.uid() == r.uid() && s.gid() == r.gid());
    }

    /** The signature of the entry now; {@link LocalChangedException} if it is gone. */
    static StatSignature signatureOf(Path target, String rel) throws IOException {
        Optional<Lstat> st = EntryReader.lstat(target);
        if (st.isEmpty() || st.get().type() == null) {
            throw new LocalChangedException(rel);
        }
        return st.get().signature();
    }
}
