package io.syncnode.node.apply;

import io.syncnode.node.os.ConfinedFs;
import io.syncnode.node.os.NativeFs;
import io.syncnode.node.os.PathBytes;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.scan.EntryReader.Lstat;
import io.syncnode.protocol.ConflictCopyName;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.util.Comparator;
import java.util.List;

/**
 * {@code keep-both} conflict copies in a folder: the losing version written beside its path as
 * {@code NAME.sync-conflict-YYYYMMDD-HHMMSS-NODE.EXT}, and the oldest copies beyond the folder's
 * limit pruned. A copy is a new local file: the caller has it scanned and synced like any other.
 * Runs on the folder's worker, like the {@link Applier} it writes through (confined: every change
 * goes through {@link ConfinedFs}).
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
            applier.confined().symlink(NativeFs.readlink(target), copy);
        } else {
            Lstat st = EntryReader.lstat(target).orElseThrow(() -> new NoSuchFileException(target.toString()));
            StatSignature s = st.signature();
            Path temp = applier.copyToTemp(loser.path(), target);
            if (MetadataWriter.ROOT) {
                chownOrDiscard(temp, s.uid(), s.gid());
            }
            install(temp, copy, s.mode() & 07777, s.mtimeNs());
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
        install(applier.copyToTemp(remote.path(), file), copy, remote.mode(), remote.mtimeNs());
        return sibling(remote.path(), PathBytes.name(copy));
    }

    /** Gives the filled temp file its mode and mtime and renames it to {@code copy}; the temp never stays. */
    private void install(Path temp, Path copy, int mode, long mtimeNs) throws IOException {
        ConfinedFs fs = applier.confined();
        try {
            fs.chmod(temp, mode);
            fs.setMtime(temp, mtimeNs);
            fs.rename(temp, copy);
        } catch (IOException | RuntimeException e) {
            applier.discardTemp(temp);
            throw e;
        }
    }

    private void chownOrDiscard(Path temp, int uid, int gid) throws IOException {
        try {
            applier.confined().chown(temp, uid, gid);
        } catch (IOException | RuntimeException e) {
            applier.discardTemp(temp);
            throw e;
        }
    }

    private static String sibling(String path, String name) {
        String parent = RelativePath.parent(path);
        return parent.isEmpty() ? name : parent + "/" + name;
    }

    /** Removes the oldest conflict copies of {@code target} beyond {@code keep}. */
    private void prune(Path target, int keep) throws IOException {
        ConfinedFs fs = applier.confined();
        String name = PathBytes.name(target);
        List<Path> copies;
        try (var list = Files.list(target.getParent())) {
            copies = list.filter(p -> ConflictCopyName.isCopyOf(PathBytes.name(p), name))
                    .sorted(Comparator.comparing((Path p) -> PathBytes.name(p).replaceAll(
                            ".*\\.sync-conflict-(\\d{8}-\\d{6}).*", "$1")))
                    .toList();
        }
        for (int i = 0; i < copies.size() - keep; i++) {
            fs.deleteIfExists(copies.get(i));
        }
    }
}
