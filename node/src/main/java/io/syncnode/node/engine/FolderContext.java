package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.index.SqliteIndexStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * What the parts of one folder's engine share: the folder, this node, the index and its buffer,
 * the applier, and the folder's worker. Built once by {@link FolderSync}; every part that gets it
 * runs on {@code worker} unless its own notes say otherwise.
 *
 * @param name the folder's name
 * @param root the folder's root directory
 * @param selfId this node's id
 * @param selfName this node's name
 * @param ignored true for paths the folder does not sync ({@code (rel, isDirectory)})
 * @param scanLater queues a rescan of a path on the worker
 * @param nodeName the name of a node by its id
 * @param ioPool the pool that fsyncs batches of applied files ({@code fsync-N})
 * @param actions the folder's post-sync actions, told of applied remote and recorded local changes
 * @param local a receive-only folder's local changes, held rather than announced ({@link LocalChanges#NONE}:
 *              they are announced)
 */
record FolderContext(String name, Path root, long selfId, String selfName, SqliteIndexStore store, IndexBuffer buffer,
                     Applier applier, Clock clock, NodeCounters counters, Problems problems, FolderWorker worker,
                     SplitBrainLog split, BiPredicate<String, Boolean> ignored, Consumer<String> scanLater,
                     LongFunction<String> nodeName, Executor ioPool, FolderActions actions, LocalChanges local) {

    /** A folder that announces its local changes. */
    FolderContext(String name, Path root, long selfId, String selfName, SqliteIndexStore store, IndexBuffer buffer,
                  Applier applier, Clock clock, NodeCounters counters, Problems problems, FolderWorker worker,
                  SplitBrainLog split, BiPredicate<String, Boolean> ignored, Consumer<String> scanLater,
                  LongFunction<String> nodeName, Executor ioPool, FolderActions actions) {
        this(name, root, selfId, selfName, store, buffer, applier, clock, counters, problems, worker, split, ignored,
                scanLater, nodeName, ioPool, actions, LocalChanges.NONE);
    }

    /** A folder without post-sync actions. */
    FolderContext(String name, Path root, long selfId, String selfName, SqliteIndexStore store, IndexBuffer buffer,
                  Applier applier, Clock clock, NodeCounters counters, Problems problems, FolderWorker worker,
                  SplitBrainLog split, BiPredicate<String, Boolean> ignored, Consumer<String> scanLater,
                  LongFunction<String> nodeName, Executor ioPool) {
        this(name, root, selfId, selfName, store, buffer, applier, clock, counters, problems, worker, split, ignored,
                scanLater, nodeName, ioPool, FolderActions.NONE);
    }

    /** {@code step} as a worker task that logs and contains its failure. */
    Runnable guard(String what, FolderSync.Step step) {
        return worker.guard(what, step);
    }
}
