package io.syncnode.node.engine;

import io.syncnode.node.index.PauseMarks;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.wire.Outbox;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every folder of a node shares, built once by the composition root ({@code SyncNode}) and
 * given to each {@link FolderSync}: the node, its index, its way to the members, and its threads.
 *
 * @param selfId this node's id
 * @param selfName this node's name
 * @param workDir {@code <state-dir>/work}: per folder, copies for conflict scripts
 * @param scheduler the node's timers ({@code scheduler-N})
 * @param ioPool the pool that fsyncs batches of applied files ({@code fsync-N})
 * @param pauses which folders are paused, kept across restarts
 * @param members the names of the current view's members (this node among them)
 */
public record NodeParts(long selfId, String selfName, Path workDir, SqliteIndexStore store, PeerDirectory peers,
                        Outbox outbox, Fetcher fetcher, ScheduledExecutorService scheduler, Clock clock,
                        NodeCounters counters, Executor ioPool, PauseMarks pauses,
                        java.util.function.Supplier<java.util.Set<String>> members) {
}
