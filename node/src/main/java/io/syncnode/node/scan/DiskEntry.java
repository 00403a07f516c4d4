package io.syncnode.node.scan;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;

/**
 * What one path is on disk right now: its metadata, content hash and stat signature, plus the
 * whole content when the file is small enough to announce inline (else null).
 */
public record DiskEntry(String path, FileType type, int mode, int uid, int gid, long mtimeNs, long size,
                        ContentHash hash, String symlinkTarget, long rdev, StatSignature stat, byte[] inline) {

    /** This entry as a record at {@code version}, made by {@code node}. */
    public FileRecord toRecord(VersionVector version, long node) {
        return new FileRecord(path, type, mode, uid, gid, type.tracksMtime() ? mtimeNs : 0, size, hash,
                symlinkTarget, rdev, version, false, node);
    }
}
