package io.syncnode.node.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A hand-written {@link ControlHandler} with fixed answers that records what it was asked. */
public final class FakeControlHandler implements ControlHandler {
    public volatile StatusView status = new StatusView("alpha", List.of("alpha", "beta"),
            List.of(new StatusView.FolderStatus("ct101", "/var/lib/lxc/ct101", 1200, 2, 0, 0, "idle", null, null,
                    java.util.Map.of()),
                    new StatusView.FolderStatus("etc", "/etc/syncnode-shared", 12, 0, 1, 1, "halted",
                            "root vanished: /etc/syncnode-shared", "2026-11-21T10:00:00Z",
                            java.util.Map.of("kept-both", 2L),
                            List.of(new StatusView.PathProblem("hosts", "apply failed: No space left on device")),
                            List.of(new StatusView.ActionStatus("etc action[0] (nginx)", 3, 1, false, false)))),
            new StatusView.Counters(5, 7, 40, 3, 4096, 2048, 1, 0, 9000, 8000, 100, 200),
            new StatusView.Security("sealed", "sha256:" + "ab".repeat(32), List.of("sha256:" + "cd".repeat(32)), 2,
                    List.of(new StatusView.Session("beta", "1f2e3d4c5b6a7988", 1, true)),
                    java.util.Map.of("tampered", 1L, "replayed", 0L)),
            new StatusView.ViewStatus("[alpha|4]", "alpha", "2026-11-21T10:00:00Z", 1, 0,
                    java.util.Map.of("fragmentHeader", 0L, "fragmentsOpen", 3L)));
    public volatile List<PeerView> peers = List.of(
            new PeerView("beta", "10.0.0.2:7800", true, 3, "2026-11-21T10:00:00Z", null, "0.1.0 (3f2a1bc)"),
            new PeerView("gamma", "10.0.0.3:7800", false, 0, null));
    public volatile List<DirtyView> dirty = List.of(
            new DirtyView("ct101", "rootfs/etc/hosts", "beta", "2026-11-21T10:00:00Z"),
            new DirtyView("ct101", "config", "beta", "2026-11-21T10:00:01Z"));
    /** What {@link #sync} answers. */
    public volatile boolean syncConverges = true;
    /** When set, {@link #check}, {@link #sync}, {@link #resolve}, {@link #pause} and {@link #resume} refuse with it. */
    public volatile String refusal;
    /** When set, {@link #status} throws it (a bug inside the node). */
    public volatile RuntimeException statusFailure;
    public volatile long changed = 4;

    public final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public StatusView status() {
        calls.add("status");
        if (statusFailure != null) {
            throw statusFailure;
        }
        return status;
    }

    @Override
    public List<PeerView> peers() {
        calls.add("peers");
        return peers;
    }

    @Override
    public List<DirtyView> dirty(String folder) {
        calls.add("dirty " + folder);
        List<DirtyView> result = new ArrayList<>();
        for (DirtyView entry : dirty) {
            if (folder == null || folder.equals(entry.folder())) {
                result.add(entry);
            }
        }
        return result;
    }

    /** Pages {@link #dirty} in its list order: after the last entry of the {@code after} path. */
    @Override
    public DirtyView.Page dirtyPage(String folder, String after, int limit) {
        calls.add("dirtyPage " + folder + " " + after + " " + limit);
        List<DirtyView> all = dirty(folder);
        calls.remove(calls.size() - 1);
        int from = 0;
        for (int i = 0; i < all.size(); i++) {
            if ((all.get(i).folder() + "/" + all.get(i).path()).equals(after)) {
                from = i + 1;
            }
        }
        int to = limit == 0 ? all.size() : Math.min(all.size(), from + limit);
        List<DirtyView> page = all.subList(from, to);
        String next = to == all.size() ? null : page.get(page.size() - 1).folder() + "/" + page.get(page.size() - 1).path();
        return new DirtyView.Page(page, all.size(), all.size() - to, next);
    }

    /** The folders {@link #check} reports halted (folder to reason). */
    public volatile java.util.Map<String, String> halted = java.util.Map.of();

    @Override
    public CheckView check(String folder, List<String> paths) throws ControlException {
        calls.add("check " + folder + " " + paths);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        List<CheckView.HaltedFolder> h = new ArrayList<>();
        halted.forEach((f, why) -> {
            if (folder == null || folder.equals(f)) {
                h.add(new CheckView.HaltedFolder(f, why));
            }
        });
        return new CheckView(changed, h);
    }

    /** The absent peers {@link #sync} says it skipped (without allPeers). */
    public volatile List<SyncView.SkippedPeer> skipped = List.of();

    @Override
    public SyncView sync(String folder, Duration timeout, boolean allPeers) throws ControlException {
        calls.add("sync " + folder + " " + timeout.toMillis() + (allPeers ? " all-peers" : ""));
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        List<String> pausedFolders = new ArrayList<>();
        if (folder == null) {
            for (StatusView.FolderStatus f : status.folders()) {
                if ("paused".equals(f.state())) {
                    pausedFolders.add(f.name());
                }
            }
        }
        List<DirtyView> remaining = new ArrayList<>();
        if (!syncConverges) {
            for (DirtyView d : dirty(folder)) {
                if (!pausedFolders.contains(d.folder())) {
                    remaining.add(d);
                }
            }
        }
        return new SyncView(syncConverges || remaining.isEmpty(), remaining.size(),
                remaining.subList(0, Math.min(ControlVerb.SAMPLE, remaining.size())), pausedFolders,
                allPeers ? List.of() : skipped);
    }

