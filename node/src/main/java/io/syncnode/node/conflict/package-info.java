/**
 * Running a folder's conflict script ({@code conflict = "script"}): {@link
 * io.syncnode.node.conflict.ConflictScript} runs the executable as an argument vector (never
 * through a shell) with the conflict's context in environment variables and a timeout, and reads
 * its answer. The contract is documented in {@code scripts/conflict/README.md}.
 *
 * <p>Must not: touch the index or the folder; the engine applies the answer.
 */
package io.syncnode.node.conflict;
