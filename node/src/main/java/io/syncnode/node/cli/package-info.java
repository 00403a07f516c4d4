/**
 * The {@code syncnode} command line: parses verbs with picocli, runs the node ({@code run}) or asks
 * the running node over its control socket ({@code status}, {@code peers}, {@code dirty},
 * {@code sync}, {@code check}, {@code conflicts}, {@code resolve}, {@code pause}, {@code resume}) and prints plain-text tables or, with {@code --json}, the JSON
 * shapes of DESIGN.md unchanged.
 *
 * <p>Exit codes: 0 ok, 1 error, 2 usage or configuration error, 3 not converged before
 * {@code --timeout}. Every failure reaches the operator as one line {@code syncnode: <message>}.
 *
 * <p>Must not: hold sync logic (it only forwards requests and formats answers), print stack
 * traces, call {@code System.exit} outside {@link io.syncnode.node.cli.Main#main}, or read
 * configuration other than through the configuration loader.
 */
package io.syncnode.node.cli;
