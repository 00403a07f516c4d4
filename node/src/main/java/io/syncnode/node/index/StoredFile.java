package io.syncnode.node.index;

import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.StatSignature;
import java.util.Objects;

/**
 * One entry of the index: a folder's record for one path, as this node stores it.
 *
 * @param folder   folder name
 * @param record   the record (tombstones included)
 * @param stat     what lstat said when this node last wrote or scanned the path; null when the
 *                 entry is not (or no longer) on this node's disk, e.g. tombstones or records
 *                 not yet fetched
 * @param sequence local change counter: every {@link IndexWriter#put} takes the next value of one
 *                 node-wide counter, so it increases across all folders and never repeats
 */
public record StoredFile(String folder, FileRecord record, StatSignature stat, long sequence) {
    public StoredFile {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(record, "record");
    }

    /** Shortcut for {@code record().path()}. */
    public String path() {
        return record.path();
    }
}
