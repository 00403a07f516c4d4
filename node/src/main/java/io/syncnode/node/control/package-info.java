/**
 * The node's control socket: how the CLI verbs ({@code status}, {@code peers}, {@code dirty},
 * {@code check}, {@code sync}, {@code accept-deletes}, {@code revert}, {@code forget}, {@code conflicts},
 * {@code resolve}, {@code pause}, {@code resume}, {@code rekey}, {@code reload}) reach a running node.
 *
 * <p>{@link io.syncnode.node.control.ControlHandler} and the view records are the contract between
 * the node and this socket; the records' JSON forms are the {@code --json} output of the CLI
 * (fields may be added, never renamed or removed). {@link io.syncnode.node.control.ControlServer}
 * documents the wire protocol: one JSON line each way per connection, over a Unix domain socket
 * that only the node's user can open. {@link io.syncnode.node.control.ControlClient} is the
 * other end.
 *
 * <p>Must not: decide anything about syncing (it only asks the handler), listen on a network
 * address, or leave a socket file behind after {@code close()}.
 */
package io.syncnode.node.control;
