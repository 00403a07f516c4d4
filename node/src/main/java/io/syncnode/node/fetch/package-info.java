/**
 * Content transfer between nodes: {@link io.syncnode.node.fetch.TransferSource} serves fetch
 * requests, {@link io.syncnode.node.fetch.Fetcher} pulls a file's content into a temp file.
 *
 * <p>The exchange is credit-based (PROTOCOL.md, "Fetch"): the source sends at most the granted
 * number of {@code FetchData} chunks ahead of the receiver, so memory stays bounded per
 * transfer whatever the file size. Chunks carry delta operations; the source sends literals only
 * until the receiver offers a basis signature (delta transfer slots in there). The receiver
 * verifies the whole-file SHA-256 before anything is applied; the source checks the file did not
 * change while it was read.
 *
 * <p>Threading: the {@code on*} methods are called from transport callbacks and never block;
 * file I/O runs on the pools handed in.
 */
package io.syncnode.node.fetch;
