/**
 * Delta transfer, the pure part: only the bytes that changed cross the network.
 *
 * <p>The receiver, which holds an old version of a file (the <em>basis</em>), builds a
 * {@link io.syncnode.protocol.delta.Signature} of it with a
 * {@link io.syncnode.protocol.delta.SignatureBuilder} and sends it to the sender. The sender runs
 * a {@link io.syncnode.protocol.delta.DeltaEncoder} over the new version (the <em>target</em>) and
 * emits {@link io.syncnode.protocol.delta.DeltaOp delta operations}: literal bytes, or "copy
 * blocks {@code first .. first+count-1} of your basis". The receiver feeds them to a
 * {@link io.syncnode.protocol.delta.DeltaPatcher}, which rebuilds the target and its SHA-256; the
 * receiver compares that hash with the one announced for the version and falls back to a
 * whole-file transfer on mismatch, so a false block match costs a retry, never a wrong file.
 *
 * <p>This is the algorithm of Tridgell and Mackerras, "The rsync algorithm" (ANU TR-CS-96-05,
 * 1996), with a truncated SHA-256 in place of MD4 and block sizes chosen by
 * {@link io.syncnode.protocol.delta.BlockSize}.
 *
 * <p>Must not: open files or sockets, start threads, read the clock, or keep more than the
 * signature table and a few blocks of any file in memory. Streams, the
 * {@link io.syncnode.protocol.delta.BasisReader} and the
 * {@link io.syncnode.protocol.delta.DeltaSink} are handed in by the caller; protobuf types never
 * appear here (the wire converter maps {@code DeltaOp} to the {@code DeltaOp} message and
 * {@code Signature} to {@code BlockSignature}).
 */
package io.syncnode.protocol.delta;
