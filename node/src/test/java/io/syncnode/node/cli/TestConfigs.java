package io.syncnode.node.cli;

import io.syncnode.config.ClusterSection;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.HostPort;
import io.syncnode.config.NodeSection;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.config.Transport;
import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.ConflictScope;
import io.syncnode.protocol.DeleteConflict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Configurations built directly (the loader is not the subject here) and a captured CLI run. */
final class TestConfigs {
    private TestConfigs() {
    }

    /** Node "alpha" with its state in {@code dir/state} and folders ct101 and etc under {@code dir}. */
    static SyncnodeConfig alpha(Path dir) {
        return new SyncnodeConfig(dir.resolve("syncnode.toml"), new NodeSection("alpha", dir.resolve("state")),
                new ClusterSection("lxc-ha", Transport.UDP, new HostPort("127.0.0.1", 7800),
                        new HostPort("239.77.0.1", 45588), List.of(), null, false, List.of()),
                List.of(folder("ct101", dir.resolve("lxc/ct101")), folder("etc", dir.resolve("etc"))));
    }

    static FolderConfig folder(String name, Path path) {
        return new FolderConfig(name, path, List.of(), ConflictPolicy.KEEP_BOTH, DeleteConflict.KEEP_MODIFIED,
                ConflictScope.FILE, 10, List.of(), null, Duration.ofMillis(20), Duration.ofHours(1),
                List.of());
    }

    /** One CLI invocation's exit code and output. */
    record Run(int code, String out, String err) {
    }

    /** Runs the CLI with {@code invocation}'s sources but captured output. */
    static Run run(InvocationSources sources, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, sources.invocation(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Builds an {@link Invocation} around given output streams. */
    @FunctionalInterface
    interface InvocationSources {
        Invocation invocation(PrintStream out, PrintStream err);
    }

    /** Waits until {@code condition} holds; fails after {@code timeout}. */
    static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not reached within " + timeout);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // polling interval; the condition decides
        }
    }
}
