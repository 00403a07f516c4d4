/**
 * The pure core of syncnode: file records, version vectors, path rules and the decisions taken on
 * them.
 *
 * <p>Must not: touch files, sockets, JDBC, JGroups, threads or the wall clock. Time comes in as a
 * parameter; streams and buffers are handed in by the caller. Everything here is deterministic, so
 * every node that sees the same inputs reaches the same result without talking.
 */
package io.syncnode.protocol;
