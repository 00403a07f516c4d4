package io.syncnode.node.index;

import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.StatSignature;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * The write side of the index, handed to a function passed to {@link SqliteIndexStore#write}.
 * Every call joins that function's transaction: all of them commit together or none does.
 * Valid only on the thread that runs the function (the {@code index-writer} thread, or the caller
 * of {@link SqliteIndexStore#writeAndWait}) and only while it runs; a call from anywhere else
 * throws {@link IllegalStateException}. SQL failures throw {@link IndexException}
 * (which rolls the whole transaction back when it leaves the function).
 */
public interface IndexWriter {

    /**
     * Inserts or replaces the entry of {@code record.path()} in {@code folder}, giving it the next
     * local sequence number.
     *
     * @param stat the stat signature now on disk, or null when the entry is not on this node's disk
     * @return what was stored, with its sequence number
     */
    StoredFile put(String folder, FileRecord record, StatSignature stat);

    /**
     * Marks the path dirty toward each peer. A pair already dirty keeps its original {@code since}
     * (the age of the oldest unconfirmed change is what the operator wants to see).
     */
    void markDirty(String folder, String path, Collection<Long> peerIds, Instant since);

    /** The peer confirmed the current version of the path. No-op when it was not dirty. */
    void clearDirty(String folder, String path, long peerId);

    /** Drops the path's dirty entries toward every peer, e.g. when its record is purged. */
    void clearDirtyAll(String folder, String path);

    /** Inserts the peer or replaces its name, address and last-seen time. */
    void upsertPeer(PeerInfo peer);

    /** The path's entry as this transaction sees it (including its own uncommitted puts). */
    Optional<StoredFile> get(String folder, String path);

    /** Drops every entry and dirty entry of a folder that is no longer configured. */
    void forgetFolder(String folder);

    /**
     * Drops the entry of {@code path} and its dirty entries: a record no node may hold (a path this
     * version refuses, taken in by an older one), which must neither be sent nor deleted on disk.
     */
    void forgetPath(String folder, String path);

    /**
     * Drops a peer and every dirty entry toward it, in every folder (it came back with a new id:
     * its state was reset; or the operator retired it with {@code syncnode forget}). Returns how
     * many dirty entries were dropped.
     */
    int forgetPeer(long peerId);

    /**
     * Collects one tombstone: deletes the path's row only if it is still the tombstone the caller
     * read (deleted, same {@code sequence}) and no dirty entry, open conflict or journal row refers
     * to it. Returns whether it was deleted.
     */
    boolean dropTombstone(String folder, String path, long sequence);

    /** Records (or replaces) the open conflict of a path. */
    void putConflict(StoredConflict conflict);

    /** Drops the open conflict of a path, if any. */
    void deleteConflict(String folder, String path);

    /** Journals a version about to be written (see {@link ApplyIntent}); replaces an older row of the path. */
    void putIntent(ApplyIntent intent);

    /** Removes the journal rows of {@code paths} (written and recorded, or not written at all). */
    void deleteIntents(String folder, java.util.Collection<String> paths);

    /** Removes every journal row of {@code folder} (after the start has settled them). */
    void deleteIntents(String folder);

    /**
     * Frees what this connection's page cache holds and does not use ({@code PRAGMA shrink_memory}):
     * for a node at rest, whose cache a bulk copy filled (it refills from the file as needed).
     */
    void releaseMemory();
}
