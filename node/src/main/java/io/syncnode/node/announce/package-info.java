/**
 * Announce: turns a folder's committed changes into the messages that tell the members about
 * them, after {@code index} and before {@code cluster}.
 *
 * <p>{@link io.syncnode.node.announce.Announcer} cuts records into {@code IndexUpdate} batches
 * (at most 1,000 records and 1 MiB of inline content and extended attribute values each) and
 * acknowledgements into {@code Ack} batches, and hands them to the {@link io.syncnode.node.wire.Outbox}.
 *
 * <p>What it must not do: decide what is announced (the engine does, after the commit: nothing
 * leaves before it is durable in the index), read the index or the disk itself (inline content
 * comes through a function the caller gives), or wait for the wire (the outbox queues).
 *
 * <p>Threading: an announcer belongs to one folder and is called on its {@code folder-<name>}
 * thread only.
 */
package io.syncnode.node.announce;
