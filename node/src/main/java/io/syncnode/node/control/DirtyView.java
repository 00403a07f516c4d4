package io.syncnode.node.control;

/** {@code dirty --json} element: {"folder", "path", "peer", "since"} (since: ISO-8601). */
public record DirtyView(String folder, String path, String peer, String since) {
}
