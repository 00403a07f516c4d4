/**
 * Multi-process integration tests: each node is a real {@code syncnode run} JVM started from the
 * shaded jar (system property {@code syncnode.jar}), talking over real JGroups (tcp on
 * 127.0.0.1/.2/.3, or udp multicast), with real inotify, SQLite and control-socket CLI calls.
 *
 * <p>The harness: {@link io.syncnode.it.NodeProcess} (one node: config, process, log, CLI),
 * {@link io.syncnode.it.Cluster} (several nodes of one cluster), {@link io.syncnode.it.TreeSnapshot}
 * (what "identical trees" means), {@link io.syncnode.it.Await} (deadline polling) and
 * {@link io.syncnode.it.LogTailsOnFailure} (prints the node logs when a test fails); for large files,
 * {@link io.syncnode.it.BigFiles} (streaming writes and SHA-256, temp files, wire counters, rsync).
 *
 * <p>What it must not do: link against node internals (the tests see the node only from outside:
 * files on disk, the config and CLI contract of DESIGN.md); sleep to synchronise (wait on
 * conditions with a deadline); leave processes behind (every test class stops its nodes in
 * {@code @AfterEach}/{@code @AfterAll}, also on failure); use fixed ports (each class picks a random
 * base port in 20000-40000).
 */
package io.syncnode.it;
