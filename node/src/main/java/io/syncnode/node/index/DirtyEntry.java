package io.syncnode.node.index;

import java.time.Instant;

/**
 * A path of a folder whose current version a peer has not confirmed yet.
 *
 * @param folder   folder name
 * @param path     relative path
 * @param peerId   the peer's node id
 * @param peerName the peer's name from the peers table, or its id in 16-digit lower-case hex
 *                 when the peer is unknown
 * @param since    when the path first became dirty toward that peer (millisecond precision)
 */
public record DirtyEntry(String folder, String path, long peerId, String peerName, Instant since) {
}
