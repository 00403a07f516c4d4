package io.syncnode.node.control;

/**
 * {@code forget}'s answer: {"peer", "forgotten", "dirty"}. {@code forgotten} is false when no peer
 * of that name was remembered (nothing to do); {@code dirty} counts the dirty entries toward it that
 * were dropped, over every folder.
 */
public record ForgetView(String peer, boolean forgotten, long dirty) {
}
