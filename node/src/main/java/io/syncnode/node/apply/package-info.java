/**
 * Writing remote versions into a folder: {@link io.syncnode.node.apply.Applier}.
 *
 * <p>Invariants: nothing is written outside the folder root, also under concurrent symlink swaps
 * (paths are validated, and every change is made through {@link io.syncnode.node.os.ConfinedFs}:
 * relative to a directory descriptor reached from the root without following any symlink); a file is replaced only by a complete,
 * verified temp file renamed atomically over it, with the directory fsynced; a target that
 * changed locally since the index last saw it is left alone ({@link
 * io.syncnode.node.apply.LocalChangedException}), so a local write is never overwritten
 * blindly. Temp files are named {@code .syncnode-tmp.*}, created O_EXCL with mode 0600 and removed
 * on every failure path; the watcher and scanner ignore them and a node removes leftovers at start.
 */
package io.syncnode.node.apply;
