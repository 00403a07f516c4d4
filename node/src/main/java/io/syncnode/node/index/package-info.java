/**
 * The node's persistent index: one SQLite database per node ({@code <state-dir>/index.db}) that
 * holds every {@link io.syncnode.protocol.FileRecord} of every folder with its local stat
 * signature and sequence number, the node id, the dirty entries (the persistent outbox: which peer
 * has not yet confirmed which path) and the known peers.
 *
 * <p><b>What it is for.</b> The scanner asks it "did this path change?" (stat signature), the
 * announcer and the anti-entropy exchange read records, dirty entries and per-folder digests
 * from it, the applier records what it wrote, and the CLI lists dirty entries and peers through
 * it. Everything outside this package sees records ({@link io.syncnode.node.index.StoredFile},
 * {@link io.syncnode.node.index.DirtyEntry}, {@link io.syncnode.node.index.PeerInfo}), never JDBC.
 *
 * <p><b>What it must not do.</b> It is the only package that imports {@code java.sql}; no
 * {@code Connection}, {@code ResultSet} or {@code SQLException} leaves it (failures become
 * {@link io.syncnode.node.index.IndexException} naming the step and the subject). It makes no
 * sync decisions (that is {@code io.syncnode.protocol}), touches no synced file and no network.
 * The schema lives in numbered SQL resources next to the classes, not in Java strings.
 *
 * <p><b>Threading rule.</b> One writer thread, named {@code index-writer}, owns every write
 * transaction: callers hand it a function with
 * {@link io.syncnode.node.index.SqliteIndexStore#write}; each call is one transaction, run in
 * submission order, and its future completes after the commit (on the writer thread, so dependent
 * stages should use the {@code *Async} variants for anything slow, and nothing may wait on a write
 * future from inside a write function). Reads run on any thread on their own read-only
 * connections and never wait for the writer (WAL): each read statement sees the data committed
 * when it started. The {@link io.syncnode.node.index.IndexWriter} handed to a write function is
 * valid only on the writer thread and only until that function returns.
 */
package io.syncnode.node.index;
