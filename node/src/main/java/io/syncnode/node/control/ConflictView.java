package io.syncnode.node.control;

/**
 * {@code conflicts --json} element: {"folder", "path", "local": {...}, "remote": {...}, "detected"}.
 * Each side: {"node", "mtime" (ISO-8601), "size", "hash" (hex, or null), "deleted"}.
 */
public record ConflictView(String folder, String path, Side local, Side remote, String detected) {

    public record Side(String node, String mtime, long size, String hash, boolean deleted) {
    }
}
