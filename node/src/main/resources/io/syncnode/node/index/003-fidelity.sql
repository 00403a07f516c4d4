-- Migration 003: container-grade records (extended attributes, hard-link groups, byte names).
--
-- Applied by SchemaMigrations in one transaction that also sets PRAGMA user_version = 3.
--
-- Paths, symlink targets and extended attribute names are file name bytes in NameCodec form:
-- valid UTF-8 as it is, every other byte as an escape character U+EF80..U+EFFF, so any name
-- Linux allows is kept exactly in a TEXT column.
--
-- Directory rows now carry their mtime (mtime_ns, st_mtime_ns and st_ctime_ns are no longer 0):
-- a database from before this migration sees every directory as changed once, at the first scan
-- after the upgrade, and announces its mtime.


-- xattrs: the entry's extended attributes incl. POSIX ACLs, NULL when it has none. Encoding (see
-- Xattrs.encode): per attribute in name order, u16 name length, name bytes, u32 value length,
-- value bytes, big-endian.
ALTER TABLE files ADD COLUMN xattrs BLOB;
-- hard_link: for a regular file that is not the first name of its hard-link group, the path of
-- the group's first (smallest) name; NULL otherwise.
ALTER TABLE files ADD COLUMN hard_link TEXT;

-- The same two fields of the remote version of an open conflict.
ALTER TABLE conflicts ADD COLUMN xattrs BLOB;
ALTER TABLE conflicts ADD COLUMN hard_link TEXT;

-- The other names of a hard-link group: the entries on this node's disk with the same inode.
CREATE INDEX files_by_inode ON files (folder, st_ino) WHERE st_ino IS NOT NULL;
-- The names that link to a group's first name (to link them again after it was replaced).
CREATE INDEX files_by_hard_link ON files (folder, hard_link) WHERE hard_link IS NOT NULL;
