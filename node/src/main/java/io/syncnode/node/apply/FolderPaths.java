package io.syncnode.node.apply;

import io.syncnode.node.os.ConfinedFs;
import io.syncnode.node.os.PathBytes;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.scan.EntryReader.Lstat;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The paths of one folder as {@link Applier} reaches them: relative paths resolved below the root
 * without passing through a symlinked parent, and the missing parents of an applied entry,
 * created (through {@link ConfinedFs}, mode 0755 exactly) and remembered as placeholders until
 * their own records arrive. The contracts are on the applier's methods of the same names. The
 * parent check in {@link #resolve} gives an early, clear refusal; the confinement itself is
 * {@link ConfinedFs}'s, which every change goes through. Thread-safe (a concurrent set).
 */
final class FolderPaths {
    private final Path root;
    private final ConfinedFs fs;
    /** Directories made by {@link #ensureParent} whose records have not arrived (see {@link #isPlaceholder}). */
    private final Set<String> placeholders = ConcurrentHashMap.newKeySet();

    FolderPaths(ConfinedFs fs) {
        this.root = fs.root();
        this.fs = fs;
    }

    Path resolve(String rel) throws IOException {
        return resolved(rel, true).target();
    }

    /**
     * {@code rel} below the root, its name validated, without a look at the disk: for a target whose
     * parents were checked when its temp file was named beside it ({@link #ensureParent}). The
     * confined call that changes it refuses a parent swapped since for a symlink.
     */
    Path target(String rel) throws IOException {
        return resolved(rel, false).target();
    }

    /** A resolved path, and whether its parent was seen to be a directory (the root always is). */
    private record Resolved(Path target, boolean parentIsDirectory) {
    }

    /** Resolves {@code rel}; with {@code check}, refuses a parent that is not a directory (one lstat per parent). */
    private Resolved resolved(String rel, boolean check) throws IOException {
        RelativePath.validate(rel);
        if (rel.equals(RelativePath.ROOT)) {
            return new Resolved(root, true);
        }
        Path p = root;
        boolean parentIsDirectory = true;
        String[] parts = rel.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            p = PathBytes.resolve(p, NameCodec.encode(parts[i]));
            if (check) {
                Optional<Lstat> st = EntryReader.lstat(p);
                if (st.isPresent() && st.get().type() != FileType.DIRECTORY) {
                    throw new IOException("parent " + NameCodec.display(PathBytes.relative(root, p)) + " of "
                            + NameCodec.display(rel) + " is not a directory");
                }
                parentIsDirectory = st.isPresent();
            }
        }
        Path target = PathBytes.resolve(p, NameCodec.encode(parts[parts.length - 1]));
        if (!target.normalize().startsWith(root)) {
            throw new IOException(NameCodec.display(rel) + " resolves outside the folder root");
        }
        return new Resolved(target, check && parentIsDirectory);
    }

    Path ensureParent(String rel) throws IOException {
        Resolved r = resolved(rel, true); // its lstat of the parent tells whether one is missing
        Path parent = r.target().getParent();
        if (!r.parentIsDirectory()) {
            ArrayDeque<String> missing = new ArrayDeque<>();
            for (String d = RelativePath.parent(rel); !d.isEmpty(); d = RelativePath.parent(d)) {
                if (EntryReader.lstat(resolve(d)).isPresent()) {
                    break;
                }
                missing.push(d);
            }
            for (String d : missing) {
                try {
                    Path dir = resolve(d);
                    fs.mkdir(dir, 0755);
                    placeholders.add(d);
                    fs.chmod(dir, 0755); // exact, whatever the umask
                } catch (FileAlreadyExistsException e) {
                    // made meanwhile (by a user): a real directory, scanned as usual
                }
            }
        }
        return parent;
    }

    boolean isPlaceholder(String rel) {
        return placeholders.contains(rel);
    }

    /** The directory {@code rel} got its record (applied, or deleted): no longer a placeholder. */
    void settled(String rel) {
        placeholders.remove(rel);
    }
}
