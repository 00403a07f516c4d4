package io.syncnode.protocol.delta;

import io.syncnode.protocol.ContentHash;

/**
 * What {@link DeltaPatcher#finish()} wrote.
 *
 * @param length bytes written
 * @param hash SHA-256 of the bytes written
 */
public record PatchedFile(long length, ContentHash hash) {
}
