-- Migration 004: the apply journal.
--
-- Applied by SchemaMigrations in one transaction that also sets PRAGMA user_version = 4.


-- intents: versions this node is about to write into a folder (a file renamed into place, a
-- chmod, a delete...), committed before the write, removed in the same transaction as the
-- written version's files row. A row left by a crash between the write and that commit tells the
-- next start whose version the entry on disk is: when the disk matches the row, the row's version
-- is recorded (instead of a local change of unknown origin, which would be concurrent with the
-- versions that followed it and make a false conflict); otherwise the row is dropped. The record's
-- columns mean what the files columns of the same name mean.
CREATE TABLE intents (
    folder         TEXT    NOT NULL COLLATE BINARY,  -- folder name
    path           TEXT    NOT NULL COLLATE BINARY,  -- relative path inside the folder
    type           TEXT    NOT NULL
                   CHECK (type IN ('REGULAR', 'DIRECTORY', 'SYMLINK', 'CHAR_DEVICE', 'BLOCK_DEVICE', 'FIFO')),
    mode           INTEGER NOT NULL,
    uid            INTEGER NOT NULL,
    gid            INTEGER NOT NULL,
    mtime_ns       INTEGER NOT NULL,
    size           INTEGER NOT NULL,
    hash           BLOB    CHECK (hash IS NULL OR length(hash) = 32),
    symlink_target TEXT,
    rdev           INTEGER NOT NULL,
    version        BLOB    NOT NULL CHECK (length(version) % 16 = 0),
    deleted        INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    modified_by    INTEGER NOT NULL,
    xattrs         BLOB,
    hard_link      TEXT,
    announce       INTEGER NOT NULL                  -- 1: a version this node made (a conflict it lost), to announce
                   CHECK (announce IN (0, 1)),
    PRIMARY KEY (folder, path)
) STRICT, WITHOUT ROWID;
