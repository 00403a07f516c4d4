package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.FolderConfig;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.ControlHandler.ControlException;
import io.syncnode.node.control.DiffView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index query answers only for folders shared with the asker ({@code [[folder]] nodes}): n0 and
 * n1 share "data" with each other only; n2, which lists everyone, is refused by n0 with the text it
 * gives for a folder it does not have, and n0 never asks n2.
 */
class DiffSharingTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @AfterEach
    void stop() {
        cluster.close();
    }

    private ControlHandler control(int i) {
        return cluster.node(i).controlHandler();
    }

    @Test
    void aFolderNotSharedWithTheAskerIsRefusedAndNeverAsked() throws Exception {
        cluster = new LocalCluster(tmp, 3, List.of());
        for (int i = 0; i < 2; i++) {
            SyncnodeConfig c = cluster.configs.get(i);
            FolderConfig f = c.folders().get(0);
            cluster.configs.set(i, new SyncnodeConfig(c.file(), c.node(), c.cluster(), List.of(new FolderConfig(
                    f.name(), f.path(), f.ignore(), f.conflict(), f.deleteConflict(), f.conflictScope(),
                    f.maxConflictCopies(), f.priority(), f.script(), f.settle(), f.rescan(), List.of("n0", "n1")))));
        }
        for (int i = 0; i < 3; i++) {
            cluster.start(i);
        }
        await(T, () -> control(0).status().members().size() == 3, "3 members");
        await(T, () -> control(2).status().members().size() == 3, "3 members seen by n2");
        Files.writeString(cluster.dir(0).resolve("shared"), "only for n1\n");
        await(T, () -> Files.exists(cluster.dir(1).resolve("shared")), "n0's file on n1");

        ControlException refused = assertThrows(ControlException.class, () -> control(2).diff("data", "n0", List.of()));
        assertTrue(refused.getMessage().contains("n0 refused: no folder data is shared with n2 on this node"),
                refused.getMessage());
        ControlException notAsked = assertThrows(ControlException.class,
                () -> control(0).diff("data", "n2", List.of()));
        assertTrue(notAsked.getMessage().contains("folder data is not shared with n2"), notAsked.getMessage());
        DiffView all = control(0).diff(null, null, List.of());
        assertEquals(List.of("n1"), all.compared().stream().map(DiffView.Compared::peer).toList(),
                "every member means every member sharing the folder");
        assertEquals(List.of(), all.differences().stream().filter(d -> !d.path().equals(".")).toList());
    }
}
