/**
 * Watch: turns file-system activity under a folder root into relative paths to rescan.
 *
 * <p>{@link io.syncnode.node.watch.InotifyWatcher} keeps one inotify watch per directory (inotify
 * is not recursive), adds watches as directories appear and reports paths to a
 * {@link io.syncnode.node.watch.WatchListener}. {@link io.syncnode.node.watch.ChangeAggregator}
 * settles bursts into {@link io.syncnode.node.watch.ChangeBatch}es for the scanner.
 *
 * <p>What it must not do: events are hints, scans are truth. Nothing here stats, hashes or
 * interprets files beyond telling directories from the rest, touches the index or decides what
 * a change means; lost events become a "rescan the folder" signal, never a guess. No
 * {@code jnr.ffi} imports: native calls go through {@code io.syncnode.node.os}.
 *
 * <p>Threading: each watcher has one daemon thread, "inotify-&lt;root name&gt;", that reads events
 * and calls its listener; listeners must not block it (the kernel queue overflows while it is
 * stalled). {@code start()} and {@code close()} may be called from any thread; {@code close()}
 * wakes and joins the thread. The aggregator is thread-safe; it calls its sink on the scheduler
 * it was given, never while holding its lock. With a single-threaded scheduler (the intended
 * set-up) sink calls are in order and never overlap.
 */
package io.syncnode.node.watch;
