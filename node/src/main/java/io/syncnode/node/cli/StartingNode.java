package io.syncnode.node.cli;

import io.syncnode.config.FolderConfig;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.StartProgress;
import io.syncnode.node.control.AcceptDeletesView;
import io.syncnode.node.control.CheckView;
import io.syncnode.node.control.ConflictView;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.DirtyView;
import io.syncnode.node.control.ForgetView;
import io.syncnode.node.control.PeerView;
import io.syncnode.node.control.ReloadView;
import io.syncnode.node.control.RevertView;
import io.syncnode.node.control.ScanProgress;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.control.SyncView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the control socket answers from the moment {@code run} begins, before the node has
 * scanned its folders and joined its cluster (which may take minutes): {@code status} tells the
 * start's phase and each folder's scan progress (entries, bytes hashed, rate, ETA), {@code pause},
 * {@code resume} and {@code sync} wait until the node runs (an LXC hook of an autostarting
 * container does not fail with "no node is running"), every other verb is refused saying the
 * node is starting. Once the node runs ({@link #started}) every call goes to it.
 *
 * <p>Thread-safe: the control server calls it from its connection threads, the start from its own.
 */
final class StartingNode implements ControlHandler, StartProgress {
    /** How long pause and resume wait for the start (the CLI's resume waits a little longer). */
    static final Duration START_WAIT = Duration.ofHours(1);

    private final SyncnodeConfig config;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile ControlHandler node;
    private volatile String failure;
    private volatile String phase = "starting";
    private volatile Map<String, ScanProgress> scans = Map.of();

    StartingNode(SyncnodeConfig config) {
        this.config = config;
    }

    /** The node runs: every call goes to {@code running} from now on; waiting calls go on. */
    void started(ControlHandler running) {
        node = running;
        done.countDown();
    }

    /** The start failed: waiting calls end with {@code reason}. */
    void failed(String reason) {
        failure = reason;
        done.countDown();
    }

    @Override
    public void scanProgress(Map<String, ScanProgress> folders) {
        scans = Map.copyOf(folders);
    }

    @Override
    public void scanning(List<String> folders) {
        phase = "scanning";
    }

    @Override
    public void joining(String cluster) {
        phase = "joining";
    }

    private String describe() {
        return "node " + config.node().name() + " is starting (" + phase + "); `syncnode status` shows its progress";
    }

    /** The running node, or refusal saying how far the start has come. */
    private ControlHandler now() {
        ControlHandler running = node;
        if (running == null) {
            throw new NotStarted(failure != null ? "node " + config.node().name() + " failed to start: " + failure
                    : describe());
        }
        return running;
    }

    /** The running node once it runs, waiting up to {@code timeout}. */
    private ControlHandler await(Duration timeout) throws ControlException {
        try {
            if (!done.await(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                throw new ControlException(describe() + "; gave up waiting after " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(describe() + "; interrupted while waiting");
        }
        return now();
    }

    @Override
    public StatusView status() {
        ControlHandler running = node;
        if (running != null) {
            return running.status();
        }
        Map<String, ScanProgress> progress = scans;
        List<StatusView.FolderStatus> folders = new ArrayList<>();
        List<StatusView.ScanView> views = new ArrayList<>();
        for (FolderConfig f : config.folders()) {
            ScanProgress p = progress.get(f.name());
            StatusView.ScanView view = p == null ? null : p.view(f.name());
            if (view != null) {
                views.add(view);
            }
            String state = view != null && view.running() ? "scanning" : "starting";
            folders.add(new StatusView.FolderStatus(f.name(), f.path().toString(), view == null ? 0 : view.entries(), 0, 0,
                    0, state, null, null, null));
        }
        return new StatusView(config.node().name(), List.of(), folders,
                new StatusView.Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), null, null,
                new StatusView.StartView(failure != null ? "failed: " + failure : phase, views));
    }

    @Override
    public List<PeerView> peers() {
        return now().peers();
    }

    @Override
    public List<DirtyView> dirty(String folder) {
        return now().dirty(folder);
    }

    @Override
    public DirtyView.Page dirtyPage(String folder, String after, int limit) throws ControlException {
        return now().dirtyPage(folder, after, limit);
    }

    @Override
    public CheckView check(String folder, List<String> paths) throws ControlException {
        return now().check(folder, paths);
    }

    @Override
    public SyncView sync(String folder, Duration timeout, boolean allPeers) throws ControlException {
        long start = System.nanoTime();
        ControlHandler running = await(timeout);
        return running.sync(folder, timeout.minusNanos(System.nanoTime() - start), allPeers);
    }

    @Override
    public AcceptDeletesView acceptDeletes(String folder) throws ControlException {
        return now().acceptDeletes(folder);
    }

    @Override
    public RevertView revert(String folder) throws ControlException {
        return now().revert(folder);
    }

    @Override
    public io.syncnode.node.control.OverrideView override(String folder) throws ControlException {
        return now().override(folder);
    }

    @Override
    public io.syncnode.node.control.VersionsView versions(String folder, String path) throws ControlException {
        return now().versions(folder, path);
    }

    @Override
    public io.syncnode.node.control.RestoreView restore(String folder, String path, String id, Long atMs)
            throws ControlException {
        return now().restore(folder, path, id, atMs);
    }

    @Override
    public ForgetView forget(String name) throws ControlException {
        return now().forget(name);
    }

    @Override
    public List<ConflictView> conflicts() {
        return now().conflicts();
    }

    @Override
    public void resolve(String folder, String path, String keep) throws ControlException {
        now().resolve(folder, path, keep);
    }

    @Override
    public boolean pause(String folder) throws ControlException {
        return await(START_WAIT).pause(folder);
    }

    @Override
    public boolean resume(String folder) throws ControlException {
        return await(START_WAIT).resume(folder);
    }

    @Override
    public io.syncnode.node.control.DiffView diff(String folder, String peer, List<String> paths)
            throws ControlException {
        return now().diff(folder, peer, paths);
    }

    @Override
    public List<io.syncnode.node.control.ContentDiffView> diffContent(String folder, String peer, String path)
            throws ControlException {
        return now().diffContent(folder, peer, path);
    }

    @Override
    public int rekey(boolean askPeers) throws ControlException {
        return now().rekey(askPeers);
    }

    @Override
    public ReloadView reload() throws ControlException {
        return now().reload();
    }
}
