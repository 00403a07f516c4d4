package io.syncnode.node.cli;

import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.SyncNode;
import io.syncnode.node.control.ControlHandler;

/** How {@code run} starts a node ({@link SyncNode#start}; tests hand in a fake). */
@FunctionalInterface
interface NodeStarter {
    RunningNode start(SyncnodeConfig config) throws Exception;

    /** A started node as {@code run} sees it. */
    interface RunningNode extends AutoCloseable {
        ControlHandler controlHandler();

        @Override
        void close();
    }

    /** Starts the real {@link SyncNode}. */
    static NodeStarter syncNode() {
        return config -> {
            SyncNode node = SyncNode.start(config);
            return new RunningNode() {
                @Override
                public ControlHandler controlHandler() {
                    return node.controlHandler();
                }

                @Override
                public void close() {
                    node.close();
                }
            };
        };
    }
}
