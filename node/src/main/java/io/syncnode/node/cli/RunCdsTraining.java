package io.syncnode.node.cli;

import io.syncnode.config.ConfigLoader;
import io.syncnode.node.SyncNode;
import io.syncnode.node.control.StatusView;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Not a verb: what the launcher runs once to make the class-data archive of {@code run}
 * ({@code scripts/launch-jar}: {@code -XX:ArchiveClassesAtExit}, with the daemon's JVM options).
 * It starts a real node in this JVM on a temp folder holding a file, a directory and a symlink
 * (tcp on a free port of 127.0.0.1, a cluster name of its own, so it meets nobody), writes a file
 * while the node runs and waits (at most 20 s) until the node has indexed it, asks its status over
 * the control socket as the CLI does, and stops it: the classes a node loads to start, scan, watch,
 * index and answer. An archive cuts the start of a node by about a second and its CPU by about as
 * much (the class loading and verification of some 9,000 classes). Writes only to a temp
 * directory it removes; prints nothing.
 */
public final class RunCdsTraining {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private RunCdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("syncnode-cds-run-");
        try {
            Path data = Files.createDirectories(dir.resolve("data"));
            Files.writeString(data.resolve("a.txt"), "a\n");
            Files.writeString(Files.createDirectories(data.resolve("sub")).resolve("b.txt"), "b\n");
            Files.createSymbolicLink(data.resolve("link"), Path.of("a.txt"));
            int port;
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            Path toml = Files.writeString(dir.resolve("node.toml"), """
                    [node]
                    name = "cds"
                    state-dir = "%s"
                    [cluster]
                    name = "cds-%s"
                    transport = "tcp"
                    bind = "127.0.0.1:%d"
                    peers = ["127.0.0.1:%d"]
                    [[folder]]
                    name = "data"
                    path = "%s"
                    settle = "0ms"
                    """.formatted(dir.resolve("state"), UUID.randomUUID(), port, port, data));
            try (SyncNode node = SyncNode.start(ConfigLoader.load(toml))) {
                Files.writeString(data.resolve("c.txt"), "c\n");
                long deadline = System.nanoTime() + WAIT_NANOS;
                while (files(node.controlHandler().status()) < 5 && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(20); // a bounded poll: nothing here to wait on
                }
                PrintStream none = new PrintStream(OutputStream.nullOutputStream(), true);
                Main.execute(new String[] {"status", "-c", toml.toString()}, none, none);
            }
        } finally {
            CdsTraining.deleteTree(dir);
        }
    }

    private static long files(StatusView status) {
        return status.folders().stream().mapToLong(StatusView.FolderStatus::files).sum();
    }
}
