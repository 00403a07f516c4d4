/**
 * OS: the only package that imports {@code jnr.ffi}. Thin, typed wrappers over the few Linux
 * system calls the JDK does not offer: inotify ({@link io.syncnode.node.os.Inotify}); in
 * {@link io.syncnode.node.os.NativeFs} nanosecond no-follow mtimes, mknod/mkfifo, xattrs of every
 * namespace (POSIX ACLs included), sparse-file data regions, allocated size, hard-link helpers and
 * raw-byte directory listings; {@link io.syncnode.node.os.DeviceNumber} (glibc major/minor),
 * {@link io.syncnode.node.os.PathBytes} (byte-exact file names, also when not valid UTF-8) and
 * {@link io.syncnode.node.os.SystemdNotify} ({@code sd_notify}: AF_UNIX datagrams, which the JDK lacks);
 * {@link io.syncnode.node.os.ConfinedFs} (the {@code *at} calls that keep a folder's writes below its
 * root, never following a symlink), {@link io.syncnode.node.os.ConfinedReads} and
 * {@link io.syncnode.node.os.BeneathTree} (the same for what is read to be indexed or sent) and
 * {@code umask(2)}.
 *
 * <p>What it must not do: no policy. It does not know about folders, ignore rules, indexes or
 * the cluster; it turns errno into exceptions that name the path, the call and the errno text
 * (and, for resource limits, the sysctl to raise), and hands back plain Java values.
 *
 * <p>Threading: libc is loaded once, lazily, on first use; errno is per-thread and read right
 * after each call. {@code NativeFs} is stateless and thread-safe. An {@code Inotify} may be
 * used from several threads (see its Javadoc) but read by one at a time; {@code close()} from any
 * thread wakes its reader.
 */
package io.syncnode.node.os;
