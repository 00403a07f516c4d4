package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.apply.LocalChangedException;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What is left to do on disk after the node applied remote entries, so that its own writes leave
 * the tree exactly as recorded and are never taken for local changes: directories whose children
 * it changed get their recorded mtime back, names of a hard-link group are linked to one inode
 * again, and the other names of an inode whose ctime the node moved get their new signature.
 *
 * <p>Confined to the folder's worker thread, like the {@link RemoteApplier} that feeds it.
 */
final class ApplyFinisher {
    private static final Logger LOG = Logger.getLogger(ApplyFinisher.class.getName());
    private final String folder;
    private final IndexBuffer buffer;
    private final Applier applier;
    private final Consumer<String> scanLater;
    private final Problems problems;
    /** Directories whose children this node changed: their mtimes are restored by {@link #finish}. */
    private final Set<String> touchedDirs = new LinkedHashSet<>();
    /** Regular files applied: hard-link groups they belong to are checked by {@link #finish}. */
    private final Set<String> linkChecks = new TreeSet<>();

    ApplyFinisher(String folder, IndexBuffer buffer, Applier applier, Consumer<String> scanLater,
                  Problems problems) {
        this.folder = folder;
        this.buffer = buffer;
        this.applier = applier;
        this.scanLater = scanLater;
        this.problems = problems;
    }

    /** The node wrote into directory {@code dir} (a record path): its mtime is restored by {@link #finish}. */
    void touched(String dir) {
        touchedDirs.add(dir);
    }

    /** The node applied regular file {@code path}: its hard-link group is checked by {@link #finish}. */
    void checkLinks(String path) {
        linkChecks.add(path);
    }

