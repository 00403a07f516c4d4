package io.syncnode.protocol;

/**
 * What {@code lstat} said about a path the last time the node looked: if a fresh lstat gives the
 * same signature, nothing changed and the file is neither hashed nor announced. This is also how
 * a node recognises its own writes (it records the signature after applying), so no sync loops.
 *
 * <p>Every type keeps its times: a directory's mtime is part of its record (restored after the
 * node's own writes of its children, which then record the directory's new signature).
 */
public record StatSignature(long dev, long ino, long size, long mtimeNs, long ctimeNs, int mode, int uid, int gid) {
}
