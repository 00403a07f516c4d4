package io.syncnode.node.control;

/**
 * {@code accept-deletes}' answer: {"folder", "accepted", "changed"}. {@code accepted} is false when
 * the folder was not halted for a mass delete (nothing to accept, nothing done); {@code changed}
 * counts the changes the accepting rescan announced (the deletes among them), or, for deletes a
 * member announced, the records of the held batches now applied.
 */
public record AcceptDeletesView(String folder, boolean accepted, long changed) {
}
