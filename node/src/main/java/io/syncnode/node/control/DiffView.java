package io.syncnode.node.control;

import java.util.List;

/**
 * {@code diff}'s answer: {"node", "compared", "differences"}. Paths and other names are name text
 * (NameCodec); the CLI shows them escaped.
 *
 * @param node        this node's name
 * @param compared    each (folder, peer) pair compared, with how many records each side holds
 * @param differences one entry per (folder, path, peer) that differs, by folder, peer, then path
 */
public record DiffView(String node, List<Compared> compared, List<Difference> differences) {
    public DiffView {
        compared = List.copyOf(compared);
        differences = List.copyOf(differences);
    }

    /** A folder compared with one peer: {"folder", "peer", "here", "there"} (live records on each side). */
    public record Compared(String folder, String peer, long here, long there) {
    }

    /**
     * One path that differs: {"folder", "path", "peer", "kinds", "here", "there"}; {@code kinds}
     * are IndexDiff labels (missing-here, missing-there, type, content, target, device, mode, owner,
     * mtime, xattrs, hard-link); a side is null where the entry is missing (or deleted).
     */
    public record Difference(String folder, String path, String peer, List<String> kinds, Side here, Side there) {
        public Difference {
            kinds = List.copyOf(kinds);
        }
    }

    /**
     * One side's entry: type (file, dir, symlink, char, block, fifo), mode in octal, owner, mtime
     * (ISO-8601 with ns), size, content hash (hex; files), symlink target, device number, xattr
     * names.
     */
    public record Side(String type, String mode, int uid, int gid, String mtime, long size, String hash, String target,
                       long rdev, List<String> xattrs) {
        public Side {
            xattrs = List.copyOf(xattrs);
        }
    }
}
