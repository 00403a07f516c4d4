package io.syncnode.node.watch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

import io.syncnode.node.os.Inotify;
import io.syncnode.node.os.PathBytes;
import io.syncnode.node.os.InotifyEvent;
import io.syncnode.node.os.WatchLimitException;
import io.syncnode.node.trace.Hops;

/**
 * Recursive inotify watcher for one folder root: reports relative paths to a {@link WatchListener}.
 *
 * <p>Implementation notes.
 * <ul>
 * <li>inotify is not recursive: one watch per directory, with IN_ONLYDIR | IN_DONT_FOLLOW so a
 *     symlink is never followed (a symlink to a directory is reported as an entry, its target is
 *     never watched). Two maps, wd -&gt; relative dir and relative dir -&gt; wd (sorted, so a
 *     subtree is one range), are written only by the watcher thread after {@link #start()}.</li>
 * <li>New directory (IN_CREATE or IN_MOVED_TO with IN_ISDIR): watch it first, then list it, and
 *     recurse. Anything created inside before the watch existed is found by the listing; anything
 *     after produces its own event. The directory is reported recursive, so the scanner walks the
 *     subtree whatever the events missed.</li>
 * <li>Directory moves: the kernel ties a wd to the inode, not the path. After a rename every wd
 *     at or under the old path would report events under a stale path, and after a move out of
 *     the root it would keep reporting events from outside. So IN_MOVED_FROM with IN_ISDIR
 *     removes (inotify_rm_watch) and forgets the whole subtree, and IN_MOVED_TO re-adds it under
 *     the new path like a new directory. Events still queued for removed wds are dropped.</li>
 * <li>IN_Q_OVERFLOW: the listener is told to rescan the folder, and the watch tree is re-synced
 *     (walk the root adding watches; inotify_add_watch on a watched inode returns the same wd;
 *     wds the walk did not meet are removed), because directory creations and moves may be
 *     among the lost events.</li>
 * <li>Events without a name are about the watched directory itself; only the root's matter
 *     (IN_ATTRIB -&gt; "", IN_DELETE_SELF / IN_MOVE_SELF -&gt; overflow), a subdirectory's are also
 *     reported by its parent under its name.</li>
 * </ul>
 *
 * <p>Threading: one daemon thread per watcher reads events and calls the listener. {@link
 * #close()} may be called from any thread, including the listener.
 */
