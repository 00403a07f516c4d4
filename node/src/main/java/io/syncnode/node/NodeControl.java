package io.syncnode.node;

import io.syncnode.node.apply.FolderConflictArchive;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.cluster.JGroupsTransport;
import io.syncnode.node.control.AcceptDeletesView;
import io.syncnode.node.control.CheckView;
import io.syncnode.node.control.ConflictView;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.DirtyView;
import io.syncnode.node.control.ForgetView;
import io.syncnode.node.control.PeerView;
import io.syncnode.node.control.ReloadView;
import io.syncnode.node.control.RevertView;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.control.SyncView;
import io.syncnode.node.engine.ClockSkew;
import io.syncnode.node.engine.FolderSync;
import io.syncnode.node.engine.NodeCounters;
import io.syncnode.node.engine.PeerDirectory;
import io.syncnode.node.index.DirtyEntry;
import io.syncnode.node.index.PeerInfo;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.seal.SealStatus;
import io.syncnode.protocol.FileRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * What the control socket's verbs do on a running node ({@code status}, {@code peers},
 * {@code dirty}, {@code check}, {@code sync}, {@code accept-deletes}, {@code revert}, {@code forget},
 * {@code conflicts}, {@code resolve}, {@code pause}, {@code resume}, {@code rekey}, {@code reload},
 * {@code diff} (see {@link NodeDiff}), {@code versions}, {@code restore}). Runs on the control connection's thread; the
 * waits on folder workers are bounded (see {@code CONCURRENCY.md}).
 */
final class NodeControl implements ControlHandler {
    private static final Logger LOG = Logger.getLogger(NodeControl.class.getName());
    /** The parts of the node the verbs read and drive. */
    record Parts(SyncnodeConfig config, Map<String, FolderSync> folders, SqliteIndexStore store, PeerDirectory peers,
                 JGroupsTransport transport, NodeCounters counters, ClockSkew clocks, Clock clock, long nodeId,
                 Supplier<Set<String>> members, Consumer<FolderSync> afterResume,
                 Reload reload, ScheduledExecutorService scheduler, io.syncnode.node.engine.IndexQueries queries) {
    }

    /** Re-reads the config file (see {@code SyncNode}). */
    interface Reload {
        ReloadView reload() throws ControlException;
    }

    private final Parts parts;

    NodeControl(Parts parts) {
        this.parts = parts;
    }

    @Override
    public StatusView status() {
        List<StatusView.FolderStatus> fs = new ArrayList<>();
        for (FolderSync f : parts.folders().values()) {
            fs.add(f.status());
        }
        io.syncnode.node.cluster.ClusterView v = parts.transport().view();
        StatusView.ViewStatus view = new StatusView.ViewStatus(v.id(), v.coordinator(),
                v.lastMerge() == null ? null : v.lastMerge().toString(), v.merges(), parts.transport().deadConnectionsClosed(),
                parts.transport().droppedByKind());
        return new StatusView(parts.config().node().name(), parts.transport().members(), fs, parts.counters().snapshot(), security(), view);
    }

    private StatusView.Security security() {
        SealStatus s = parts.transport().sealStatus();
        if (s == null) {
            return new StatusView.Security(parts.config().cluster().insecure() ? "insecure" : "loopback", null, List.of(), 0,
                    List.of(), Map.of());
        }
        return new StatusView.Security("sealed", s.fingerprint(), s.trusted(), s.generation(), s.peers().stream()
                .map(p -> new StatusView.Session(p.name(), p.session(), p.generation(), p.ready())).toList(),
                s.refused(), s.traffic());
    }

