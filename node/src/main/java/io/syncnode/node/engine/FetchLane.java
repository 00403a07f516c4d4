package io.syncnode.node.engine;

import java.util.ArrayDeque;

/**
 * A queue of fetches with a bound on how many run at once: a fetch starts when one of the
 * {@code max} places is free, and gives its place back with {@link #finished}. {@link FetchQueue}
 * has two (small files and big ones).
 *
 * <p>Confined to the folder's worker thread.
 */
final class FetchLane {
    private final int max;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private int active;

    FetchLane(int max) {
        this.max = max;
    }

    void add(Runnable start) {
        queue.add(start);
        drain();
    }

    void finished() {
        active--;
        drain();
    }

    private void drain() {
        while (active < max && !queue.isEmpty()) {
            active++;
            queue.poll().run();
        }
    }

    /** Running and queued fetches. */
    int size() {
        return active + queue.size();
    }
}
