/**
 * Cluster membership and messaging over JGroups. The only package that imports
 * {@code org.jgroups}.
 *
 * <p>{@link io.syncnode.node.cluster.JGroupsTransport} owns the channel. Under the stack it puts
 * the seal layer ({@link io.syncnode.node.cluster.SealProtocol}, on a cluster with credentials);
 * into it, the parts that make every partition heal, each named after its mechanism and saying in
 * its implementation notes what it fixes and what was measured:
 * {@link io.syncnode.node.cluster.StaleMergeGuard} (merge requests are not retransmitted),
 * {@link io.syncnode.node.cluster.UnsuspectRelay} (a member heard again is not excluded by a stale
 * verification, and the node learns it is back) and, on TCP,
 * {@link io.syncnode.node.cluster.TcpLinkWatch} (connections that went dead are closed).
 * {@link io.syncnode.node.cluster.ClusterView} is what {@code status} shows of the view.
 *
 * <p>Threading (all of the node's threads: {@code CONCURRENCY.md}): JGroups delivers messages and
 * views on its own threads; {@link io.syncnode.node.cluster.JGroupsTransport} passes the raw bytes
 * straight to its listener, whose contract is to decode and hand off without blocking (views and
 * "heard again" likewise). Sends block on JGroups flow control and on a peer's TCP window, so
 * they are made only by the threads of {@link io.syncnode.node.cluster.SendLanes}, one per
 * destination: no other thread waits on a peer. The protocols of this package never block in
 * {@code up} or {@code down}; the TCP watch runs on the transport's timer.
 */
package io.syncnode.node.cluster;
