package io.syncnode.node.control;

import java.util.List;

/**
 * {@code versions}' answer: the kept versions of one path of a folder, newest first.
 *
 * @param folder   the folder
 * @param path     the path, relative to the folder
 * @param versions its kept versions, newest first (empty: none kept)
 */
public record VersionsView(String folder, String path, List<Entry> versions) {
    public VersionsView {
        versions = List.copyOf(versions);
    }

    /**
     * One kept version.
     *
     * @param id         what {@code restore --version} takes
     * @param keptAt     when it was kept (ISO-8601 UTC): when a change replaced or removed it
     * @param size       bytes
     * @param mtime      its modification time (ISO-8601 UTC)
     * @param mode       its permission bits, octal ("0644")
     * @param uid        its owner
     * @param gid        its group
     * @param hash       its content hash (hex)
     * @param replacedBy the node whose change replaced or removed it (null: not known)
     * @param deleted    true when a removal displaced it
     */
    public record Entry(String id, String keptAt, long size, String mtime, String mode, int uid, int gid, String hash,
                        String replacedBy, boolean deleted) {
    }
}
