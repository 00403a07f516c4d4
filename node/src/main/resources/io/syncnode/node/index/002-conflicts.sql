-- Migration 002: open conflicts.
--
-- Applied by SchemaMigrations in one transaction that also sets PRAGMA user_version = 2.


-- conflicts: paths whose folder policy ("manual", or "script" until the script settles them)
-- lets nobody overwrite: the local version stays in files, the concurrent version this node did
-- not take is kept here, with the member that announced it, until `syncnode resolve` (or the
-- script) makes a version that dominates both, or a newer version arrives that does. One row
-- per path: the latest concurrent version seen. The remote record's columns mean what the files
-- columns of the same name mean.
CREATE TABLE conflicts (
    folder         TEXT    NOT NULL COLLATE BINARY,  -- folder name
    path           TEXT    NOT NULL COLLATE BINARY,  -- relative path inside the folder
    type           TEXT    NOT NULL                  -- remote entry type: FileType enum name
                   CHECK (type IN ('REGULAR', 'DIRECTORY', 'SYMLINK', 'CHAR_DEVICE', 'BLOCK_DEVICE', 'FIFO')),
    mode           INTEGER NOT NULL,                 -- remote permission bits
    uid            INTEGER NOT NULL,                 -- remote numeric owner
    gid            INTEGER NOT NULL,                 -- remote numeric group
    mtime_ns       INTEGER NOT NULL,                 -- remote modification time, ns since the epoch
    size           INTEGER NOT NULL,                 -- remote content length
    hash           BLOB                              -- remote content SHA-256, or NULL
                   CHECK (hash IS NULL OR length(hash) = 32),
    symlink_target TEXT,                             -- remote symlink target, or NULL
    rdev           INTEGER NOT NULL,                 -- remote device number, or 0
    version        BLOB    NOT NULL                  -- remote version vector, encoded as files.version
                   CHECK (length(version) % 16 = 0),
    deleted        INTEGER NOT NULL                  -- 1 when the remote version is a delete
                   CHECK (deleted IN (0, 1)),
    modified_by    INTEGER NOT NULL,                 -- id of the node that made the remote version
    remote_node    TEXT    NOT NULL,                 -- name of the member that announced it (where its content is fetched)
    detected_ms    INTEGER NOT NULL,                 -- when the conflict was first seen, ms since the epoch
    PRIMARY KEY (folder, path)
) STRICT, WITHOUT ROWID;
