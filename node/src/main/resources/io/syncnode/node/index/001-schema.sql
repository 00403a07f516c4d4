-- Migration 001: the first schema of the node index (<state-dir>/index.db).
--
-- Applied by SchemaMigrations in one transaction that also sets PRAGMA user_version = 1.
-- All tables are STRICT (declared types are enforced) and, where the key is the natural way
-- in, WITHOUT ROWID (the rows live in the primary-key b-tree: ~30 % smaller, faster point
-- lookups). Text is UTF-8 and compared with BINARY collation, so ORDER BY path is the byte
-- order of the UTF-8 path, the same on every node ("a.b" < "a/b" < "ab", since '.' < '/' < 'b').
-- Times are integers: nanoseconds since the epoch for file times, milliseconds for
-- bookkeeping times. Node ids are signed 64-bit integers (Java long).


-- node: small key/value facts about this node and its database.
-- Rows: 'node_id' = this node's random non-zero 64-bit id, made on first open and never
-- changed (a wiped state dir makes a new node); 'sequence' = the last local sequence number
-- handed out by a put, so numbers never repeat even after rows are deleted.
CREATE TABLE node (
    key   TEXT    NOT NULL PRIMARY KEY,  -- fact name: 'node_id' or 'sequence'
    value INTEGER NOT NULL               -- fact value
) STRICT, WITHOUT ROWID;


-- files: one row per (folder, path) the node knows of, live or deleted: the FileRecord as the
-- cluster sees it plus this node's view of the path on its own disk (the st_* stat signature).
-- A tombstone (deleted = 1) keeps the version of the delete so it can win over older versions.
-- The st_* columns are all NULL when the entry is not on this node's disk (tombstones, records
-- not fetched yet) and all set otherwise; a fresh lstat equal to them means "unchanged".
CREATE TABLE files (
    folder         TEXT    NOT NULL COLLATE BINARY,  -- folder name, as configured on every node
    path           TEXT    NOT NULL COLLATE BINARY,  -- relative, normalised path inside the folder ('/'-separated)
    type           TEXT    NOT NULL                  -- entry type: FileType enum name
                   CHECK (type IN ('REGULAR', 'DIRECTORY', 'SYMLINK', 'CHAR_DEVICE', 'BLOCK_DEVICE', 'FIFO')),
    mode           INTEGER NOT NULL,                 -- permission bits incl. setuid/setgid/sticky (07777 mask)
    uid            INTEGER NOT NULL,                 -- numeric owner (Java int: ids above 2^31-1 are stored negative)
    gid            INTEGER NOT NULL,                 -- numeric group (same encoding as uid)
    mtime_ns       INTEGER NOT NULL,                 -- modification time, ns since the epoch (0 for directories)
    size           INTEGER NOT NULL,                 -- content length of regular files, else 0
    hash           BLOB                              -- SHA-256 of the content of regular files, else NULL
                   CHECK (hash IS NULL OR length(hash) = 32),
    symlink_target TEXT,                             -- target of a symlink, else NULL
    rdev           INTEGER NOT NULL,                 -- device number of char/block devices, else 0
    version        BLOB    NOT NULL                  -- version vector: n x (8-byte big-endian node id, 8-byte
                   CHECK (length(version) % 16 = 0), --   big-endian counter), sorted by node id (signed), no zero counters
    deleted        INTEGER NOT NULL                  -- 1 for a tombstone, else 0
                   CHECK (deleted IN (0, 1)),
    modified_by    INTEGER NOT NULL,                 -- id of the node that made this version
    sequence       INTEGER NOT NULL,                 -- local change counter: node-wide, increasing, set by every put
    st_dev         INTEGER,                          -- stat signature: device of the file system holding the entry
    st_ino         INTEGER,                          -- stat signature: inode number
    st_size        INTEGER,                          -- stat signature: size in bytes
    st_mtime_ns    INTEGER,                          -- stat signature: mtime in ns (0 for directories)
    st_ctime_ns    INTEGER,                          -- stat signature: ctime in ns (0 for directories)
    st_mode        INTEGER,                          -- stat signature: permission bits
    st_uid         INTEGER,                          -- stat signature: numeric owner
    st_gid         INTEGER,                          -- stat signature: numeric group
    PRIMARY KEY (folder, path)
) STRICT, WITHOUT ROWID;

-- Rename and copy detection: find a local file that already has the wanted content, to use
-- as the basis of a fetch. Partial: directories, symlinks and tombstones have no hash.
CREATE INDEX files_by_hash ON files (folder, hash) WHERE hash IS NOT NULL;


-- dirty: the persistent outbox. One row per (folder, path, peer) for every peer that has not
-- yet confirmed the current version of the path; a confirmation deletes the row. Survives
-- restarts, so nothing is forgotten when a peer is away. A row may outlive its files row only
-- until the purge that removed the record clears it.
CREATE TABLE dirty (
    folder   TEXT    NOT NULL COLLATE BINARY,  -- folder name
    path     TEXT    NOT NULL COLLATE BINARY,  -- relative path inside the folder
    peer_id  INTEGER NOT NULL,                 -- node id of the peer that has not confirmed yet
    since_ms INTEGER NOT NULL,                 -- when the path first became dirty toward that peer, ms since the epoch
    PRIMARY KEY (folder, path, peer_id)
) STRICT, WITHOUT ROWID;

-- What to send to one peer: its dirty paths of one folder, in path order.
CREATE INDEX dirty_by_peer ON dirty (peer_id, folder, path);


-- peers: every node this node has heard of, for names in listings and for last-seen times.
-- Rows are never deleted automatically: a peer away for a long time is still owed its changes.
CREATE TABLE peers (
    id           INTEGER NOT NULL PRIMARY KEY,  -- the peer's node id
    name         TEXT    NOT NULL,              -- the peer's configured name
    address      TEXT,                          -- last known address, host:port, or NULL
    last_seen_ms INTEGER                        -- last time it was a member of the view, ms since the epoch, or NULL
) STRICT;
