package io.syncnode.node.control;

/**
 * {@code conflicts --json} element: {"folder", "path", "local": {...}, "remote": {...}, "detected",
 * "scope", "saved"}. Each side: {"node", "mtime" (ISO-8601), "size", "hash" (hex, or null),
 * "deleted"}. {@code scope} is "file" for an open conflict of one path, or "folder" for a
 * whole-folder verdict this node lost after a split: then {@code path} is empty, {@code saved} is
 * the directory holding this node's losing versions (layout preserved), {@code local.size} counts
 * them and {@code remote.node} names the winning side's node.
 */
public record ConflictView(String folder, String path, Side local, Side remote, String detected, String scope,
                           String saved) {

    public record Side(String node, String mtime, long size, String hash, boolean deleted) {
    }
}