    @Override
    public OverrideView override(String folder) throws ControlException {
        calls.add("override " + folder);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        return new OverrideView(folder, List.of("beta"), 3, 2, List.of("gamma"));
    }

    @Override
    public RevertView revert(String folder) throws ControlException {
        calls.add("revert " + folder);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        return new RevertView(folder, 2);
    }

    /** What {@link #versions} lists for any path. */
    public volatile List<VersionsView.Entry> kept = List.of(
            new VersionsView.Entry("20261206-071503-123", "2026-12-06T07:15:03.123Z", 14, "2026-12-06T07:10:00Z",
                    "0640", 0, 33, "ab".repeat(32), "beta", true),
            new VersionsView.Entry("20261206-070000-001", "2026-12-06T07:00:00.001Z", 9, "2026-12-05T20:00:00Z",
                    "0644", 0, 0, "cd".repeat(32), "beta", false));

    @Override
    public VersionsView versions(String folder, String path) throws ControlException {
        calls.add("versions " + folder + " " + path);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        return new VersionsView(folder, path, kept);
    }

    @Override
    public RestoreView restore(String folder, String path, String id, Long atMs) throws ControlException {
        calls.add("restore " + folder + " " + path + " " + id + " " + atMs);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        return new RestoreView(folder, path, id != null ? id : kept.get(0).id());
    }

    /** The folder {@link #acceptDeletes} finds halted for a mass delete (released by it), or null. */
    public volatile String massDeleteHalted;

    @Override
    public AcceptDeletesView acceptDeletes(String folder) throws ControlException {
        calls.add("accept-deletes " + folder);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        boolean accepted = folder.equals(massDeleteHalted);
        massDeleteHalted = accepted ? null : massDeleteHalted;
        return new AcceptDeletesView(folder, accepted, accepted ? 25 : 0);
    }

    /** The peers {@link #forget} remembers (name to dirty entries toward it). */
    public final java.util.Map<String, Long> remembered = new java.util.concurrent.ConcurrentHashMap<>(
            java.util.Map.of("gamma", 12L));

    @Override
    public ForgetView forget(String name) throws ControlException {
        calls.add("forget " + name);
        if (status.members().contains(name)) {
            throw new ControlException("peer " + name + " is a member of the cluster now");
        }
        Long dirtyToward = remembered.remove(name);
        return new ForgetView(name, dirtyToward != null, dirtyToward == null ? 0 : dirtyToward);
    }

    public volatile List<ConflictView> conflicts = List.of(new ConflictView("ct101", "rootfs/etc/hosts",
            new ConflictView.Side("alpha", "2026-11-21T10:00:00Z", 120, "ab".repeat(32), false),
            new ConflictView.Side("beta", "2026-11-21T10:00:05Z", 140, "cd".repeat(32), false), "2026-11-21T10:01:00Z",
            "file", null));

    @Override
    public List<ConflictView> conflicts() {
        calls.add("conflicts");
        return conflicts;
    }

    @Override
    public void resolve(String folder, String path, String keep) throws ControlException {
        calls.add("resolve " + folder + " " + path + " " + keep);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
    }

    /** The folders {@link #pause} paused and {@link #resume} did not resume yet. */
    public final java.util.Set<String> paused = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public boolean pause(String folder) throws ControlException {
        calls.add("pause " + folder);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        return paused.add(folder);
    }

    @Override
    public boolean resume(String folder) throws ControlException {
        calls.add("resume " + folder);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        return paused.remove(folder);
    }

    /** What {@link #diff} answers. */
    public volatile DiffView diffView = new DiffView("alpha", List.of(), List.of());
    /** What {@link #diffContent} answers. */
    public volatile List<ContentDiffView> contentDiffs = List.of();

    @Override
    public DiffView diff(String folder, String peer, List<String> paths) throws ControlException {
        calls.add("diff " + folder + " " + peer + " " + paths);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        return diffView;
    }

    @Override
    public List<ContentDiffView> diffContent(String folder, String peer, String path) throws ControlException {
        calls.add("diff-content " + folder + " " + peer + " " + path);
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        return contentDiffs;
    }

    public volatile int generation = 1;
    public volatile io.syncnode.node.control.ReloadView reloadView =
            new io.syncnode.node.control.ReloadView(List.of("[cluster] revoked"), List.of());

    @Override
    public int rekey(boolean askPeers) throws ControlException {
        calls.add("rekey " + (askPeers ? "all" : "local"));
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        return ++generation;
    }

    @Override
    public io.syncnode.node.control.ReloadView reload() throws ControlException {
        calls.add("reload");
        if (refusal != null) {
            throw new ControlException(refusal);
        }
        return reloadView;
    }
}
