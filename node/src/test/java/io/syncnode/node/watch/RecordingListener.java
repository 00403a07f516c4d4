package io.syncnode.node.watch;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;

/** Records every report with the time it arrived. */
class RecordingListener implements WatchListener {
    record Change(String path, boolean recursive, long nanos) {
    }

    final List<Change> changes = new CopyOnWriteArrayList<>();
    final List<String> overflows = new CopyOnWriteArrayList<>();
    final List<String> limits = new CopyOnWriteArrayList<>();
    final Map<String, Long> firstSeen = new ConcurrentHashMap<>();

    @Override
    public void changed(String relPath, boolean recursive) {
        long now = System.nanoTime();
        firstSeen.putIfAbsent(relPath, now);
        changes.add(new Change(relPath, recursive, now));
    }

    @Override
    public void overflow(String reason) {
        overflows.add(reason);
    }

    @Override
    public void limitReached(String message) {
        limits.add(message);
    }

    boolean saw(String path) {
        return changes.stream().anyMatch(c -> c.path().equals(path));
    }

    boolean sawRecursive(String path) {
        return changes.stream().anyMatch(c -> c.path().equals(path) && c.recursive());
    }

    /** The path itself was reported, or it lies under a directory reported recursive. */
    boolean covered(String path) {
        return changes.stream().anyMatch(c -> c.path().equals(path)
                || c.recursive() && (c.path().isEmpty() || path.startsWith(c.path() + "/")));
    }

    boolean sawUnder(String prefix) {
        return changes.stream().anyMatch(c -> c.path().equals(prefix) || c.path().startsWith(prefix + "/"));
    }

    void clear() {
        changes.clear();
        firstSeen.clear();
    }
}
