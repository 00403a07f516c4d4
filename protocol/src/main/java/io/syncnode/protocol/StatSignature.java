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
    /** A ctime no lstat gives (the kernel sets ctime to the current time, never to 1677). */
    private static final long UNSETTLED_CTIME = Long.MIN_VALUE;

    /**
     * This signature with a ctime no lstat gives: it equals no later lstat of the path, so the next
     * scan reads the entry. Recorded when what the node found after its own write is not what it
     * wrote (someone changed the entry in between): that state is not the node's own.
     */
    public StatSignature unsettled() {
        return new StatSignature(dev, ino, size, mtimeNs, UNSETTLED_CTIME, mode, uid, gid);
    }

    /**
     * The unsettled signature of an entry that was gone when the node looked right after writing it
     * (removed by someone in between): the next scan finds no entry and records the removal.
     */
    public static StatSignature vanished() {
        return new StatSignature(0, 0, 0, 0, UNSETTLED_CTIME, 0, 0, 0);
    }

    /** This signature with another mtime. */
    public StatSignature withMtime(long mtime) {
        return new StatSignature(dev, ino, size, mtime, ctimeNs, mode, uid, gid);
    }

    /** True for an {@link #unsettled()} signature. */
    public boolean isUnsettled() {
        return ctimeNs == UNSETTLED_CTIME;
    }
}