    @Override
    public List<PeerView> peers() {
        Map<Long, Long> dirty = parts.store().dirtyCountByPeer();
        List<PeerView> out = new ArrayList<>();
        for (PeerInfo p : parts.peers().all()) {
            String addr = parts.members().get().contains(p.name()) ? parts.transport().physicalAddress(p.name()) : null;
            out.add(new PeerView(p.name(), addr != null ? addr : p.address(), parts.members().get().contains(p.name()),
                    dirty.getOrDefault(p.id(), 0L), p.lastSeen().toString(), parts.clocks().offsetMs(p.name()),
                    parts.peers().softwareOf(p.name())));
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    @Override
    public List<DirtyView> dirty(String folder) {
        List<DirtyView> out = new ArrayList<>();
        for (DirtyEntry d : parts.store().dirty(folder)) {
            out.add(new DirtyView(d.folder(), d.path(), d.peerName(), d.since().toString()));
        }
        return out;
    }

    @Override
    public DirtyView.Page dirtyPage(String folder, String after, int limit) throws ControlException {
        io.syncnode.node.index.DirtyPage page;
        try {
            page = parts.store().dirtyPage(folder, after == null ? null
                    : io.syncnode.node.index.DirtyPage.Cursor.parse(after), limit);
        } catch (IllegalArgumentException e) {
            throw new ControlException("after: " + e.getMessage());
        }
        List<DirtyView> out = new ArrayList<>();
        for (DirtyEntry d : page.entries()) {
            out.add(new DirtyView(d.folder(), d.path(), d.peerName(), d.since().toString()));
        }
        return new DirtyView.Page(out, page.total(), page.more(), page.next() == null ? null : page.next().toString());
    }

    @Override
    public CheckView check(String folder, List<String> paths) throws ControlException {
        long n = 0;
        List<CheckView.HaltedFolder> halted = new ArrayList<>();
        for (FolderSync f : running(folder, "rescans it")) {
            try {
                n += f.check(paths).get(1, TimeUnit.HOURS);
            } catch (Exception e) {
                Throwable c = e.getCause() != null ? e.getCause() : e;
                throw new ControlException("check of folder " + f.name() + " failed: " + c.getMessage());
            }
            String why = f.haltReason();
            if (why != null) {
                halted.add(new CheckView.HaltedFolder(f.name(), why));
            }
        }
        return new CheckView(n, halted);
    }

    @Override
    public AcceptDeletesView acceptDeletes(String folder) throws ControlException {
        FolderSync f = running(folder, "rescans it; its rescan halts again if the files are still gone").get(0);
        OptionalLong changed;
        try {
            changed = f.acceptDeletes().get(1, TimeUnit.HOURS);
        } catch (ExecutionException e) {
            throw new ControlException("cannot accept the deletes of folder " + folder + ": " + e.getCause().getMessage());
        } catch (Exception e) {
            throw new ControlException("cannot accept the deletes of folder " + folder + ": " + e);
        }
        return new AcceptDeletesView(folder, changed.isPresent(), changed.orElse(0));
    }

    @Override
    public io.syncnode.node.control.OverrideView override(String folder) throws ControlException {
        return new NodeOverride(parts.folders(), parts.queries(), parts.members(), parts.config().node().name(),
                parts.peers()).override(running(folder, "first").get(0));
    }

    @Override
    public RevertView revert(String folder) throws ControlException {
        FolderSync f = running(folder, "first").get(0);
        String self = parts.config().node().name();
        List<String> members = parts.members().get().stream().filter(m -> !m.equals(self) && f.sharedWith(m)).toList();
        try {
            return new RevertView(folder, f.revert(members).get(1, TimeUnit.HOURS));
        } catch (ExecutionException e) {
            throw new ControlException("cannot revert folder " + folder + ": " + e.getCause().getMessage());
        } catch (Exception e) {
            throw new ControlException("cannot revert folder " + folder + ": " + e);
        }
    }

    @Override
    public io.syncnode.node.control.VersionsView versions(String folder, String path) throws ControlException {
        return new VersionRequests(parts.folders()).versions(folder, path);
    }

    @Override
    public io.syncnode.node.control.RestoreView restore(String folder, String path, String id, Long atMs)
            throws ControlException {
        return new VersionRequests(parts.folders()).restore(folder, path, id, atMs);
    }

    @Override
    public ForgetView forget(String name) throws ControlException {
        String self = parts.config().node().name();
        if (name.equals(self)) {
            throw new ControlException("'" + name + "' is this node; `forget` drops a retired peer (run it on the other"
                    + " nodes)");
        }
        if (parts.members().get().contains(name)) {
            throw new ControlException("peer " + name + " is a member of the cluster now; `forget` is for a retired"
                    + " node: stop it for good (and revoke its credentials), then forget it on every other node");
        }
        PeerDirectory.Forgotten forgotten;
        try {
            forgotten = parts.peers().forget(name).get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new ControlException("cannot forget peer " + name + ": " + e.getCause().getMessage());
        } catch (Exception e) {
            throw new ControlException("cannot forget peer " + name + ": " + e);
        }
        parts.clocks().forget(name);
        return new ForgetView(name, forgotten.known(), forgotten.dirty());
    }

    @Override
    public SyncView sync(String folder, Duration timeout, boolean allPeers) throws ControlException {
        List<FolderSync> synced = running(folder, "sends its changes again");
        List<String> paused = new ArrayList<>();
        if (folder == null) {
            for (FolderSync f : parts.folders().values()) {
                if (f.paused()) {
                    paused.add(f.name());
                }
            }
        }
        return new SyncWaits(parts).await(synced, paused, timeout, allPeers);
    }

    @Override
    public List<ConflictView> conflicts() {
        List<ConflictView> out = new ArrayList<>();
        for (FolderSync f : parts.folders().values()) {
            for (StoredConflict c : f.conflicts()) {
                FileRecord local = parts.store().get(f.name(), c.path()).map(StoredFile::record).orElse(null);
                out.add(new ConflictView(f.name(), c.path(), side(local, parts.config().node().name()),
                        side(c.remote(), parts.peers().nameOf(c.remote().modifiedBy())), c.detected().toString(),
                        "file", null));
            }
            for (FolderConflictArchive.Saved saved : f.folderConflicts().saved()) {
                out.add(folderConflict(f.name(), saved));
            }
        }
        return out;
    }

    /** A whole-folder verdict this node lost: its saved directory and who won. */
    private ConflictView folderConflict(String folder, FolderConflictArchive.Saved saved) {
        return new ConflictView(folder, "", new ConflictView.Side(parts.config().node().name(), null, saved.files(), null,
                false), new ConflictView.Side(saved.winner(), null, 0, null, false), saved.at(), "folder",
                saved.dir().toString());
    }

    private ConflictView.Side side(FileRecord r, String node) {
        if (r == null) {
            return new ConflictView.Side(node, null, 0, null, true);
        }
        String by = r.modifiedBy() == parts.nodeId() ? parts.config().node().name() : parts.peers().nameOf(r.modifiedBy());
        return new ConflictView.Side(by, Instant.ofEpochSecond(0, r.mtimeNs()).toString(), r.size(),
                r.hash() == null ? null : r.hash().hex(), r.deleted());
    }

    @Override
    public void resolve(String folder, String path, String keep) throws ControlException {
        FolderSync f = running(folder, "lets you resolve it").get(0);
        try {
            f.resolve(path, keep).get(10, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ControlException("cannot resolve " + folder + ":" + path + ": " + e.getCause().getMessage());
        } catch (Exception e) {
            throw new ControlException("cannot resolve " + folder + ":" + path + ": " + e);
        }
    }

    @Override
    public boolean pause(String folder) throws ControlException {
        FolderSync f = selected(folder).get(0);
        try {
            return f.pause().get(10, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ControlException("folder " + folder + " is still busy after 10 min; the pause is queued"
                    + " and takes effect when the work before it is done (see `syncnode status`)");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ControlException("cannot pause folder " + folder + ": " + e.getCause().getMessage());
        } catch (Exception e) {
            throw new ControlException("cannot pause folder " + folder + ": " + e);
        }
    }

    @Override
    public boolean resume(String folder) throws ControlException {
        FolderSync f = selected(folder).get(0);
        boolean resumed;
        try {
            resumed = f.resume().get(1, TimeUnit.HOURS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ControlException("cannot resume folder " + folder + ": " + e.getCause().getMessage());
        } catch (Exception e) {
            throw new ControlException("cannot resume folder " + folder + ": " + e);
        }
        if (resumed) {
            parts.afterResume().accept(f);
        }
        return resumed;
    }

    @Override
    public io.syncnode.node.control.DiffView diff(String folder, String peer, List<String> paths)
            throws ControlException {
        return nodeDiff().diff(folder, peer, paths);
    }

    @Override
    public List<io.syncnode.node.control.ContentDiffView> diffContent(String folder, String peer, String path)
            throws ControlException {
        return nodeDiff().diffContent(folder, peer, path);
    }

    private NodeDiff nodeDiff() {
        return new NodeDiff(parts.folders(), parts.store(), parts.queries(), parts.members(),
                parts.config().node().name());
    }

    @Override
    public int rekey(boolean askPeers) throws ControlException {
        if (parts.transport().sealStatus() == null) {
            throw new ControlException("this node runs without [cluster] credentials: it has no keys to replace");
        }
        parts.transport().rekey(askPeers);
        return parts.transport().sealStatus().generation();
    }

    @Override
    public ReloadView reload() throws ControlException {
        return parts.reload().reload();
    }

    /** Selected parts.folders() that are not paused; an explicitly named paused folder is refused. */
    private List<FolderSync> running(String folder, String whatResumeDoes) throws ControlException {
        List<FolderSync> out = new ArrayList<>();
        for (FolderSync f : selected(folder)) {
            if (!f.paused()) {
                out.add(f);
            } else if (folder != null) {
                throw new ControlException("folder " + folder + " is paused on this node; `syncnode resume "
                        + folder + "` " + whatResumeDoes);
            }
        }
        return out;
    }

    private List<FolderSync> selected(String folder) throws ControlException {
        if (folder == null) {
            return List.copyOf(parts.folders().values());
        }
        FolderSync f = parts.folders().get(folder);
        if (f == null) {
            throw new ControlException("no folder named \"" + folder + "\" in this node's parts.config() (have: "
                    + String.join(", ", parts.folders().keySet()) + ")");
        }
        return List.of(f);
    }
}
