/**
 * Multi-process integration tests: each node is a real {@code syncnode run} JVM started from the
 * shaded jar (system property {@code syncnode.jar}), talking over real JGroups (tcp on
 * 127.0.0.1/.2/.3, or udp multicast), with real inotify, SQLite and control-socket CLI calls.
 *
 * <p>The harness: {@link io.syncnode.it.NodeProcess} (one node: config, process, log, CLI),
 * {@link io.syncnode.it.Cluster} (several nodes of one cluster), {@link io.syncnode.it.TreeSnapshot}
 * (what "identical trees" means), {@link io.syncnode.it.Await} (deadline polling) and
 * {@link io.syncnode.it.LogTailsOnFailure} (prints the node logs when a test fails); for large files,
 * {@link io.syncnode.it.BigFiles} (streaming writes and SHA-256, temp files, wire counters, rsync);
 * for fidelity (issue 5), {@link io.syncnode.it.Fixture} (every file type and attribute, made by
 * {@code fixture.sh}), {@link io.syncnode.it.RsyncComparison} ({@code rsync -aHAXS --checksum
 * --dry-run --itemize-changes} prints nothing), {@link io.syncnode.it.DebianRootfs} (a cached
 * debootstrap tree) and {@link io.syncnode.it.Host} (host commands with a deadline, and the
 * assumptions that skip a test without root or a tool).
 *
 * <p>What it must not do: link against node internals (the tests see the node only from outside:
 * files on disk, the config and CLI contract of DESIGN.md); sleep to synchronise (wait on
 * conditions with a deadline); leave processes behind (every test class stops its nodes in
 * {@code @AfterEach}/{@code @AfterAll}, also on failure); use fixed ports (each class picks a random
 * base port in 20000-40000).
 */
package io.syncnode.it;
