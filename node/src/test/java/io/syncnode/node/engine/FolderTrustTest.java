package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.syncnode.node.control.AcceptDeletesView;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.StatusView;
import io.syncnode.protocol.AcceptFilter;
import io.syncnode.protocol.FolderType;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-folder trust between real nodes (SHARED_LOOPBACK): {@code type = "send-only"} and
 * {@code "receive-only"}, the {@code [folder.accept]} filter, and the remote mass-delete guard.
 * Node 0 is an ordinary send-receive node; node 1 gets the setting under test.
 */
class FolderTrustTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    /** No devices, no setuid, owners 0-65535, only security.* xattrs (so a user.* one is refused). */
    private static final AcceptFilter LOCKED = new AcceptFilter(false, false,
            List.of(AcceptFilter.OwnerRange.parse("0-65535")), List.of("security.*"));

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start(FolderType type, AcceptFilter accept) throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of()).trust(1, type, accept);
        cluster.startAll(T);
    }

    private ControlHandler control(int i) {
        return cluster.node(i).controlHandler();
    }

    private StatusView.Counters counters(int i) {
        return control(i).status().counters();
    }

    private StatusView.FolderStatus folder(int i) {
        return control(i).status().folders().get(0);
    }

    @Test
    void aSendOnlyNodeIgnoresARemoteWriteButAnnouncesItsOwn() throws Exception {
        start(FolderType.SEND_ONLY, AcceptFilter.ALL);
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        Files.writeString(a.resolve("from-n0.txt"), "n0 writes");
        await(T, () -> counters(1).remoteIgnored() >= 1, () -> "n1 counts the ignored change: " + counters(1));
        assertTrue(control(0).sync("data", T, false).converged(),
                "n1 acknowledges what it ignores: n0 does not offer it forever");
        assertFalse(Files.exists(b.resolve("from-n0.txt")), "a send-only node never applies a remote change");
        assertEquals(0, counters(1).filesApplied());
        assertEquals("send-only", folder(1).type());

        Files.writeString(b.resolve("from-n1.txt"), "n1 writes");
        await(T, () -> Files.exists(a.resolve("from-n1.txt")), () -> "n1's own change reaches n0");
        assertEquals("n1 writes", Files.readString(a.resolve("from-n1.txt")));
    }

    @Test
    void aReceiveOnlyNodeAppliesButNeverAnnouncesItsOwnChangesAndRevertRestoresThem() throws Exception {
        start(FolderType.RECEIVE_ONLY, AcceptFilter.ALL);
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        Files.writeString(a.resolve("site.conf"), "cluster version\n");
        Files.writeString(a.resolve("keep.txt"), "kept\n");
        Files.createDirectories(a.resolve("img"));
        Files.write(a.resolve("img/logo.bin"), new byte[200_000]); // beyond inline: fetched
        await(T, () -> Files.exists(b.resolve("img/logo.bin")), () -> "n0's changes reach the receive-only n1");
        cluster.awaitSame(T);
        long announced = counters(1).recordsAnnounced();

        Files.writeString(b.resolve("site.conf"), "edited on n1\n");
        Files.writeString(b.resolve("local-only.txt"), "added on n1\n");
        Files.delete(b.resolve("keep.txt"));
        Files.write(b.resolve("img/logo.bin"), new byte[] {1, 2, 3});
        await(T, () -> folder(1).locallyChanged() == 4, () -> "four local changes listed: " + folder(1));
        assertEquals(0, control(1).dirty(null).size(), "nothing is dirty toward n0");
        assertEquals(announced, counters(1).recordsAnnounced(), "n1 announced nothing of its own");
        assertEquals("cluster version\n", Files.readString(a.resolve("site.conf")));
        assertFalse(Files.exists(a.resolve("local-only.txt")));

        Files.writeString(a.resolve("other.txt"), "still receiving\n");
        await(T, () -> Files.exists(b.resolve("other.txt")), () -> "n1 keeps applying remote changes");
        assertEquals("edited on n1\n", Files.readString(b.resolve("site.conf")), "the local edit stays");

        assertEquals(4, control(1).revert("data").reverted());
        cluster.awaitSame(T);
        assertEquals("cluster version\n", Files.readString(b.resolve("site.conf")));
        assertFalse(Files.exists(b.resolve("local-only.txt")), "the local addition is removed");
        assertEquals("kept\n", Files.readString(b.resolve("keep.txt")), "the local removal is undone");
        await(T, () -> folder(1).locallyChanged() == 0, () -> "nothing changed locally any more: " + folder(1));
        assertEquals(announced, counters(1).recordsAnnounced(), "a revert announces nothing either");
    }

    @Test
    void revertIsRefusedForAFolderThatIsNotReceiveOnly() throws Exception {
        start(FolderType.SEND_ONLY, AcceptFilter.ALL);
        ControlHandler.ControlException e = org.junit.jupiter.api.Assertions.assertThrows(
                ControlHandler.ControlException.class, () -> control(1).revert("data"));
        assertTrue(e.getMessage().contains("is not receive-only"), e.getMessage());
    }

    @Test
    void aFilterRefusesAndCountsASetuidFileAndAForbiddenXattr() throws Exception {
        start(FolderType.SEND_RECEIVE, LOCKED);
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        Files.writeString(a.resolve("suid"), "#!/bin/sh\n");
        Files.setAttribute(a.resolve("suid"), "unix:mode", 04755, LinkOption.NOFOLLOW_LINKS);
        Files.writeString(a.resolve("tagged"), "x");
        io.syncnode.node.os.NativeFs.setXattr(a.resolve("tagged"), "user.origin", "n0\nforged log line".getBytes());
        Files.writeString(a.resolve("plain"), "accepted");
        await(T, () -> Files.exists(b.resolve("plain")) && counters(1).remoteRefused() >= 2,
                () -> "the plain file arrives and two are refused: " + counters(1));
        assertFalse(Files.exists(b.resolve("suid")), "no setuid file from a peer");
        assertFalse(Files.exists(b.resolve("tagged")), "no user.* xattr from a peer");
        List<String> problems = folder(1).problemList().stream().map(p -> p.path() + ": " + p.problem()).toList();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("suid: refused") && p.contains("setuid")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("tagged: refused") && p.contains("user.origin")),
                problems.toString());
        assertTrue(control(0).sync("data", T, false).converged(), "refused versions are acknowledged, not re-offered");

        Files.setAttribute(a.resolve("suid"), "unix:mode", 0755, LinkOption.NOFOLLOW_LINKS);
        await(T, () -> Files.exists(b.resolve("suid")), () -> "the next version, without setuid, is accepted");
        await(T, () -> folder(1).problemList().stream().noneMatch(p -> p.path().equals("suid")),
                () -> "its problem is over: " + folder(1).problemList());
        assertEquals(0755, 07777 & (Integer) Files.getAttribute(b.resolve("suid"), "unix:mode", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aFilterRefusesARemoteDeviceNodeAndAnOwnerOutOfRange() throws Exception {
        assumeTrue(ROOT, "mknod and chown need root; skipped as " + System.getProperty("user.name"));
        start(FolderType.SEND_RECEIVE, LOCKED);
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        io.syncnode.node.os.NativeFs.mknod(a.resolve("disk"), 0060000 | 0600,
                io.syncnode.node.os.DeviceNumber.makedev(8, 0));
        Files.writeString(a.resolve("owned"), "x");
        Files.setAttribute(a.resolve("owned"), "unix:uid", 100000, LinkOption.NOFOLLOW_LINKS);
        io.syncnode.node.os.NativeFs.mkfifo(a.resolve("pipe"), 0600);
        await(T, () -> Files.exists(b.resolve("pipe"), LinkOption.NOFOLLOW_LINKS) && counters(1).remoteRefused() >= 2,
                () -> "the fifo arrives and two are refused: " + counters(1));
        assertFalse(Files.exists(b.resolve("disk"), LinkOption.NOFOLLOW_LINKS), "no block device from a peer");
        assertFalse(Files.exists(b.resolve("owned")), "no file of uid 100000 from a peer");
        List<String> problems = folder(1).problemList().stream().map(p -> p.path() + ": " + p.problem()).toList();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("disk: refused") && p.contains("device")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("owned: refused") && p.contains("uid 100000")),
                problems.toString());
    }

    @Test
    void aRemoteMassDeleteHaltsTheFolderUntilAcceptDeletes() throws Exception {
        start(FolderType.SEND_RECEIVE, AcceptFilter.ALL);
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        for (int i = 0; i < 5; i++) {
            Files.writeString(a.resolve("keep" + i), "x" + i);
        }
        Path gone = Files.createDirectories(a.resolve("gone"));
        for (int i = 0; i < 125; i++) {
            Files.writeString(gone.resolve("g" + i), "y" + i);
        }
        cluster.awaitSame(T);
        // one announcement deletes 126 of 131 entries (the tree moved out of the folder)
        Files.move(gone, tmp.resolve("moved-away"));
        await(T, () -> "halted".equals(folder(1).state()), () -> "n1 halts: " + folder(1));
        String why = folder(1).problem();
        assertTrue(why.contains("n0's announcements would delete") && why.contains("accept-deletes -c FILE --folder data"),
                why);
        assertTrue(Files.exists(b.resolve("gone/g0")), "the files are still on n1");

        AcceptDeletesView accepted = control(1).acceptDeletes("data");
        assertTrue(accepted.accepted(), accepted.toString());
        cluster.awaitSame(T);
        assertFalse(Files.exists(b.resolve("gone")), "the held deletes applied");
        assertEquals(5, countKeep(b));
        await(T, () -> "idle".equals(folder(1).state()), () -> "n1 idle again: " + folder(1));
    }

    private static long countKeep(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("keep")).count();
        }
    }
}
