package io.syncnode.node;

import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.control.ControlHandler;

/**
 * The composition root: builds every part of a node with constructors and owns start and stop.
 * (Placeholder in the skeleton; the engine replaces it.)
 */
public final class SyncNode implements AutoCloseable {
    private SyncNode() {
    }

    /** Starts a node from a validated config; returns once it is watching and has joined. */
    public static SyncNode start(SyncnodeConfig config) throws Exception {
        throw new UnsupportedOperationException("not built yet");
    }

    public ControlHandler controlHandler() {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Leaves the cluster, finishes or rolls back in-flight applies, closes the index. */
    @Override
    public void close() {
    }
}
