package io.syncnode.node;

import io.syncnode.node.apply.KeptVersion;
import io.syncnode.node.control.ControlHandler.ControlException;
import io.syncnode.node.control.RestoreView;
import io.syncnode.node.control.VersionsView;
import io.syncnode.node.engine.FolderSync;
import io.syncnode.protocol.RelativePath;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The {@code versions} and {@code restore} verbs on a running node: finds the folder and the
 * folder-relative path an operator named (an absolute path inside a folder, or a path relative to
 * {@code --folder}), then asks the folder's {@link io.syncnode.node.engine.FolderVersions}.
 *
 * <p>Thread-safety: stateless apart from the folders, whose versions are thread-safe; called on the
 * control connection's thread.
 */
final class VersionRequests {
    private final Map<String, FolderSync> folders;

    VersionRequests(Map<String, FolderSync> folders) {
        this.folders = folders;
    }

    /** A folder and a path in it. */
    private record Target(FolderSync folder, String rel) {
    }

    VersionsView versions(String folder, String path) throws ControlException {
        Target t = locate(folder, path);
        List<VersionsView.Entry> out = new ArrayList<>();
        for (KeptVersion k : t.folder().versions().of(t.rel())) {
            out.add(new VersionsView.Entry(k.id(), Instant.ofEpochMilli(k.keptAtMs()).toString(), k.size(),
                    Instant.ofEpochSecond(0, k.mtimeNs()).toString(), String.format("%04o", k.mode()), k.uid(), k.gid(),
                    k.hash(), k.replacedBy(), k.deleted()));
        }
        return new VersionsView(t.folder().name(), t.rel(), out);
    }

    RestoreView restore(String folder, String path, String id, Long atMs) throws ControlException {
        Target t = locate(folder, path);
        if (t.folder().paused()) {
            throw new ControlException("folder " + t.folder().name() + " is paused on this node; `syncnode resume "
                    + t.folder().name() + "` first");
        }
        try {
            KeptVersion k = t.folder().versions().restore(t.rel(), id, atMs == null ? 0 : atMs).get(1, TimeUnit.HOURS);
            return new RestoreView(t.folder().name(), t.rel(), k.id());
        } catch (ExecutionException e) {
            throw new ControlException("cannot restore " + t.rel() + " in folder " + t.folder().name() + ": "
                    + e.getCause().getMessage());
        } catch (Exception e) {
            throw new ControlException("cannot restore " + t.rel() + " in folder " + t.folder().name() + ": " + e);
        }
    }

    private Target locate(String folder, String path) throws ControlException {
        if (folder != null && !folders.containsKey(folder)) {
            throw new ControlException("no folder named \"" + folder + "\" on this node (have: "
                    + String.join(", ", folders.keySet()) + ")");
        }
        Path p = Path.of(path).normalize();
        if (p.isAbsolute()) {
            for (FolderSync f : folders.values()) {
                if (p.startsWith(f.root()) && !p.equals(f.root()) && (folder == null || folder.equals(f.name()))) {
                    return new Target(f, checked(f.root().relativize(p).toString()));
                }
            }
            throw new ControlException(path + " is not inside " + (folder == null ? "any folder of this node"
                    : "folder " + folder + " (" + folders.get(folder).root() + ")"));
        }
        if (folder == null && folders.size() != 1) {
            throw new ControlException("a relative path needs --folder (this node has " + folders.size() + " folders: "
                    + String.join(", ", folders.keySet()) + "), or give the absolute path");
        }
        FolderSync f = folder == null ? folders.values().iterator().next() : folders.get(folder);
        return new Target(f, checked(p.toString()));
    }

    private static String checked(String rel) throws ControlException {
        String why = RelativePath.problem(rel);
        if (why != null) {
            throw new ControlException("\"" + rel + "\" is no path inside a folder: " + why);
        }
        return rel;
    }
}
