package io.syncnode.node.apply;

/**
 * One kept version of a folder's file, as its sidecar ({@code <id>.json} beside the content)
 * holds it: the metadata the file had and why it was kept.
 *
 * @param id         unique in the folder: the UTC time it was kept, {@code yyyyMMdd-HHmmss-SSS},
 *                   with {@code -N} added when two share a millisecond
 * @param path       the folder-relative path it was kept from
 * @param keptAtMs   when it was kept (epoch milliseconds)
 * @param size       its size in bytes
 * @param mode       its permission bits (and setuid, setgid, sticky)
 * @param uid        its owner
 * @param gid        its group
 * @param mtimeNs    its modification time (epoch nanoseconds)
 * @param hash       its content hash (hex)
 * @param version    its version vector, as the index printed it
 * @param replacedBy the node whose change replaced or removed it
 * @param deleted    true when a removal displaced it, false when new content did
 * @param linked     true when the content is a hard link to the old inode, false for a copy
 */
public record KeptVersion(String id, String path, long keptAtMs, long size, int mode, int uid, int gid, long mtimeNs,
                          String hash, String version, String replacedBy, boolean deleted, boolean linked) {
}
