/**
 * The sync engine: one {@link io.syncnode.node.engine.FolderSync} per folder ties watch, scan,
 * index, announce, fetch and apply together; {@link io.syncnode.node.engine.PeerDirectory} knows
 * the peers; {@link io.syncnode.node.engine.MessageRouter} hands decoded messages to them;
 * {@link io.syncnode.node.engine.IndexQueries} asks members for their records and answers theirs
 * ({@code syncnode diff}), reading the index only: it never changes a folder.
 *
 * <p>Threading rules. Each folder has one worker thread that does every scan and every apply
 * commit of that folder, in order; so a node's own write and the scan that sees it cannot race,
 * and the stat signature recorded after an apply is what the scan compares against. Index writes
 * go through the store's single writer thread. Transport callbacks only decode and enqueue.
 * Transfers run on the fetch pools and hand their finished temp files back to the folder worker.
 */
package io.syncnode.node.engine;
