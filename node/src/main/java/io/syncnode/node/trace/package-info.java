/**
 * Trace: where the time of one change goes on its way from the writer's disk to the replica's.
 *
 * <p>{@link io.syncnode.node.trace.Hops} records, per path, the moment a change passes each hop
 * (inotify event, aggregated batch, folder worker, index commit, announcement, receipt, apply),
 * only when the node runs with {@code -Dsyncnode.hops=DIR}; {@code scripts/bench latency} uses it
 * to print the median of each hop. Off (the default), every mark is one test of a constant.
 *
 * <p>What it must not do: change what the node does, block the thread that marks (the file is
 * written by its own thread), or hold more than a bounded number of marks.
 */
package io.syncnode.node.trace;
