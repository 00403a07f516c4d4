package io.syncnode.node.index;

import io.syncnode.protocol.FileRecord;

/**
 * A row of the apply journal: {@code record} was about to be written at its path; {@code announce}
 * when it is a version this node made (the merged version of a conflict it lost).
 */
public record ApplyIntent(String folder, FileRecord record, boolean announce) {
}
