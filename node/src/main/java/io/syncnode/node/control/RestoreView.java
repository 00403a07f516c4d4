package io.syncnode.node.control;

/**
 * {@code restore}'s answer: {@code version} of {@code path} in {@code folder} was written back; the
 * folder's scan makes it a new version that wins on every node.
 */
public record RestoreView(String folder, String path, String version) {
}
