package io.syncnode.protocol;

/**
 * {@code keep-both} settling of an open conflict (a script's "both" answer): which of the two
 * versions keeps the path and which is written beside it as a conflict copy.
 *
 * <p>Implementation notes. The newer modification keeps the name; equal mtimes fall to the greater
 * author id, so both nodes of a conflict order the same pair the same way. A missing or deleted
 * local version never keeps the name (there is nothing to copy aside).
 */
public final class KeepBoth {
    private KeepBoth() {
    }

    /**
     * True when {@code remote} keeps the path (the local version becomes the conflict copy); false
     * when the local version keeps it and {@code remote} becomes the copy.
     *
     * @param local the local record, or null when the path has none
     */
    public static boolean remoteKeepsName(FileRecord local, FileRecord remote) {
        return local == null || local.deleted() || remote.mtimeNs() > local.mtimeNs()
                || (remote.mtimeNs() == local.mtimeNs() && remote.modifiedBy() > local.modifiedBy());
    }
}
