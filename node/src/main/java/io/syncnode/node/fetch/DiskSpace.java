package io.syncnode.node.fetch;

import io.syncnode.config.MinFree;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of a folder's file system and the reserve the node keeps on it ({@code min-free}):
 * a fetch starts only when its file fits above the reserve, counting what the fetches already
 * running will still write. Also tells a "disk full" failure (ENOSPC, EDQUOT) from others.
 */
public final class DiskSpace {
    private final Path root;
    private final MinFree minFree;

    public DiskSpace(Path root, MinFree minFree) {
        this.root = root;
        this.minFree = minFree;
    }

    /** Bytes this user may still write on the folder's file system. */
    public long usable() throws IOException {
        return store().getUsableSpace();
    }

    /** The reserve in bytes ({@code min-free} of the file system's size). */
    public long reserve() throws IOException {
        return minFree.reserveOf(store().getTotalSpace());
    }

    /**
     * Null when {@code bytes} more (beyond {@code committed} bytes that running fetches will still
     * write) fit above the reserve; else why not, for the operator.
     */
    public String shortage(long bytes, long committed) {
        try {
            long usable = usable();
            long reserve = reserve();
            if (usable - committed - bytes >= reserve) {
                return null;
            }
            return "waiting for disk space: needs " + bytes + " bytes, " + Math.max(0, usable - committed)
                    + " free, " + reserve + " kept free (min-free " + minFree + ")";
        } catch (IOException e) {
            return null; // cannot tell: the write itself will say if the disk is full
        }
    }

    private FileStore store() throws IOException {
        return Files.getFileStore(root);
    }

    /** Whether {@code e} (or a cause) is the file system saying it is full (ENOSPC) or over quota (EDQUOT). */
    public static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
