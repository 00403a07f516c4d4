package io.syncnode.node.index;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * Which folders the operator paused on this node, kept across restarts: one empty marker file per
 * paused folder in {@code <state-dir>/paused/}, named after the folder (folder names are valid file
 * names by the config's rules). A marker is created or removed with its directory fsynced, so a
 * pause that was acknowledged (to an LXC hook, say) is still in force after a crash or a restart.
 *
 * <p>Markers of folders that are no longer configured are left alone and mean nothing.
 */
public final class PauseMarks {
    private final Path dir;

    /** Markers live in {@code dir} (created, owner-only, on the first pause). */
    public PauseMarks(Path dir) {
        this.dir = dir;
    }

    /** True when {@code folder} is marked paused. */
    public boolean paused(String folder) {
        return Files.exists(dir.resolve(folder), LinkOption.NOFOLLOW_LINKS);
    }

    /** When {@code folder} was paused (its marker's mtime), if it is. */
    public Optional<Instant> since(String folder) {
        try {
            return Optional.of(Files.getLastModifiedTime(dir.resolve(folder), LinkOption.NOFOLLOW_LINKS).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Marks {@code folder} paused, durably. */
    public void mark(String folder) throws IOException {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Path marker = dir.resolve(folder);
            try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            syncDir();
        } catch (IOException e) {
            throw new IOException("cannot record the pause of folder " + folder + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** Removes the pause mark of {@code folder}, durably; nothing happens when there is none. */
    public void clear(String folder) throws IOException {
        try {
            if (Files.deleteIfExists(dir.resolve(folder))) {
                syncDir();
            }
        } catch (IOException e) {
            throw new IOException("cannot remove the pause mark of folder " + folder + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    private void syncDir() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
