/**
 * The seal layer's rules (PROTOCOL.md section 9): admission of members by certificate
 * ({@link io.syncnode.node.seal.Handshake}), their keys and sessions, and the sealing and opening of
 * every packet ({@link io.syncnode.node.seal.SealEngine}): AES-256-GCM under pair keys or sender
 * keys, Ed25519 signatures on group packets, replay windows.
 *
 * <p>The data path runs on many threads without a lock and costs no copy of its own: a packet is
 * sealed where its content was serialized ({@code SealEngine.sealInPlace}, with room for the header
 * before and the tag and signature after) and a pair packet is opened where it was received
 * ({@code SealEngine.openInPlace}). The ciphers are the JDK's (intrinsics), warmed up at start
 * ({@link io.syncnode.node.seal.JitWarmUp}).
 *
 * <p>It must not: import JGroups (the adapter is {@code io.syncnode.node.cluster.SealProtocol}),
 * block or do I/O on the data path, let a refused packet move a replay window or change a session
 * or a key, or hand up a message whose sender it has not proven.
 */
package io.syncnode.node.seal;
