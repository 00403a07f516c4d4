package io.syncnode.node.cli;

/** The process exit codes of the CLI, as DESIGN.md fixes them. */
final class ExitCode {
    /** The verb did what was asked. */
    static final int OK = 0;
    /** Something failed: no node running, the node refused, I/O. */
    static final int ERROR = 1;
    /** The command line or the configuration file is wrong. */
    static final int USAGE = 2;
    /** {@code sync} did not converge before {@code --timeout}. */
    static final int NOT_CONVERGED = 3;
    /**
     * {@code status}: the node answered but is not healthy (no other member, a halted folder, open
     * problems): what a keepalived or load-balancer check tests.
     */
    static final int DEGRADED = io.syncnode.node.control.StatusText.DEGRADED;

    private ExitCode() {
    }
}
