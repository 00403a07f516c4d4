/**
 * Cluster membership and messaging over JGroups. The only package that imports
 * {@code org.jgroups}.
 *
 * <p>Threading: JGroups delivers messages and views on its own threads; {@link
 * io.syncnode.node.cluster.JGroupsTransport} passes the raw bytes straight to its listener, whose
 * contract is to decode and hand off without blocking. Sends may block briefly on JGroups flow
 * control, so they are made from the node's worker threads, never from a JGroups callback.
 */
package io.syncnode.node.cluster;
