/**
 * The edge between the wire and the node: domain {@link io.syncnode.node.wire.Message} records
 * and {@link io.syncnode.node.wire.WireCodec}, the one place that converts them to and from the
 * generated protobuf classes.
 *
 * <p>Every inbound message is validated here (relative normalised paths, sane sizes, known enum
 * values) before anything else sees it; a bad message is a {@link io.syncnode.node.wire.WireException}
 * naming the field and the reason. Must not: touch files, the index or the transport.
 */
package io.syncnode.node.wire;
