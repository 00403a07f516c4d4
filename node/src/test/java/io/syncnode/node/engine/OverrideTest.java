package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.OverrideView;
import io.syncnode.protocol.AcceptFilter;
import io.syncnode.protocol.FolderType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: {@code override --folder F} makes this node's tree the winner on every member. Here n0's
 * folder is send-only (the typical case: the others changed a folder only n0 should write), n1 and
 * n2 add a file, change one and delete one; the override on n0 removes the extra file, brings back
 * the changed and the deleted one on both, with no conflict copy. Real nodes in one JVM.
 */
class OverrideTest {
    private static final Duration T = Duration.ofSeconds(40);

    @TempDir
    Path tmp;
    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private ControlHandler control(int i) {
        return cluster.node(i).controlHandler();
    }

    @Test
    void theOverridingNodesTreeWinsOnEveryMember() throws Exception {
        cluster = new LocalCluster(tmp, 3, List.of()).trust(0, FolderType.SEND_ONLY, AcceptFilter.ALL);
        cluster.startAll(T);
        Files.writeString(cluster.dir(0).resolve("keep.txt"), "n0's keep");
        Files.writeString(cluster.dir(0).resolve("changed.txt"), "n0's original");
        Files.writeString(cluster.dir(0).resolve("deleted.txt"), "n0's, deleted elsewhere");
        await(T, () -> Files.exists(cluster.dir(2).resolve("deleted.txt")) && Files.exists(cluster.dir(1).resolve("deleted.txt")),
                () -> "n0's files everywhere");
        await(T, () -> control(0).dirty(null).isEmpty(), () -> "acknowledged");

        Files.writeString(cluster.dir(1).resolve("extra.txt"), "only the others have this");
        Files.writeString(cluster.dir(1).resolve("changed.txt"), "n1 changed it");
        Files.delete(cluster.dir(2).resolve("deleted.txt"));
        await(T, () -> Files.exists(cluster.dir(2).resolve("extra.txt")) && !Files.exists(cluster.dir(1).resolve("deleted.txt"))
                && read(cluster.dir(2).resolve("changed.txt")).equals("n1 changed it"), () -> "n1 and n2 agree");
        assertFalse(Files.exists(cluster.dir(0).resolve("extra.txt")), "send-only n0 applied nothing");

        OverrideView v = control(0).override("data");
        assertEquals(List.of("n1", "n2"), v.members());
        // changed.txt, deleted.txt, and the root directory (its mtime moved with the others' changes)
        assertEquals(3, v.replaced(), "n0's entries win: " + v);
        assertEquals(1, v.removed(), "extra.txt goes: " + v);
        for (int i = 1; i <= 2; i++) {
            Path d = cluster.dir(i);
            await(T, () -> !Files.exists(d.resolve("extra.txt")) && read(d.resolve("changed.txt")).equals("n0's original")
                    && read(d.resolve("deleted.txt")).equals("n0's, deleted elsewhere"), () -> d + " has n0's tree");
            assertEquals(List.of(), copies(d), "no conflict copy in " + d);
        }
        // the root directory's mtime is put back after its entries' step: waited for, not read once
        await(T, () -> NativeTree.snapshot(cluster.dir(0)).equals(NativeTree.snapshot(cluster.dir(1)))
                && NativeTree.snapshot(cluster.dir(0)).equals(NativeTree.snapshot(cluster.dir(2))),
                () -> "every member has n0's tree:\n n0 " + NativeTree.snapshot(cluster.dir(0)) + "\n n1 "
                        + NativeTree.snapshot(cluster.dir(1)) + "\n n2 " + NativeTree.snapshot(cluster.dir(2)));
        OverrideView again = control(0).override("data");
        assertEquals(0, again.replaced() + again.removed(), "nothing differs any more: " + again);
    }

    @Test
    void aReceiveOnlyFolderCannotOverride() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of()).trust(0, FolderType.RECEIVE_ONLY, AcceptFilter.ALL);
        cluster.startAll(T);
        ControlHandler.ControlException e = assertThrows(ControlHandler.ControlException.class,
                () -> control(0).override("data"));
        assertTrue(e.getMessage().contains("receive-only"), e.getMessage());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> copies(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".sync-conflict-")).toList();
        }
    }
}
