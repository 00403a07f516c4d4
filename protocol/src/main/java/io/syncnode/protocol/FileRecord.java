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
 * @param mtimeNs       modification time in ns since the epoch (0 for directories)
 * @param size          content length (regular files), else 0
 * @param hash          SHA-256 of the content (regular files), else null
 * @param symlinkTarget link target (symlinks), else null
 * @param rdev          device number (devices), else 0
 * @param version       version vector
 * @param deleted       tombstone flag
 * @param modifiedBy    id of the node that made this version
 */
public record FileRecord(String path, FileType type, int mode, int uid, int gid, long mtimeNs, long size,
                         ContentHash hash, String symlinkTarget, long rdev, VersionVector version,
                         boolean deleted, long modifiedBy) {

    public FileRecord {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(version, "version");
        if (type == FileType.REGULAR && !deleted && hash == null) {
            throw new IllegalArgumentException("regular file record without content hash: " + path);
        }
    }

    /** A tombstone for this path at {@code newVersion}, made by {@code node}. */
    public FileRecord asDeleted(VersionVector newVersion, long node) {
        return new FileRecord(path, type, mode, uid, gid, mtimeNs, 0, null, null, 0, newVersion, true, node);
    }

    public FileRecord withVersion(VersionVector newVersion, long node) {
        return new FileRecord(path, type, mode, uid, gid, mtimeNs, size, hash, symlinkTarget, rdev, newVersion,
                deleted, node);
    }

    /**
     * True when both records describe the same entry on disk (type, content, metadata, deleted),
     * whatever their versions: two such records are not a conflict.
     */
    public boolean sameEntry(FileRecord o) {
        if (deleted || o.deleted) {
            return deleted == o.deleted;
        }
        return type == o.type && mode == o.mode && uid == o.uid && gid == o.gid
                && (!type.tracksMtime() || mtimeNs == o.mtimeNs)
                && size == o.size && Objects.equals(hash, o.hash)
                && Objects.equals(symlinkTarget, o.symlinkTarget) && rdev == o.rdev;
    }

    /** True when only metadata differs from {@code o} (same type and same content). */
    public boolean sameContent(FileRecord o) {
        return !deleted && !o.deleted && type == o.type && size == o.size && Objects.equals(hash, o.hash)
                && Objects.equals(symlinkTarget, o.symlinkTarget) && rdev == o.rdev;
    }
}
