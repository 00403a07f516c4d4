package io.syncnode.node.apply;

import io.syncnode.node.os.NativeFs;
import io.syncnode.node.os.PathBytes;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The local versions a folder-scope verdict decided against, saved before they are overwritten:
 * each file (with its attributes) or link is copied under a save directory at its relative path.
 * Directories, special files and deletes have nothing to save. Runs on the folder's worker.
 */
public final class LosingVersions {
    private final Applier applier;

    public LosingVersions(Applier applier) {
        this.applier = applier;
    }

    /** Copies the local content of {@code r} into {@code dir} at its relative path. */
    public void save(FileRecord r, Path dir) throws IOException {
        if (r.deleted() || (r.type() != FileType.REGULAR && r.type() != FileType.SYMLINK)) {
            return;
        }
        Path src = applier.resolve(r.path());
        Path dst = PathBytes.under(dir, r.path());
        Files.createDirectories(dst.getParent());
        if (r.type() == FileType.SYMLINK) {
            NativeFs.symlink(NativeFs.readlink(src), dst);
        } else {
            Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
    }
}
