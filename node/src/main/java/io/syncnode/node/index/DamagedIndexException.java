package io.syncnode.node.index;

/** The database file is not an SQLite database, or its pages fail SQLite's own check. */
final class DamagedIndexException extends RuntimeException {
    DamagedIndexException(String message, Throwable cause) {
        super(message, cause);
    }

    DamagedIndexException(String message) {
        super(message);
    }
}
