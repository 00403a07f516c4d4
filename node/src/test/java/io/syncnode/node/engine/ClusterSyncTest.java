package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.syncnode.node.control.AcceptDeletesView;
import io.syncnode.node.control.CheckView;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.StatusView;
import io.syncnode.wire.proto.Envelope;
import io.syncnode.wire.proto.FileInfo;
import io.syncnode.wire.proto.FileType;
import io.syncnode.wire.proto.IndexUpdate;
import io.syncnode.wire.proto.Version;
import io.syncnode.wire.proto.VersionCounter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nodes (real inotify, real SQLite, real JGroups over SHARED_LOOPBACK) in one JVM: every
 * operation of issue 2 travels both ways and the cluster goes quiet afterwards.
 */
class ClusterSyncTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    LocalCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of("**/*.swp"));
        cluster.startAll(T);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private void awaitSame() {
        cluster.awaitSame(T);
    }

    private StatusView.Counters counters(int i) {
        return cluster.node(i).controlHandler().status().counters();
    }

    @Test
    void everyOperationTravelsBothWays() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        Files.writeString(a.resolve("hello.txt"), "hello");
        awaitSame();
        Files.createDirectories(b.resolve("d/e"));
        Files.writeString(b.resolve("d/e/f.txt"), "deep");
        awaitSame();
        Files.writeString(a.resolve("d/e/f.txt"), "deeper, modified on a");
        awaitSame();
        Files.setPosixFilePermissions(b.resolve("hello.txt"), PosixFilePermissions.fromString("rwxr-x---"));
        awaitSame();
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.resolve("hello.txt"))));
        Files.setLastModifiedTime(a.resolve("hello.txt"), FileTime.from(1_700_000_000_123_456_789L, TimeUnit.NANOSECONDS));
        awaitSame();
        assertEquals(1_700_000_000_123_456_789L, Files.getLastModifiedTime(b.resolve("hello.txt")).to(TimeUnit.NANOSECONDS));
        Files.createSymbolicLink(a.resolve("link"), Path.of("d/e/f.txt"));
        awaitSame();
        assertTrue(Files.isSymbolicLink(b.resolve("link")));
        Files.move(b.resolve("d"), b.resolve("renamed"));
        awaitSame();
        assertTrue(Files.exists(a.resolve("renamed/e/f.txt")));
        assertFalse(Files.exists(a.resolve("d")));
        Files.delete(a.resolve("hello.txt"));
        awaitSame();
        assertFalse(Files.exists(b.resolve("hello.txt")));
        Files.writeString(a.resolve("ignored.swp"), "not synced");
        Files.writeString(a.resolve("marker"), "after the ignored file");
        await(T, () -> Files.exists(b.resolve("marker")), () -> "marker on b");
        assertFalse(Files.exists(b.resolve("ignored.swp")), "ignored file was synced");
    }

    @Test
    void largeFileIsFetchedInChunksAndRenameMovesNoBytes() throws Exception {
        Path a = cluster.dir(0);
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        Files.write(a.resolve("big.bin"), big);
        awaitSame();
        long fetched = counters(1).bytesFetched();
        assertTrue(fetched >= big.length, "fetched " + fetched);
        Files.move(a.resolve("big.bin"), a.resolve("moved.bin"));
        awaitSame();
        assertEquals(fetched, counters(1).bytesFetched(), "a rename must not move content bytes");
    }

    @Test
    void clusterGoesQuietAfterTheLastWrite() throws Exception {
        Path a = cluster.dir(0);
        for (int i = 0; i < 50; i++) {
            Files.writeString(a.resolve("f" + i), "content " + i);
        }
        awaitSame();
        await(T, () -> cluster.node(0).controlHandler().dirty(null).isEmpty(), () -> "dirty drained");
        long sent0 = counters(0).announcementsSent();
        long sent1 = counters(1).announcementsSent();
        long applied1 = counters(1).filesApplied();
        // quiet period: the same counters must not move while nothing is written
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < end) {
            assertEquals(sent0, counters(0).announcementsSent(), "node 0 kept announcing");
            assertEquals(sent1, counters(1).announcementsSent(), "node 1 kept announcing (loop)");
            assertEquals(applied1, counters(1).filesApplied(), "node 1 kept rewriting files");
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
        }
    }

    @Test
    void hostilePathsFromTheNetworkAreRejectedAndNothingIsWritten() throws Exception {
        long rejectedBefore = counters(1).rejectedMessages();
        for (String bad : List.of("../escape.txt", "/etc/escape.txt", "a/../../escape.txt", "nul\0byte")) {
            byte[] content = "evil".getBytes(StandardCharsets.UTF_8);
            FileInfo f = FileInfo.newBuilder().setPath(ByteString.copyFrom(bad, StandardCharsets.UTF_8))
                    .setType(FileType.REGULAR).setMode(0644).setSize(content.length)
                    .setHash(ByteString.copyFrom(java.security.MessageDigest.getInstance("SHA-256").digest(content)))
                    .setVersion(Version.newBuilder().addCounters(VersionCounter.newBuilder().setNodeId(42).setValue(9_999_999_999L)))
                    .setInlineContent(ByteString.copyFrom(content)).setHasInlineContent(true).build();
            byte[] msg = Envelope.newBuilder().setProtocolVersion(1).setSenderId(42).setSenderName("n0")
                    .setIndexUpdate(IndexUpdate.newBuilder().setFolder("data").addFiles(f)).build().toByteArray();
            cluster.node(1).router().onMessage("n0", msg);
        }
        // a valid message sent after the bad ones is applied: the node keeps working
        Files.writeString(cluster.dir(0).resolve("after"), "ok");
        await(T, () -> Files.exists(cluster.dir(1).resolve("after")), () -> "valid file after the hostile ones");
        assertEquals(rejectedBefore + 4, counters(1).rejectedMessages(), "each hostile update rejected");
        assertFalse(Files.exists(tmp.resolve("n1/escape.txt")));
        assertFalse(Files.exists(tmp.resolve("escape.txt")));
        assertFalse(Files.exists(Path.of("/etc/escape.txt")));
        try (var s = Files.list(cluster.dir(1))) {
            assertEquals(List.of("after"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void restartedNodeCatchesUpBothWays() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        Files.writeString(a.resolve("before"), "1");
        awaitSame();
        cluster.stop(1);
        Files.writeString(a.resolve("while-b-down"), "2");
        Files.writeString(b.resolve("written-on-b-while-down"), "3");
        await(T, () -> cluster.node(0).controlHandler().dirty(null).stream().anyMatch(d -> d.path().equals("while-b-down")
                && d.peer().equals("n1")), () -> "dirty entry toward stopped n1");
        cluster.start(1);
        awaitSame();
        assertTrue(Files.exists(a.resolve("written-on-b-while-down")));
        await(T, () -> cluster.node(0).controlHandler().dirty(null).isEmpty(), () -> "dirty drained after restart");
        assertTrue(Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aScanThatWouldDeleteMostOfTheFolderHaltsUntilTheOperatorAcceptsTheDeletesAndCheckNeverAccepts()
            throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        for (int i = 0; i < 30; i++) {
            Files.writeString(b.resolve("keep" + i), "x" + i);
        }
        awaitSame();
        cluster.stop(1);
        for (int i = 0; i < 25; i++) {
            Files.delete(b.resolve("keep" + i)); // e.g. an unmounted or emptied volume while the node was down
        }
        cluster.start(1);
        ControlHandler n1 = cluster.node(1).controlHandler();
        await(T, () -> "halted".equals(n1.status().folders().get(0).state()),
                () -> "folder halted on n1: " + n1.status().folders());
        String why = n1.status().folders().get(0).problem();
        assertTrue(why.contains("25 of 30") && why.contains("syncnode accept-deletes -c FILE --folder data"), why);
        await(T, () -> cluster.node(0).controlHandler().status().members().size() == 2, () -> "rejoined");

        // regression: `check -c FILE` (every folder) accepted the deletes of every halted folder
        for (String folder : java.util.Arrays.asList(null, "data")) {
            CheckView checked = n1.check(folder, List.of());
            assertEquals(List.of("data"), checked.halted().stream().map(CheckView.HaltedFolder::folder).toList(),
                    "check of " + folder + " leaves the folder halted");
            assertTrue(checked.halted().get(0).reason().contains("accept-deletes"), checked.halted().get(0).reason());
            assertEquals("halted", n1.status().folders().get(0).state());
        }
        assertTrue(n1.sync("data", T, false).converged(), "n0 confirmed everything n1 announced");
        assertTrue(Files.exists(a.resolve("keep0")), "deletes must not propagate while halted, nor by a check");

        AcceptDeletesView accepted = n1.acceptDeletes("data");
        assertTrue(accepted.accepted() && accepted.changed() >= 25, accepted.toString());
        await(T, () -> !Files.exists(a.resolve("keep0")) && Files.exists(a.resolve("keep29")),
                () -> "accepted deletes reach n0");
        await(T, () -> "idle".equals(n1.status().folders().get(0).state()),
                () -> "n1 idle again: " + n1.status().folders());
        assertEquals(new AcceptDeletesView("data", false, 0), n1.acceptDeletes("data"), "nothing left to accept");
    }

    @Test
    void checkResumesAHaltedFolderOnceTheFilesAreBack() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        for (int i = 0; i < 30; i++) {
            Files.writeString(b.resolve("keep" + i), "x" + i);
        }
        awaitSame();
        cluster.stop(1);
        Path aside = Files.createDirectories(tmp.resolve("aside"));
        for (int i = 0; i < 25; i++) {
            Files.move(b.resolve("keep" + i), aside.resolve("keep" + i)); // the volume is not mounted
        }
        cluster.start(1);
        ControlHandler n1 = cluster.node(1).controlHandler();
        await(T, () -> "halted".equals(n1.status().folders().get(0).state()), () -> "folder halted on n1");
        for (int i = 0; i < 25; i++) {
            Files.move(aside.resolve("keep" + i), b.resolve("keep" + i)); // mounted again
        }
        assertEquals(List.of(), n1.check(null, List.of()).halted(), "the files are back: the folder resumes");
        assertEquals(null, n1.status().folders().get(0).problem());
        Files.writeString(b.resolve("after"), "syncing again");
        await(T, () -> Files.exists(a.resolve("after")), () -> "n1 syncs again");
        assertTrue(Files.exists(a.resolve("keep0")), "nothing was deleted");
    }

    @Test
    void fifosAndDevicesAreCreatedWithTheirModeAndDeviceNumber() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        io.syncnode.node.os.NativeFs.mkfifo(a.resolve("pipe"), 0640);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            io.syncnode.node.os.NativeFs.mknod(a.resolve("null"), 0020000 | 0666,
                    io.syncnode.node.os.DeviceNumber.makedev(1, 3));
        }
        await(T, () -> Files.exists(b.resolve("pipe"), LinkOption.NOFOLLOW_LINKS)
                && (!root || Files.exists(b.resolve("null"), LinkOption.NOFOLLOW_LINKS)), () -> "special files on n1");
        int mode = (Integer) Files.getAttribute(b.resolve("pipe"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0010640, mode, "a FIFO with mode 0640");
        if (root) {
            assertEquals(Files.getAttribute(a.resolve("null"), "unix:rdev", LinkOption.NOFOLLOW_LINKS),
                    Files.getAttribute(b.resolve("null"), "unix:rdev", LinkOption.NOFOLLOW_LINKS), "same device number");
        }
        awaitSame();
    }

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private static boolean hasCommand(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    private static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", argv) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
    }

    /** Content bytes that crossed the network, per node: fetched + served + inline sent + inline received. */
    private long contentBytes(int i) {
        StatusView.Counters c = counters(i);
        return c.bytesFetched() + c.bytesServed() + c.inlineBytesSent() + c.inlineBytesReceived();
    }

    @Test
    void xattrsAclsAndDirectoryTimesTravelAndMetadataOnlyChangesMoveNoContent() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        Files.createDirectories(a.resolve("etc/app"));
        Files.writeString(a.resolve("etc/app/small.conf"), "key = value\n");
        byte[] big = new byte[2 * 1024 * 1024];
        new Random(5).nextBytes(big);
        Files.write(a.resolve("etc/app/big.bin"), big);
        io.syncnode.node.os.NativeFs.setXattr(a.resolve("etc/app/small.conf"), "user.origin", "alpha".getBytes());
        io.syncnode.node.os.NativeFs.setXattr(a.resolve("etc/app"), "user.dir-note", new byte[] {0, 1, 2, (byte) 0xff});
        boolean acl = hasCommand("setfacl");
        if (acl) {
            run("setfacl", "-m", "u:1234:rw", a.resolve("etc/app/small.conf").toString());
            run("setfacl", "-d", "-m", "g:2345:rx", a.resolve("etc/app").toString());
        }
        Files.setLastModifiedTime(a.resolve("etc"), FileTime.from(1_600_000_000_111_222_333L, TimeUnit.NANOSECONDS));
        awaitSame();
        assertEquals("alpha", new String(io.syncnode.node.scan.EntryReader.readXattrs(b.resolve("etc/app/small.conf"))
                .get("user.origin")));
        if (acl) {
            assertTrue(io.syncnode.node.scan.EntryReader.readXattrs(b.resolve("etc/app")).names()
                    .contains("system.posix_acl_default"), "default ACL on the replica's directory");
        }
        assertEquals(1_600_000_000_111_222_333L, Files.getLastModifiedTime(b.resolve("etc")).to(TimeUnit.NANOSECONDS),
                "directory mtime restored after its children were written");

        // metadata only, both ways: no content bytes anywhere
        await(T, () -> cluster.node(0).controlHandler().dirty(null).isEmpty()
                && cluster.node(1).controlHandler().dirty(null).isEmpty(), () -> "dirty drained");
        long before0 = contentBytes(0);
        long before1 = contentBytes(1);
        if (ROOT) { // chown first: it clears setuid
            Files.setAttribute(b.resolve("etc/app/big.bin"), "unix:uid", 100000, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(b.resolve("etc/app/small.conf"), "unix:gid", 165534, LinkOption.NOFOLLOW_LINKS);
        }
        Files.setAttribute(b.resolve("etc/app/big.bin"), "unix:mode", 04750, LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(b.resolve("etc/app/small.conf"), FileTime.from(1_500_000_000L, TimeUnit.SECONDS));
        io.syncnode.node.os.NativeFs.setXattr(b.resolve("etc/app/big.bin"), "user.checksum", "abc".getBytes());
        io.syncnode.node.os.NativeFs.removeXattr(b.resolve("etc/app/small.conf"), "user.origin");
        awaitSame();
        assertEquals(04750, 07777 & (Integer) Files.getAttribute(a.resolve("etc/app/big.bin"), "unix:mode",
                LinkOption.NOFOLLOW_LINKS), "setuid mode arrived");
        assertEquals(before0, contentBytes(0), "node 0 moved content bytes for metadata-only changes");
        assertEquals(before1, contentBytes(1), "node 1 moved content bytes for metadata-only changes");
    }

    @Test
    void aHardLinkGroupStaysOneInodeWhenEditedThroughOneName() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        Files.createDirectories(a.resolve("x"));
        Files.createDirectories(a.resolve("y"));
        Files.writeString(a.resolve("x/one"), "shared content\n");
        Files.createLink(a.resolve("y/two"), a.resolve("x/one"));
        Files.createLink(a.resolve("three"), a.resolve("x/one"));
        awaitSame();
        long ino = io.syncnode.node.os.NativeFs.inode(b.resolve("three"));
        assertEquals(ino, io.syncnode.node.os.NativeFs.inode(b.resolve("x/one")));
        assertEquals(ino, io.syncnode.node.os.NativeFs.inode(b.resolve("y/two")));
        assertEquals(3, io.syncnode.node.os.NativeFs.nlink(b.resolve("three")));
        // edit through one name on the replica: every name on every node shows it, still one inode
        Files.writeString(b.resolve("y/two"), "appended on b\n", java.nio.file.StandardOpenOption.APPEND);
        await(T, () -> {
            try {
                return Files.readString(a.resolve("x/one")).endsWith("appended on b\n");
            } catch (java.io.IOException e) {
                return false;
            }
        }, () -> "the edit on a");
        awaitSame();
        for (Path root : List.of(a, b)) {
            long i = io.syncnode.node.os.NativeFs.inode(root.resolve("x/one"));
            assertEquals(i, io.syncnode.node.os.NativeFs.inode(root.resolve("y/two")), root + ": y/two");
            assertEquals(i, io.syncnode.node.os.NativeFs.inode(root.resolve("three")), root + ": three");
            assertEquals(3, io.syncnode.node.os.NativeFs.nlink(root.resolve("three")), root + ": nlink");
        }
        // the first name goes: the other two stay one group
        Files.delete(a.resolve("three"));
        awaitSame();
        assertEquals(io.syncnode.node.os.NativeFs.inode(b.resolve("x/one")),
                io.syncnode.node.os.NativeFs.inode(b.resolve("y/two")));
        assertEquals(2, io.syncnode.node.os.NativeFs.nlink(b.resolve("x/one")));
    }

    @Test
    void namesThatAreNotUtf8SurviveBothWays() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        byte[] cafe = {'c', 'a', 'f', (byte) 0xe9};
        byte[] weirdDir = {(byte) 0xff, (byte) 0xfe, 'd'};
        Files.writeString(io.syncnode.node.os.PathBytes.resolve(a, cafe), "latin-1 name");
        Path dirOnB = io.syncnode.node.os.PathBytes.resolve(b, weirdDir);
        Files.createDirectory(dirOnB);
        Files.writeString(io.syncnode.node.os.PathBytes.resolve(dirOnB, new byte[] {'x', (byte) 0x80}), "inside");
        Files.createSymbolicLink(b.resolve("to-cafe"), io.syncnode.node.os.PathBytes.fromBytes(cafe));
        awaitSame();
        assertEquals("latin-1 name", Files.readString(io.syncnode.node.os.PathBytes.resolve(b, cafe)));
        assertEquals("inside", Files.readString(io.syncnode.node.os.PathBytes.resolve(
                io.syncnode.node.os.PathBytes.resolve(a, weirdDir), new byte[] {'x', (byte) 0x80})));
        assertTrue(java.util.Arrays.equals(cafe, io.syncnode.node.os.NativeFs.readlink(a.resolve("to-cafe"))));
        Files.delete(io.syncnode.node.os.PathBytes.resolve(b, cafe));
        awaitSame();
        assertFalse(Files.exists(io.syncnode.node.os.PathBytes.resolve(a, cafe), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aSparseFileKeepsItsHolesAndASocketIsSkipped() throws Exception {
        Path a = cluster.dir(0);
        Path b = cluster.dir(1);
        long size = 32L * 1024 * 1024;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(a.resolve("sparse.img"),
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("head".getBytes()), 0);
            ch.write(java.nio.ByteBuffer.wrap("middle".getBytes()), 16L * 1024 * 1024);
            ch.write(java.nio.ByteBuffer.wrap("tail".getBytes()), size - 4);
        }
        Path sock = a.resolve("control.sock");
        try (java.nio.channels.ServerSocketChannel server =
                     java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(sock));
            Files.writeString(a.resolve("marker"), "after the socket");
            await(T, () -> Files.exists(b.resolve("marker")) && Files.exists(b.resolve("sparse.img")),
                    () -> "marker and sparse file on b");
            assertFalse(Files.exists(b.resolve("control.sock"), LinkOption.NOFOLLOW_LINKS), "a socket was synced");
        }
        Files.delete(sock);
        awaitSame();
        assertEquals(size, Files.size(b.resolve("sparse.img")));
        long allocated = io.syncnode.node.os.NativeFs.allocatedBytes(b.resolve("sparse.img"));
        assertTrue(allocated < 1024 * 1024, "the replica allocated " + allocated + " bytes for 14 bytes of data");
    }
}
