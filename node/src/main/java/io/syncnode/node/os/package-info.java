/**
 * OS: the only package that imports {@code jnr.ffi}. Thin, typed wrappers over the few Linux
 * system calls the JDK does not offer: inotify ({@link io.syncnode.node.os.Inotify}) and
 * nanosecond, no-follow mtimes ({@link io.syncnode.node.os.NativeFs}).
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
