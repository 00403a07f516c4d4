/**
 * Reading the disk: lstat a path into a {@link io.syncnode.node.scan.DiskEntry} (type, metadata,
 * stat signature, content hash) and walking a folder for full scans.
 *
 * <p>Never follows symlinks, in any component below the folder root either (the walk and every
 * read of an entry are confined: {@link io.syncnode.node.os.ConfinedReads}); never writes. A file that changes while it is hashed is reported as
 * {@link io.syncnode.node.scan.EntryReader.ChangedWhileReading}, and the caller retries later:
 * a half-written file is never recorded.
 */
package io.syncnode.node.scan;
