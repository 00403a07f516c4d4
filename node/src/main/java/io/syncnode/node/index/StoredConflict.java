package io.syncnode.node.index;

import io.syncnode.protocol.FileRecord;
import java.time.Instant;

/**
 * An open conflict: the concurrent version of {@code folder}/{@code remote.path()} that this node
 * did not take, announced by {@code remoteNode}, first seen at {@code detected}. The local version
 * is the path's files entry.
 */
public record StoredConflict(String folder, FileRecord remote, String remoteNode, Instant detected) {
    public String path() {
        return remote.path();
    }
}
