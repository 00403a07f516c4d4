/**
 * Running a folder's post-sync actions ({@code [[folder.action]]}): {@link
 * io.syncnode.node.action.ActionProcess} runs one action's argument vector (never through a shell)
 * in a process group of its own, with the triggering paths in environment variables, a timeout,
 * and its output in the log. When and how often an action runs (debounce, one run at a time) is
 * the engine's {@code FolderActions}.
 *
 * <p>Must not: touch the index or the folder's entries; depend on a stage or on the engine.
 */
package io.syncnode.node.action;
