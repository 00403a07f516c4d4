package io.syncnode.it;

import io.syncnode.testing.TreeSnapshot;
import io.syncnode.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node process that a sealed cluster must keep out (one of another CA, or a revoked one): the
 * files it wrote itself, which must never leave it, and the moment every member was first seen
 * refusing its introduction ({@code refused a node's introduction: certificate of "NAME" ...} with
 * the expected reason in the member's log).
 */
final class Outsider {
    final NodeProcess node;
    final String reason;
    /** Its folder's entries as {@link TreeSnapshot} names them: what it wrote itself. */
    final Set<String> written = new TreeSet<>();
    /** {@link System#nanoTime} when every member had logged the refusal, or -1. */
    volatile long refusedAt = -1;

    /** {@code reason}: a fragment of the refusal that names why (untrusted issuer, revoked). */
    Outsider(NodeProcess node, String reason) {
        this.node = node;
        this.reason = reason;
    }

    String name() {
        return node.name();
    }

    /** Waits until it runs, then writes its own files. */
    void awaitRunningAndWrite(Duration timeout) throws IOException {
        node.waitUntilRunning(timeout);
        String n = node.name();
        Path dir = Files.createDirectories(node.folder().resolve(n + "-dir"));
        Files.writeString(dir.resolve(n + "-was-here.txt"), "written by " + n + "\n");
        Files.writeString(node.folder().resolve(n + "-top.txt"), "also by " + n + "\n");
        written.addAll(List.of(n + "-dir", n + "-dir/" + n + "-was-here.txt", n + "-top.txt"));
    }

    /** Notes the moment every one of {@code members} has logged refusing it; true once that happened. */
    boolean pollRefused(List<NodeProcess> members) {
        if (refusedAt < 0) {
            String line = "refused a node's introduction: certificate of \"" + node.name() + "\"";
            for (NodeProcess m : members) {
                if (m.logText().lines().noneMatch(l -> l.contains(line) && l.contains(reason))) {
                    return false;
                }
            }
            refusedAt = System.nanoTime();
        }
        return true;
    }

    void awaitRefusedByAll(List<NodeProcess> members, Duration timeout) {
        Await.await(timeout, Duration.ofMillis(100), () -> pollRefused(members),
                () -> "every member logged refusing " + node.name() + " (\"" + reason + "\")");
    }
}