public final class InotifyWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InotifyWatcher.class.getName());
    private static final int MASK = Inotify.IN_CREATE | Inotify.IN_MODIFY | Inotify.IN_CLOSE_WRITE
            | Inotify.IN_ATTRIB | Inotify.IN_MOVED_FROM | Inotify.IN_MOVED_TO | Inotify.IN_DELETE
            | Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF | Inotify.IN_DONT_FOLLOW | Inotify.IN_ONLYDIR
            | Inotify.IN_EXCL_UNLINK;
    private static final long JOIN_MILLIS = 2_000;

    private final Path root;
    private final Predicate<String> ignored;
    private final WatchListener listener;
    private final Map<Integer, String> dirByWd = new ConcurrentHashMap<>();
    private final NavigableMap<String, Integer> wdByDir = new ConcurrentSkipListMap<>();

    private Inotify inotify;
    private Thread thread;
    private boolean limitReported;
    private volatile boolean closed;

    /**
     * @param root     the folder root, a directory
     * @param ignored  relPath -&gt; true to skip it (never called with ""); an ignored directory is
     *                 not watched
     * @param listener called on the watcher thread; must not block
     */
    public InotifyWatcher(Path root, Predicate<String> ignored, WatchListener listener) {
        this.root = root.toAbsolutePath().normalize();
        this.ignored = Objects.requireNonNull(ignored, "ignored");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Adds watches for the root and every directory under it (symlinks not followed, ignored
     * directories skipped), then starts the daemon thread "inotify-" + root file name.
     *
     * @throws IOException if inotify cannot be initialised or the root cannot be watched (missing,
     *                     not a directory, no permission); the watch limit is not an error here,
     *                     it is reported through {@link WatchListener#limitReached}
     */
    public synchronized void start() throws IOException {
        if (thread != null || closed) {
            throw new IllegalStateException("watcher for " + root + " already started or closed");
        }
        inotify = Inotify.open();
        try {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("cannot watch folder root " + root + ": not a directory (or missing)");
            }
            watchTree("", null);
        } catch (IOException | RuntimeException e) {
            inotify.close();
            throw e;
        }
        Path name = root.getFileName();
        thread = new Thread(this::run, "inotify-" + (name == null ? "/" : name.toString()));
        thread.setDaemon(true);
        thread.start();
    }

    /** Number of directories currently watched. */
    public int watchCount() {
        return dirByWd.size();
    }

    /**
     * Wakes and stops the thread (joining it for up to 2 s unless called from it) and releases the
     * inotify fd. Idempotent.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
            if (inotify != null) {
                inotify.close();
            }
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        String failure = "watcher thread ended unexpectedly";
        try {
            while (inotify.readEvents(this::handle)) {
                // each call delivers one buffer of events
            }
            failure = null;
        } catch (IOException | RuntimeException e) {
            failure = "watcher failed: " + e;
            LOG.log(System.Logger.Level.WARNING, "inotify watcher for " + root + " stopped; the folder needs a full rescan", e);
        } finally {
            inotify.close();
            if (failure != null && !closed) {
                listener.overflow(failure);
            }
        }
    }

    private void handle(InotifyEvent event) {
        if (closed) {
            return;
        }
        if (event.has(Inotify.IN_Q_OVERFLOW)) {
            listener.overflow("inotify queue overflow (events were lost; if this repeats, raise fs.inotify.max_queued_events,"
                    + " e.g. `sysctl -w fs.inotify.max_queued_events=65536`)");
            resync();
            return;
        }
        String dir = dirByWd.get(event.wd());
        if (event.has(Inotify.IN_IGNORED)) {
            forget(event.wd());
            return;
        }
        if (dir == null) {
            return; // a wd removed already (moved away or deleted); its queued events are stale
        }
        if (event.name().isEmpty()) {
            handleSelf(event, dir);
            return;
        }
        String rel = dir.isEmpty() ? event.name() : dir + "/" + event.name();
        if (ignored.test(rel)) {
            return;
        }
        Hops.mark(Hops.Hop.INOTIFY, rel);
        if (event.isDir() && event.has(Inotify.IN_CREATE | Inotify.IN_MOVED_TO)) {
            watchTree(rel, null);
            listener.changed(rel, true);
        } else if (event.isDir() && event.has(Inotify.IN_MOVED_FROM)) {
            unwatchTree(rel);
            listener.changed(rel, false);
        } else {
            listener.changed(rel, false);
        }
    }

    private void handleSelf(InotifyEvent event, String dir) {
        if (!dir.isEmpty()) {
            return; // the parent's watch reports this entry under its name
        }
        if (event.has(Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF)) {
            listener.overflow("folder root moved or deleted");
        } else {
            listener.changed("", false);
        }
    }

    /**
     * Watches {@code rel} and every non-ignored directory below it, watch first and then list.
     * {@code seen} collects the wds met, when not null.
     */
    private void watchTree(String rel, Set<Integer> seen) {
        Deque<String> pending = new ArrayDeque<>();
        pending.push(rel);
        while (!pending.isEmpty()) {
            String dir = pending.pop();
            if (!watch(dir, seen)) {
                continue;
            }
            for (String child : subdirectories(dir)) {
                String childRel = dir.isEmpty() ? child : dir + "/" + child;
                if (!ignored.test(childRel)) {
                    pending.push(childRel);
                }
            }
        }
    }

    /** Adds one watch; false if the directory vanished, could not be watched or the limit is hit. */
    private boolean watch(String rel, Set<Integer> seen) {
        Path path = PathBytes.under(root, rel);
        int wd;
        try {
            wd = inotify.addWatch(path, MASK);
        } catch (WatchLimitException e) {
            if (!limitReported) {
                limitReported = true;
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
                listener.limitReached(e.getMessage());
            }
            return false;
        } catch (IOException e) {
            // e.g. EACCES: the scanner meets the same directory and records the problem per file.
            LOG.log(System.Logger.Level.WARNING, "not watching " + path + "; changes below it are found by rescans", e);
            return false;
        }
        if (wd < 0) {
            return false; // gone again or replaced by a non-directory: a normal race
        }
        String previous = dirByWd.put(wd, rel);
        if (previous != null && !previous.equals(rel)) {
            wdByDir.remove(previous, wd);
        }
        Integer replaced = wdByDir.put(rel, wd);
        if (replaced != null && replaced != wd) {
            dirByWd.remove(replaced, rel);
        }
        if (seen != null) {
            seen.add(wd);
        }
        return true;
    }

    /** Names of the directories (not symlinks) in {@code rel}; empty if it vanished meanwhile. */
    private List<String> subdirectories(String rel) {
        Path dir = PathBytes.under(root, rel);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(PathBytes.name(entry));
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            // removed or replaced since it was watched: its parent reports that
        } catch (IOException e) {
            // Reported recursive by the caller, so the scanner walks it and records the problem.
            LOG.log(System.Logger.Level.WARNING, "cannot list " + dir + " to watch its subdirectories", e);
        }
        return names;
    }

    /** Removes and forgets the watches of {@code rel} and everything below it. */
    private void unwatchTree(String rel) {
        List<Integer> wds = new ArrayList<>();
        Integer own = wdByDir.get(rel);
        if (own != null) {
            wds.add(own);
        }
        // "/" + 1 == "0": the range holds exactly the paths below rel.
        wds.addAll(wdByDir.subMap(rel + "/", rel + "0").values());
        for (int wd : wds) {
            forget(wd);
            inotify.rmWatch(wd);
        }
    }

    private void forget(int wd) {
        String dir = dirByWd.remove(wd);
        if (dir != null) {
            wdByDir.remove(dir, wd);
        }
    }

    /** After lost events: watch what is missing, drop watches the tree no longer reaches. */
    private void resync() {
        Set<Integer> seen = new HashSet<>();
        watchTree("", seen);
        for (int wd : new ArrayList<>(dirByWd.keySet())) {
            if (!seen.contains(wd)) {
                forget(wd);
                inotify.rmWatch(wd);
            }
        }
    }
}
