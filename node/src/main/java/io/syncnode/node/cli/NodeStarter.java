package io.syncnode.node.cli;

import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.StartProgress;
import io.syncnode.node.SyncNode;
import io.syncnode.node.control.ControlHandler;

/** How {@code run} starts a node ({@link SyncNode#start}; tests hand in a fake). */
@FunctionalInterface
interface NodeStarter {
    RunningNode start(SyncnodeConfig config) throws Exception;

    /** As {@link #start(SyncnodeConfig)}, telling {@code progress} how far it has come (fakes: not at all). */
    default RunningNode start(SyncnodeConfig config, StartProgress progress) throws Exception {
        return start(config);
    }

    /** A started node as {@code run} sees it. */
    interface RunningNode extends AutoCloseable {
        ControlHandler controlHandler();

        @Override
        void close();
    }

    /** Starts the real {@link SyncNode}. */
    static NodeStarter syncNode() {
        return new NodeStarter() {
            @Override
            public RunningNode start(SyncnodeConfig config) throws Exception {
                return start(config, StartProgress.NONE);
            }

            @Override
            public RunningNode start(SyncnodeConfig config, StartProgress progress) throws Exception {
                return running(SyncNode.start(config, progress));
            }
        };
    }

    /** {@code node} as {@code run} sees it. */
    static RunningNode running(SyncNode node) {
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
    }
}
