/**
 * Multi-process integration tests: each node is a real {@code syncnode run} JVM started from the
 * shaded jar (system property {@code syncnode.jar}), talking over real JGroups (tcp on
 * 127.0.0.1/.2/.3, or udp multicast), with real inotify, SQLite and control-socket CLI calls.
 *
 * <p>The harness: {@link io.syncnode.it.NodeProcess} (one node: config, process, log, CLI),
 * {@link io.syncnode.it.Cluster} (several nodes of one cluster), {@link io.syncnode.it.LogTailsOnFailure}
 * (prints the node logs when a test fails) and, from the module test-fixtures,
 * {@code io.syncnode.testing.TreeSnapshot} (what "identical trees" means) and
 * {@code io.syncnode.testing.Await} (deadline polling); for large files,
 * {@link io.syncnode.it.BigFiles} (streaming writes and SHA-256, temp files, wire counters, rsync);
 * for fidelity (issue 5), {@link io.syncnode.it.Fixture} (every file type and attribute, made by
 * {@code fixture.sh}), {@link io.syncnode.it.RsyncComparison} ({@code rsync -aHAXS --checksum
 * --dry-run --itemize-changes} prints nothing), {@link io.syncnode.it.DebianRootfs} (a cached
 * debootstrap tree) and {@link io.syncnode.it.Host} (host commands with a deadline, and the
 * assumptions that skip a test without root or a tool); for security (issue 9, {@link
 * io.syncnode.it.SecurityIT}), {@link io.syncnode.it.SecureLan} (a sealed cluster's virtual LAN,
 * credentials by {@code syncnode keygen}), {@link io.syncnode.it.Capture} and {@link io.syncnode.it.Pcap}
 * (tcpdump on the LAN's bridge, and its file read), {@link io.syncnode.it.SealedFrames} (sealed packets
 * inside captured frames), and the attackers, each a separate JVM in a namespace of its own:
 * {@link io.syncnode.it.PacketInjector} (replays and altered copies on the wire) and
 * {@link io.syncnode.it.HostilePeer} (a member with valid credentials that lies); for hostile
 * input (issue 12, {@link io.syncnode.it.HostileMemberIT}), {@link io.syncnode.it.CraftedPeer}, a
 * member with valid credentials that joins over the real sealed stack and, one command a line on
 * its stdin, sends messages built straight from the protobuf classes (what the node's encoder never
 * would: escaping paths, versions far ahead, fetch data past the size, beyond the credit or in 8 MiB chunks, a
 * digest fan-out, 10,001 records, an envelope over the size limit) and, through
 * {@link io.syncnode.it.RawFragment} below FRAG2, a fragment header claiming 2^30 fragments, to a
 * victim started with a small heap ({@link io.syncnode.it.NodeProcess#maxHeap}).
 *
 * <p>What it must not do: link against node internals (the tests see the node only from outside:
 * files on disk, the config and CLI contract of DESIGN.md; the exceptions are {@code HostilePeer}
 * and {@code CraftedPeer}, which must speak the protocol from inside a real stack to lie in it, and
 * run as their own processes); sleep to synchronise (wait on conditions with a deadline); leave processes behind
 * (every test class stops its nodes in {@code @AfterEach}/{@code @AfterAll}, also on failure); use
 * fixed ports (each class picks a random base port in 20000-40000).
 */
package io.syncnode.it;
