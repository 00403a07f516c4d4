/**
 * Typed configuration: the TOML file read and validated once at start into records
 * ({@link io.syncnode.config.SyncnodeConfig} and its sections), and the JGroups protocol stacks
 * derived from the {@code [cluster]} section ({@link io.syncnode.config.JGroupsStack}).
 *
 * <p>Must not: read system properties or the environment, resolve host names, touch the folders
 * it describes, or import JGroups (stacks are produced as XML text; the cluster package builds
 * the channel). Every rejected file yields a {@link io.syncnode.config.ConfigException} naming
 * file, line, key and reason; nothing half-validated escapes this package.
 */
package io.syncnode.config;
