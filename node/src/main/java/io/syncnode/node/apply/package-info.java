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
 *
 * <p>Versions: before a replace or removal the applier tells its {@link
 * io.syncnode.node.apply.Displacement}; {@link io.syncnode.node.apply.VersionStore} then keeps the
 * file in the node's state directory (the one place outside a folder this package writes), reading
 * or linking it only through the confined descriptors, never following a symlink.
 */
package io.syncnode.node.apply;
