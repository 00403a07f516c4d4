package io.syncnode.node.index;

import io.syncnode.protocol.VersionVector;

/**
 * A tombstone (a deleted path's record) as tombstone collection sees it.
 *
 * @param sequence the row's local sequence number: a put since the read changes it, and
 *                 {@link IndexWriter#dropTombstone} then leaves the row alone
 */
public record Tombstone(String folder, String path, VersionVector version, long sequence) {
}
