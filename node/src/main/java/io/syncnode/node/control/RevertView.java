package io.syncnode.node.control;

/**
 * {@code revert}'s answer: {"folder", "reverted"}: how many locally changed paths of the
 * receive-only folder were brought back to the cluster's version (or started to fetch it).
 */
public record RevertView(String folder, long reverted) {
}