    /**
     * After the node's own writes: directories whose children it changed get their recorded mtime
     * back, and names of hard-link groups that are separate files but should be one inode (their
     * first name was replaced, or arrived after them) are linked again. Each records the new stat
     * signature, so none of it is seen as a local change.
     */
    void finish() {
        // the names linking to the checked paths, read together (a query per file was 4 % of a
        // new node's worker in a seed); nothing here flushes the buffer, so they stay current
        Set<String> read = linkChecks.size() > 1 ? Set.copyOf(linkChecks) : Set.of();
        Map<String, List<StoredFile>> indexed = read.isEmpty() ? Map.of() : buffer.indexedLinksTo(read);
        while (!linkChecks.isEmpty()) {
            String p = linkChecks.iterator().next();
            linkChecks.remove(p);
            StoredFile cur = buffer.current(p);
            if (cur == null || cur.record().deleted() || cur.record().type() != FileType.REGULAR) {
                continue;
            }
            if (cur.record().hardLink() != null) {
                relink(cur, cur.record().hardLink());
            }
            for (StoredFile m : read.contains(p) ? buffer.linkedTo(p, indexed) : buffer.linkedTo(p)) {
                relink(m, p);
            }
        }
        List<String> dirs = new ArrayList<>(touchedDirs);
        touchedDirs.clear();
        for (String d : dirs) {
            StoredFile cur = buffer.current(d);
            if (cur == null || cur.record().deleted() || cur.record().type() != FileType.DIRECTORY
                    || cur.stat() == null) {
                continue;
            }
            try {
                Optional<EntryReader.Lstat> now = EntryReader.lstat(applier.resolve(d));
                StatSignature was = cur.stat();
                if (now.isEmpty() || now.get().signature().equals(was)) {
                    continue;
                }
                StatSignature n = now.get().signature();
                if (n.ino() != was.ino() || n.mode() != was.mode() || n.uid() != was.uid() || n.gid() != was.gid()) {
                    continue; // changed here meanwhile in another way: the scanner looks at it
                }
                Optional<StatSignature> sig = applier.restoreDirectoryTime(d, cur.record().mtimeNs());
                LOG.finest(() -> folder + ": restored mtime of " + NameCodec.display(d) + " to " + cur.record().mtimeNs()
                        + " (was " + n.mtimeNs() + ")");
                sig.ifPresent(x -> buffer.put(IndexBuffer.Put.quiet(cur.record(), x)));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, folder + ": restoring the mtime of " + NameCodec.display(d) + " failed", e);
                scanLater.accept(d);
            }
        }
    }

    /**
     * Makes {@code listed}'s path another name of {@code first}'s inode when both records have the
     * same content and both are on disk as different inodes. The path's record and signature are
     * read from the buffer again: {@code listed} may be a copy taken before an earlier relink of
     * this batch moved its inode's ctime.
     */
    private void relink(StoredFile listed, String first) {
        StoredFile member = buffer.current(listed.record().path());
        StoredFile f = buffer.current(first);
        if (member == null || member.record().deleted() || member.record().type() != FileType.REGULAR) {
            return;
        }
        FileRecord r = member.record();
        if (f == null || f.record().deleted() || f.record().type() != FileType.REGULAR || f.stat() == null
                || member.stat() == null || !r.hash().equals(f.record().hash()) || !first.equals(r.hardLink())) {
            return;
        }
        try {
            Optional<EntryReader.Lstat> a = EntryReader.lstat(applier.resolve(first));
            Optional<EntryReader.Lstat> b = EntryReader.lstat(applier.resolve(r.path()));
            if (a.isEmpty() || b.isEmpty() || a.get().signature().ino() == b.get().signature().ino()
                    || !a.get().signature().equals(f.stat())) {
                return;
            }
            buffer.put(IndexBuffer.Put.quiet(r, linkTo(r, f, member.stat())));
        } catch (LocalChangedException e) {
            scanLater.accept(r.path());
        } catch (IOException | RuntimeException e) {
            problems.put(r.path(), Problems.Kind.HARD_LINK_FAILED,
                    "to " + NameCodec.display(first) + " failed: " + e.getMessage());
        }
    }

    /**
     * Links {@code r}'s path to {@code first}'s inode and records the new signatures of every name
     * this moved: {@code first} and the inode's other names (one name more: a new ctime), and the
     * other names of the inode the path was (one name less: a new ctime too). Without the last, a
     * group whose names shared an inode here and now move to another one (a new, smaller first name
     * joined) would find the second name's signature stale, take the node's own relink of the
     * first for a local change and split the group.
     */
    StatSignature linkTo(FileRecord r, StoredFile first, StatSignature expected) throws IOException {
        StatSignature sig;
        try {
            sig = applier.applyHardLink(r.path(), first.record().path(), r, expected);
        } catch (IOException | RuntimeException e) {
            // the link under a temp name and its removal moved the first name's ctime
            if (first.stat() != null) {
                refreshOtherNames(first.stat(), r.path());
            }
            throw e;
        }
        Optional<EntryReader.Lstat> f = EntryReader.lstat(applier.resolve(first.record().path()));
        if (f.isPresent()) {
            buffer.put(IndexBuffer.Put.quiet(first.record(), Applier.ownWrite(f.get(), first.record())));
        }
        touchedDirs.add(RelativePath.parentRecord(r.path()));
        if (expected != null && (expected.ino() != sig.ino() || expected.dev() != sig.dev())) {
            refreshOtherNames(expected, r.path());
        }
        refreshOtherNames(sig, r.path());
        return sig;
    }

    /**
     * The other names of a hard-link group see the node's own link, unlink and rename of one name
     * as a new ctime: records their new signature when they still match their records, so the
     * scanner does not take the node's own apply for a local change.
     */
    void refreshOtherNames(StatSignature inode, String except) {
        for (StoredFile f : buffer.sameInode(inode.dev(), inode.ino())) {
            FileRecord r = f.record();
            if (r.path().equals(except) || r.type() != FileType.REGULAR || f.stat() == null) {
                continue;
            }
            try {
                Optional<EntryReader.Lstat> now = EntryReader.lstat(applier.resolve(r.path()));
                if (now.isEmpty()) {
                    continue;
                }
                StatSignature n = now.get().signature();
                if (!n.equals(f.stat()) && n.ino() == f.stat().ino() && n.dev() == f.stat().dev()
                        && Applier.shows(now.get(), r)) {
                    buffer.put(IndexBuffer.Put.quiet(r, n));
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, folder + ": refreshing " + NameCodec.display(r.path()) + " failed", e);
            }
        }
    }
}
