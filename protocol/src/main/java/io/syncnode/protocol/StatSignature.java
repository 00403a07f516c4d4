package io.syncnode.protocol;

/**
 * What {@code lstat} said about a path the last time the node looked: if a fresh lstat gives the
 * same signature, nothing changed and the file is neither hashed nor announced. This is also how
 * a node recognises its own writes (it records the signature after applying), so no sync loops.
 *
 * <p>For directories mtime and ctime are left out (stored as 0): they change whenever a child
 * does, which is not a change of the directory's own record.
 */
public record StatSignature(long dev, long ino, long size, long mtimeNs, long ctimeNs, int mode, int uid, int gid) {

    /** The signature to compare for {@code type}: directories drop the times. */
    public StatSignature normalisedFor(FileType type) {
        return type.tracksMtime() ? this : new StatSignature(dev, ino, 0, 0, 0, mode, uid, gid);
    }
}
