package io.syncnode.node.apply;

import io.syncnode.node.os.NativeFs;
import io.syncnode.node.os.PathBytes;
import io.syncnode.protocol.ConflictCopyName;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code keep-both} conflict copies in a folder: the losing version written beside its path as
 * {@code NAME.sync-conflict-YYYYMMDD-HHMMSS-NODE.EXT}, and the oldest copies beyond the folder's
 * limit pruned. A copy is a new local file: the caller has it scanned and synced like any other.
 * Runs on the folder's worker, like the {@link Applier} it writes through.
 */
public final class ConflictCopies {
    private final Applier applier;
    private final int maxCopies;

    /** @param maxCopies how many conflict copies of one path are kept */
    public ConflictCopies(Applier applier, int maxCopies) {
        this.applier = applier;
        this.maxCopies = maxCopies;
    }

    /**
     * Copies the local content of {@code loser} (a regular file with its mode and mtime, or the
     * same link) beside it, made by node {@code author}. Returns the copy's relative path, or null
     * when that copy exists already.
     */
    public String keepLocal(FileRecord loser, String author) throws IOException {
        Path target = applier.resolve(loser.path());
        String name = ConflictCopyName.of(RelativePath.name(loser.path()), loser.mtimeNs(), author);
        Path copy = PathBytes.resolve(target.getParent(), NameCodec.encode(name));
        if (Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        prune(target, maxCopies - 1);
        if (loser.type() == FileType.SYMLINK) {
            NativeFs.symlink(NativeFs.readlink(target), copy);
        } else {
            Files.copy(target, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        return sibling(loser.path(), name);
    }

    /**
     * Writes {@code remote}'s bytes (in {@code file}) beside its path as a conflict copy made by
     * node {@code author}, with the version's mode and mtime, through a temp file. Returns the
     * copy's relative path, or null when that copy exists already.
     */
    public String writeRemote(FileRecord remote, Path file, String author) throws IOException {
        Path target = applier.resolve(remote.path());
        Path copy = PathBytes.resolve(target.getParent(), NameCodec.encode(
                ConflictCopyName.of(RelativePath.name(remote.path()), remote.mtimeNs(), author)));
        if (Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        prune(target, maxCopies - 1);
        Path temp = applier.createTemp(remote.path());
        try {
            Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.setAttribute(temp, "unix:mode", remote.mode(), LinkOption.NOFOLLOW_LINKS);
            Files.setLastModifiedTime(temp, FileTime.from(remote.mtimeNs(), TimeUnit.NANOSECONDS));
            Files.move(temp, copy, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            ContentCopy.discard(temp);
        }
        return sibling(remote.path(), PathBytes.name(copy));
    }

    private static String sibling(String path, String name) {
        String parent = RelativePath.parent(path);
        return parent.isEmpty() ? name : parent + "/" + name;
    }

    /** Removes the oldest conflict copies of {@code target} beyond {@code keep}. */
    private static void prune(Path target, int keep) throws IOException {
        String name = PathBytes.name(target);
        List<Path> copies;
        try (var list = Files.list(target.getParent())) {
            copies = list.filter(p -> ConflictCopyName.isCopyOf(PathBytes.name(p), name))
                    .sorted(Comparator.comparing((Path p) -> PathBytes.name(p).replaceAll(
                            ".*\\.sync-conflict-(\\d{8}-\\d{6}).*", "$1")))
                    .toList();
        }
        for (int i = 0; i < copies.size() - keep; i++) {
            Files.deleteIfExists(copies.get(i));
        }
    }
}
