/**
 * Reading a csync2 configuration ({@code /etc/csync2.cfg}) and mapping it onto a syncnode
 * configuration for one host: what {@code syncnode import-csync2} prints.
 *
 * <p>{@link io.syncnode.config.csync2.Csync2Parser} follows csync2's own scanner and grammar
 * ({@code cfgfile_scanner.l}, {@code cfgfile_parser.y} of LINBIT/csync2 2.0) and yields a
 * {@link io.syncnode.config.csync2.Csync2Config}; {@link io.syncnode.config.csync2.Csync2Mapper}
 * turns it into an {@link io.syncnode.config.csync2.ImportedConfig} plus the list of what has no
 * syncnode counterpart, each with its reason; {@link io.syncnode.config.csync2.TomlRenderer} writes
 * that as TOML that {@link io.syncnode.config.ConfigLoader} reads.
 *
 * <p>Must not: touch the file system beyond reading the csync2 file and the files it includes
 * ({@code config FILE;}), resolve host names, look up this machine's name (the caller passes it),
 * or write anything. Bad input is a {@link io.syncnode.config.csync2.Csync2Exception} naming file,
 * line and reason.
 */
package io.syncnode.config.csync2;
