package io.syncnode.node.apply;

import io.syncnode.node.os.ConfinedFs;
import io.syncnode.node.os.NativeFs;
import io.syncnode.node.os.NewFile;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.scan.EntryReader.Lstat;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Gives an entry the metadata of its record: owner, extended attributes (ACLs and capabilities
 * included), mode and mtime, in the order that keeps each of them (see {@link #set}), never
 * following a symlink in any component (every change goes through {@link ConfinedFs}) and never
 * opening a FIFO or a device. An attribute this process may not set here is skipped and reported
 * once per name for the folder. Thread-safe (the skipped names are a concurrent set).
 */
final class MetadataWriter {
    /** Whether this process sets owners (and so compares them, see {@link TargetSignatures#shows}). */
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final Logger LOG = Logger.getLogger(Applier.class.getName());

    private final ConfinedFs fs;
    private final Set<String> skippedXattrs = ConcurrentHashMap.newKeySet();

    MetadataWriter(ConfinedFs fs) {
        this.fs = fs;
    }

    /**
     * Owner first (chown clears setuid/setgid and security.capability), then the extended
     * attributes (ACLs included), then the mode (after an ACL, so the mode's group bits are the
     * mask as recorded), then the mtime last (nothing after it changes it).
     */
    void set(Path p, FileRecord r) throws IOException {
        Optional<Lstat> st = EntryReader.lstat(p);
        if (st.isEmpty()) {
            throw new NoSuchFileException(p.toString());
        }
        StatSignature s = st.get().signature();
        if (ROOT && (s.uid() != r.uid() || s.gid() != r.gid())) {
            fs.chown(p, r.uid(), r.gid());
        }
        setXattrs(p, r);
        if (r.type() != FileType.SYMLINK) {
            fs.chmod(p, r.mode()); // exact bits, whatever the umask; a FIFO or device is not opened
        }
        fs.setMtime(p, r.mtimeNs()); // never opens the entry (a FIFO would block)
    }

    /**
     * As {@link #set}, for a regular file this node just created and holds open ({@code f} at
     * {@code p}): owner, mode and mtime through its descriptor, the extended attributes as {@link
     * #set} does (a new file may have inherited a default ACL or a security label).
     */
    void setNew(NewFile f, Path p, FileRecord r) throws IOException {
        if (ROOT) {
            f.chown(r.uid(), r.gid());
        }
        setXattrs(p, r);
        f.chmod(r.mode());
        f.setMtime(r.mtimeNs());
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
                    fs.removeXattr(p, rawName(name));
                } catch (NativeFs.ErrnoException e) {
                    skipped(name, e);
                }
            }
        }
        for (Map.Entry<String, byte[]> x : r.xattrs()) {
            if (!Arrays.equals(have.get(x.getKey()), x.getValue())) {
                try {
                    fs.setXattr(p, rawName(x.getKey()), x.getValue());
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
            LOG.warning(() -> "extended attribute " + NameCodec.display(name) + " cannot be set under " + fs.root()
                    + " (" + e.getMessage() + "); entries keep going without it (reported once per name)");
        }
    }

    /** NativeFs takes xattr names as one char per byte. */
    private static String rawName(String name) {
        return new String(NameCodec.encode(name), StandardCharsets.ISO_8859_1);
    }
}
