/**
 * The cluster's credentials: which nodes belong to the cluster and how a node proves it is one of
 * them. A cluster has a certificate authority (an Ed25519 key and a self-signed X.509
 * certificate, made by {@code syncnode keygen ca}); every node has its own Ed25519 key and a
 * certificate signed by that CA ({@code syncnode keygen node}), and a bundle of the CA
 * certificates it trusts ({@code ca.crt}, two of them while an operator rotates the CA).
 *
 * <ul>
 *   <li>{@link io.syncnode.node.trust.KeyGen} writes credentials (the keygen verbs' logic).
 *   <li>{@link io.syncnode.node.trust.Credentials} is this node's own key, certificate and trust
 *       anchors, loaded and checked once at start-up.
 *   <li>{@link io.syncnode.node.trust.TrustAnchors#verify} decides whether a peer's certificate is
 *       acceptable now, given the {@code [cluster] revoked} list
 *       ({@link io.syncnode.node.trust.Revocations}); every refusal is a
 *       {@link io.syncnode.node.trust.CertificateRejectedException} with a closed
 *       {@link io.syncnode.node.trust.CertificateRejectedException.Reason}.
 *   <li>{@link io.syncnode.node.trust.Ed25519} signs and verifies with BouncyCastle's lightweight
 *       code, about ten times faster than the JDK's provider.
 * </ul>
 *
 * <p>All cryptography goes through BouncyCastle's lightweight API ({@code org.bouncycastle.crypto},
 * {@code org.bouncycastle.cert}); SHA-256 comes from the JDK. Time is always a parameter (an
 * {@link java.time.Instant} or a {@link java.time.Clock}), never read here.
 *
 * <p>Must not: open sockets or know about JGroups or the wire format (the transport calls in with
 * bytes), register a JCE {@link java.security.Provider} (the application is a shaded jar), log or
 * print secrets, or overwrite existing credential files.
 */
package io.syncnode.node.trust;
