-- Migration 005: the incremental folder digest.
--
-- Applied by SchemaMigrations in one transaction that also sets PRAGMA user_version = 5, on a
-- connection where DigestBuckets.install registered the syncnode_* functions the triggers call
-- (and turned on recursive_triggers, so that the row an INSERT OR REPLACE removes fires the delete
-- trigger). The definition of the sums and of the digest is PROTOCOL.md 5.4 and DigestBuckets.


-- digest_buckets: per folder, the records of the files table in 1024 buckets (by the first 10 bits
-- of SHA-256 of the path), each with the sum of its records' entry hashes and its live count. The
-- folder digest and the live count are read from at most 1024 rows, never from a walk of files.
-- Kept by the triggers below in the transaction of every change of files; a bucket whose records
-- all went keeps a row with sum 0 and live 0 (the same as no row).
CREATE TABLE digest_buckets (
    folder TEXT    NOT NULL COLLATE BINARY,  -- folder name, as in files
    bucket INTEGER NOT NULL                  -- 0..1023: the first 10 bits of SHA-256(path bytes)
           CHECK (bucket BETWEEN 0 AND 1023),
    sum    BLOB    NOT NULL                  -- sum mod 2^256 of SHA-256(E) of the bucket's records, 32 bytes big-endian
           CHECK (length(sum) = 32),
    live   INTEGER NOT NULL,                 -- records of the bucket not deleted, the root '.' not counted
    PRIMARY KEY (folder, bucket)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER files_digest_insert AFTER INSERT ON files
BEGIN
    INSERT INTO digest_buckets (folder, bucket, sum, live)
    VALUES (NEW.folder, syncnode_bucket(NEW.path), syncnode_entry(NEW.path, NEW.version, NEW.deleted),
            NEW.deleted = 0 AND NEW.path <> '.')
    ON CONFLICT (folder, bucket) DO UPDATE SET sum = syncnode_add(sum, excluded.sum), live = live + excluded.live;
END;

CREATE TRIGGER files_digest_delete AFTER DELETE ON files
BEGIN
    UPDATE digest_buckets
       SET sum = syncnode_subtract(sum, syncnode_entry(OLD.path, OLD.version, OLD.deleted)),
           live = live - (OLD.deleted = 0 AND OLD.path <> '.')
     WHERE folder = OLD.folder AND bucket = syncnode_bucket(OLD.path);
END;

CREATE TRIGGER files_digest_update AFTER UPDATE OF folder, path, version, deleted ON files
BEGIN
    UPDATE digest_buckets
       SET sum = syncnode_subtract(sum, syncnode_entry(OLD.path, OLD.version, OLD.deleted)),
           live = live - (OLD.deleted = 0 AND OLD.path <> '.')
     WHERE folder = OLD.folder AND bucket = syncnode_bucket(OLD.path);
    INSERT INTO digest_buckets (folder, bucket, sum, live)
    VALUES (NEW.folder, syncnode_bucket(NEW.path), syncnode_entry(NEW.path, NEW.version, NEW.deleted),
            NEW.deleted = 0 AND NEW.path <> '.')
    ON CONFLICT (folder, bucket) DO UPDATE SET sum = syncnode_add(sum, excluded.sum), live = live + excluded.live;
END;

-- The sums of the records already indexed (a no-op on a fresh database). WHERE true: an
-- INSERT ... SELECT with an upsert needs it, or the parser reads ON as a join constraint.
INSERT INTO digest_buckets (folder, bucket, sum, live)
SELECT folder, syncnode_bucket(path), syncnode_entry(path, version, deleted), deleted = 0 AND path <> '.'
  FROM files WHERE true
ON CONFLICT (folder, bucket) DO UPDATE SET sum = syncnode_add(sum, excluded.sum), live = live + excluded.live;
