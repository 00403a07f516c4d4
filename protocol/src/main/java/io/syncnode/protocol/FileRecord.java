package io.syncnode.protocol;

import java.util.Objects;

/**
 * What the cluster knows about one path of a folder: its metadata, its content hash and its
 * version. A tombstone ({@code deleted}) keeps the version of the delete so that it can win over
 * older versions and lose to newer ones.
 *
 * @param path          relative path, validated by {@link RelativePath}
 * @param type          entry type
 * @param mode          permission bits including setuid/setgid/sticky (07777 mask)
 * @param uid           numeric owner
 * @param gid           numeric group
 * @param mtimeNs       modification time in ns since the epoch (files, directories, symlinks, specials)
 * @param size          content length (regular files), else 0
 * @param hash          SHA-256 of the content (regular files), else null
 * @param symlinkTarget link target (symlinks), else null
 * @param rdev          device number (devices), else 0
 * @param version       version vector
 * @param deleted       tombstone flag
 * @param modifiedBy    id of the node that made this version
 * @param xattrs        extended attributes incl. POSIX ACLs (never null)
 * @param hardLink      regular files of a hard-link group other than its first name: the path of
 *                      the group's first name (smallest path; the group's other names point to it,
 *                      same content and metadata, one inode), else null
 */
public record FileRecord(String path, FileType type, int mode, int uid, int gid, long mtimeNs, long size,
                         ContentHash hash, String symlinkTarget, long rdev, VersionVector version,
                         boolean deleted, long modifiedBy, Xattrs xattrs, String hardLink) {

    public FileRecord {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(xattrs, "xattrs");
        if (type == FileType.REGULAR && !deleted && hash == null) {
            throw new IllegalArgumentException("regular file record without content hash: " + path);
        }
        if (hardLink != null && (type != FileType.REGULAR || deleted || hardLink.compareTo(path) >= 0)) {
            throw new IllegalArgumentException("hard link of " + path + " to " + hardLink
                    + ": only a live regular file links, to a smaller path");
        }
    }

    /** A record without extended attributes and outside any hard-link group. */
    public FileRecord(String path, FileType type, int mode, int uid, int gid, long mtimeNs, long size,
                      ContentHash hash, String symlinkTarget, long rdev, VersionVector version,
                      boolean deleted, long modifiedBy) {
        this(path, type, mode, uid, gid, mtimeNs, size, hash, symlinkTarget, rdev, version, deleted, modifiedBy,
                Xattrs.EMPTY, null);
    }

    /** A tombstone for this path at {@code newVersion}, made by {@code node}. */
    public FileRecord asDeleted(VersionVector newVersion, long node) {
        return new FileRecord(path, type, mode, uid, gid, mtimeNs, 0, null, null, 0, newVersion, true, node,
                Xattrs.EMPTY, null);
    }

    public FileRecord withVersion(VersionVector newVersion, long node) {
        return new FileRecord(path, type, mode, uid, gid, mtimeNs, size, hash, symlinkTarget, rdev, newVersion,
                deleted, node, xattrs, hardLink);
    }

    /** This record with other extended attributes. */
    public FileRecord withXattrs(Xattrs x) {
        return new FileRecord(path, type, mode, uid, gid, mtimeNs, size, hash, symlinkTarget, rdev, version,
                deleted, modifiedBy, x, hardLink);
    }

    /** This record as a member of the hard-link group whose first name is {@code first} (null: none). */
    public FileRecord withHardLink(String first) {
        return new FileRecord(path, type, mode, uid, gid, mtimeNs, size, hash, symlinkTarget, rdev, version,
                deleted, modifiedBy, xattrs, first);
    }

    /**
     * True when both records describe the same entry on disk (type, content, metadata, deleted),
     * whatever their versions: two such records are not a conflict.
     */
    public boolean sameEntry(FileRecord o) {
        if (deleted || o.deleted) {
            return deleted == o.deleted;
        }
        return type == o.type && mode == o.mode && uid == o.uid && gid == o.gid && mtimeNs == o.mtimeNs
                && size == o.size && Objects.equals(hash, o.hash)
                && Objects.equals(symlinkTarget, o.symlinkTarget) && rdev == o.rdev
                && xattrs.equals(o.xattrs) && Objects.equals(hardLink, o.hardLink);
    }

    /**
     * True when only metadata differs from {@code o} (same type and same content): owner, mode,
     * mtime, extended attributes and hard-link group change without content bytes.
     */
    public boolean sameContent(FileRecord o) {
        return !deleted && !o.deleted && type == o.type && size == o.size && Objects.equals(hash, o.hash)
                && Objects.equals(symlinkTarget, o.symlinkTarget) && rdev == o.rdev;
    }
}
