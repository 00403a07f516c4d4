package io.syncnode.node.scan;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.Xattrs;

/**
 * What one path is on disk right now: its metadata, extended attributes, content hash, stat
 * signature and link count, plus the whole content when the file is small enough to announce
 * inline (else null).
 */
public record DiskEntry(String path, FileType type, int mode, int uid, int gid, long mtimeNs, long size,
                        ContentHash hash, String symlinkTarget, long rdev, StatSignature stat, byte[] inline,
                        Xattrs xattrs, long nlink) {

    /** This entry as a record at {@code version}, made by {@code node}, outside any hard-link group. */
    public FileRecord toRecord(VersionVector version, long node) {
        return new FileRecord(path, type, mode, uid, gid, mtimeNs, size, hash, symlinkTarget, rdev, version, false,
                node, xattrs, null);
    }
}
