package io.syncnode.node.control;

/**
 * {@code diff --content}'s answer for one peer: {"folder", "path", "peer", "here", "there"}, the
 * text of the file on each side (name text: every byte kept, see NameCodec), null where the file
 * is missing (or deleted). Only text files of at most 64 KiB are answered; the node refuses others.
 */
public record ContentDiffView(String folder, String path, String peer, String here, String there) {
}
