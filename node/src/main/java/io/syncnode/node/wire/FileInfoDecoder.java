package io.syncnode.node.wire;

import static io.syncnode.node.wire.WireCodec.MAX_INLINE;
import static io.syncnode.node.wire.WireFields.hash;
import static io.syncnode.node.wire.WireFields.path;
import static io.syncnode.node.wire.WireFields.version;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.Xattrs;
import io.syncnode.wire.proto.FileInfo;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one announced {@code FileInfo} into a {@link Message.Announced}, validating every field
 * against the others: a known type, mode bits inside 07777, a non-empty version, a hash for a
 * live regular file, a symlink target without NUL, inline content only for a regular file and
 * of its size, well-formed xattrs listed once, a hard link only to a smaller path, and a folder
 * root that is a live directory.
 */
final class FileInfoDecoder {
    private FileInfoDecoder() {
    }

    static Message.Announced decode(FileInfo f) throws WireException {
        String path = path(f.getPath(), "file.path");
        String where = "file \"" + path + "\"";
        FileType type = switch (f.getType()) {
            case REGULAR -> FileType.REGULAR;
            case DIRECTORY -> FileType.DIRECTORY;
            case SYMLINK -> FileType.SYMLINK;
            case CHAR_DEVICE -> FileType.CHAR_DEVICE;
            case BLOCK_DEVICE -> FileType.BLOCK_DEVICE;
            case FIFO -> FileType.FIFO;
            default -> throw new WireException(where + ": type: unknown file type " + f.getTypeValue());
        };
        if ((f.getMode() & ~07777) != 0) {
            throw new WireException(where + ": mode: " + Integer.toOctalString(f.getMode()) + " has bits outside 07777");
        }
        if (f.getSize() < 0) {
            throw new WireException(where + ": size: negative");
        }
        VersionVector version = version(f.getVersion(), where + ": version");
        if (version.isEmpty()) {
            throw new WireException(where + ": version: empty");
        }
        ContentHash hash = null;
        if (!f.getHash().isEmpty()) {
            hash = hash(f.getHash(), where + ": hash");
        } else if (type == FileType.REGULAR && !f.getDeleted()) {
            throw new WireException(where + ": hash: missing for a regular file");
        }
        String target = null;
        if (type == FileType.SYMLINK && !f.getDeleted()) {
            if (f.getSymlinkTarget().isEmpty() || f.getSymlinkTarget().size() > RelativePath.MAX_LENGTH) {
                throw new WireException(where + ": symlink_target: empty or longer than " + RelativePath.MAX_LENGTH);
            }
            target = NameCodec.decode(f.getSymlinkTarget().toByteArray());
            if (target.indexOf('\0') >= 0) {
                throw new WireException(where + ": symlink_target: contains a NUL byte");
            }
        }
        byte[] inline = null;
        if (f.getHasInlineContent()) {
            if (type != FileType.REGULAR || f.getDeleted()) {
                throw new WireException(where + ": inline_content: only for regular files");
            }
            if (f.getInlineContent().size() > MAX_INLINE || f.getInlineContent().size() != f.getSize()) {
                throw new WireException(where + ": inline_content: length " + f.getInlineContent().size()
                        + " does not match size " + f.getSize() + " or exceeds " + MAX_INLINE);
            }
            inline = f.getInlineContent().toByteArray();
        }
        Xattrs xattrs = Xattrs.EMPTY;
        if (f.getXattrsCount() > 0) {
            if (f.getDeleted()) {
                throw new WireException(where + ": xattrs: a tombstone has none");
            }
            if (f.getXattrsCount() > Xattrs.MAX_COUNT) {
                throw new WireException(where + ": xattrs: more than " + Xattrs.MAX_COUNT);
            }
            Map<String, byte[]> values = new TreeMap<>();
            long total = 0;
            for (io.syncnode.wire.proto.Xattr x : f.getXattrsList()) {
                total += x.getName().size() + x.getValue().size();
                if (total > Xattrs.MAX_TOTAL) {
                    throw new WireException(where + ": xattrs: more than " + Xattrs.MAX_TOTAL + " bytes of names and values");
                }
                String name = NameCodec.decode(x.getName().toByteArray());
                byte[] value = x.getValue().toByteArray();
                String problem = Xattrs.problem(name, value);
                if (problem != null) {
                    throw new WireException(where + ": xattrs: " + problem);
                }
                if (values.put(name, value) != null) {
                    throw new WireException(where + ": xattrs: " + NameCodec.display(name) + " listed twice");
                }
            }
            xattrs = Xattrs.of(values);
        }
        String hardLink = null;
        if (!f.getHardLink().isEmpty()) {
            hardLink = path(f.getHardLink(), where + ": hard_link");
            if (type != FileType.REGULAR || f.getDeleted() || hardLink.compareTo(path) >= 0) {
                throw new WireException(where + ": hard_link: only a live regular file links, to a smaller path");
            }
        }
        FileRecord r = new FileRecord(path, type, f.getMode(), f.getUid(), f.getGid(), f.getMtimeNs(), f.getSize(),
                hash, target, f.getRdev(), version, f.getDeleted(), f.getModifiedBy(), xattrs, hardLink);
        if (r.deleted() && path.equals(RelativePath.ROOT)) {
            throw new WireException(where + ": the folder root is never deleted");
        }
        if (path.equals(RelativePath.ROOT) && type != FileType.DIRECTORY) {
            throw new WireException(where + ": the folder root is a directory");
        }
        return new Message.Announced(r, inline);
    }
}
