package io.syncnode.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where two indexes of one folder differ, path by path: what {@code syncnode diff} shows (csync2
 * {@code -T}). Compares records, not disks: this node's index against a peer's, as each last
 * scanned or applied them. Pure and stateless; thread-safe.
 *
 * <p>Implementation notes: versions are not compared (two nodes that hold the same entry under
 * different vectors do not differ on disk), nor is {@code modifiedBy}. A tombstone is the absence
 * of the entry: tombstones on both sides are no difference, a live record against a tombstone or
 * no record is "missing here" or "missing there". Two live entries of different types differ only
 * in {@link Kind#TYPE}: their other fields describe different things. Paths come out in
 * {@link String#compareTo} order of their name text, so the output is stable.
 */
public final class IndexDiff {
    private IndexDiff() {
    }

    /** One way two records of a path differ; {@link #label} is how the CLI and JSON name it. */
    public enum Kind {
        /** The peer has a live entry, this node none (or a tombstone). */
        MISSING_HERE("missing-here"),
        /** This node has a live entry, the peer none (or a tombstone). */
        MISSING_THERE("missing-there"),
        /** Both live, of different types (a file here, a directory there). */
        TYPE("type"),
        /** Regular files: size or content hash. */
        CONTENT("content"),
        /** Symlinks: the link target. */
        TARGET("target"),
        /** Devices: the device number. */
        DEVICE("device"),
        /** Permission bits including setuid, setgid, sticky. */
        MODE("mode"),
        /** Numeric owner or group. */
        OWNER("owner"),
        /** Modification time (ns). */
        MTIME("mtime"),
        /** Extended attributes, including POSIX ACLs. */
        XATTRS("xattrs"),
        /** Hard-link group (which first name a file is linked to). */
        HARD_LINK("hard-link");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The kind as written in output: lower case, words joined by '-'. */
        public String label() {
            return label;
        }
    }

    /**
     * A path whose records differ.
     *
     * @param path  the path (name text)
     * @param here  this node's live record, or null (none, or a tombstone)
     * @param there the peer's live record, or null (none, or a tombstone)
     * @param kinds what differs, never empty, in {@link Kind} order
     */
    public record Difference(String path, FileRecord here, FileRecord there, Set<Kind> kinds) {
        public Difference {
            Objects.requireNonNull(path, "path");
            kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
        }
    }

    /**
     * Every path where {@code here} (this node's records) and {@code there} (the peer's) differ,
     * in path order. Records may come in any order; a path given twice on one side keeps its last.
     */
    public static List<Difference> compare(Collection<FileRecord> here, Collection<FileRecord> there) {
        Map<String, FileRecord> mine = byPath(here);
        Map<String, FileRecord> theirs = byPath(there);
        TreeSet<String> paths = new TreeSet<>(mine.keySet());
        paths.addAll(theirs.keySet());
        List<Difference> out = new ArrayList<>();
        for (String path : paths) {
            FileRecord a = live(mine.get(path));
            FileRecord b = live(theirs.get(path));
            Set<Kind> kinds = kinds(a, b);
            if (!kinds.isEmpty()) {
                out.add(new Difference(path, a, b, kinds));
            }
        }
        return out;
    }

    /**
     * What differs between two records of one path (null or a tombstone: no entry); empty when
     * they describe the same entry, or neither is live.
     */
    public static Set<Kind> kinds(FileRecord here, FileRecord there) {
        FileRecord a = live(here);
        FileRecord b = live(there);
        if (a == null && b == null) {
            return EnumSet.noneOf(Kind.class);
        }
        if (a == null) {
            return EnumSet.of(Kind.MISSING_HERE);
        }
        if (b == null) {
            return EnumSet.of(Kind.MISSING_THERE);
        }
        if (a.type() != b.type()) {
            return EnumSet.of(Kind.TYPE);
        }
        EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
        switch (a.type()) {
            case REGULAR -> {
                if (a.size() != b.size() || !Objects.equals(a.hash(), b.hash())) {
                    kinds.add(Kind.CONTENT);
                }
            }
            case SYMLINK -> {
                if (!Objects.equals(a.symlinkTarget(), b.symlinkTarget())) {
                    kinds.add(Kind.TARGET);
                }
            }
            case CHAR_DEVICE, BLOCK_DEVICE -> {
                if (a.rdev() != b.rdev()) {
                    kinds.add(Kind.DEVICE);
                }
            }
            default -> {
                // directories and FIFOs have no content of their own
            }
        }
        if (a.mode() != b.mode()) {
            kinds.add(Kind.MODE);
        }
        if (a.uid() != b.uid() || a.gid() != b.gid()) {
            kinds.add(Kind.OWNER);
        }
        if (a.mtimeNs() != b.mtimeNs()) {
            kinds.add(Kind.MTIME);
        }
        if (!a.xattrs().equals(b.xattrs())) {
            kinds.add(Kind.XATTRS);
        }
        if (!Objects.equals(a.hardLink(), b.hardLink())) {
            kinds.add(Kind.HARD_LINK);
        }
        return kinds;
    }

    private static FileRecord live(FileRecord r) {
        return r == null || r.deleted() ? null : r;
    }

    private static Map<String, FileRecord> byPath(Collection<FileRecord> records) {
        Map<String, FileRecord> m = new HashMap<>(records.size() * 2);
        for (FileRecord r : records) {
            m.put(r.path(), r);
        }
        return m;
    }
}
